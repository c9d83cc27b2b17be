// Attacks on the WebSocket endpoint and the pages, each refused: idle
// sockets that never join held until the server runs out of descriptors,
// floods of frames (malformed or not) answered one by one, and pages without
// security headers or a WebSocket that any site may open. (Issue #14,
// attacks 3, 4 and 13.) Other users' latency under a flood is measured by
// `npm run loadtest:flood`, not here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({
    TRUST_PROXY: '1',
    MAX_PENDING_CONNECTIONS_PER_ADDRESS: '20',
    MAX_CONNECTIONS: '60',
    JOIN_DEADLINE_SECONDS: '1',
  });
});

afterAll(async () => {
  for (const s of sockets) s.terminate();
  await server.close();
});

interface Opened {
  ws: WebSocket | null;
  status: number;
  body: string;
}

/** Opens a raw WebSocket from `address`; resolves with it, or with the HTTP refusal. */
function open(address: string, headers: Record<string, string> = {}): Promise<Opened> {
  return new Promise((resolve) => {
    const ws = new WebSocket(server.wsUrl, { headers: { 'x-forwarded-for': address, ...headers } });
    ws.on('open', () => {
      sockets.push(ws);
      resolve({ ws, status: 101, body: '' });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ ws: null, status: res.statusCode ?? 0, body }));
    });
    ws.on('error', () => resolve({ ws: null, status: 0, body: '' }));
  });
}

function closedWith(
  ws: WebSocket,
  timeoutMs = 5000,
): Promise<{ code: number; reason: pb.CloseReason | null }> {
  return new Promise((resolve, reject) => {
    let reason: pb.CloseReason | null = null;
    const t = setTimeout(() => reject(new Error('not closed')), timeoutMs);
    ws.on('message', (data: Buffer) => {
      const m = pb.ServerMessage.decode(data);
      if (m.event?.sessionClosed) reason = m.event.sessionClosed.reason ?? null;
    });
    ws.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, reason });
    });
  });
}

async function healthy(): Promise<boolean> {
  const res = await fetch(`${server.httpUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
  return res.ok;
}

describe('attack 3: idle WebSockets that never join', () => {
  it('are limited per address, closed after the join deadline, and capped overall with a clear refusal', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => open('203.0.113.10')));
    expect(results.filter((r) => r.status === 101)).toHaveLength(20);
    const refused = results.filter((r) => r.status !== 101);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(JSON.parse(r.body)).toMatchObject({ error: expect.stringMatching(/connections/) });
    }
    expect(await healthy()).toBe(true);
    // Nobody joined: after the deadline every one of them is closed, saying why.
    const closes = await Promise.all(results.filter((r) => r.ws).map((r) => closedWith(r.ws!, 4000)));
    for (const c of closes) expect(c.reason).toBe(pb.CloseReason.CLOSE_REASON_JOIN_TIMEOUT);
    // The address may connect again.
    const again = await open('203.0.113.10');
    expect(again.status).toBe(101);
    again.ws!.terminate();

    // Many addresses: the global cap refuses with 503 and says so; health and pages still answer.
    const many = await Promise.all(Array.from({ length: 70 }, (_, i) => open(`198.51.100.${i + 1}`)));
    const open101 = many.filter((r) => r.status === 101);
    expect(open101.length).toBeLessThanOrEqual(60);
    const full = many.filter((r) => r.status === 503);
    expect(full.length).toBeGreaterThanOrEqual(10);
    expect(JSON.parse(full[0]!.body)).toMatchObject({ error: expect.stringMatching(/full/) });
    expect(await healthy()).toBe(true);
    expect((await fetch(`${server.httpUrl}/j/123-456-7`)).status).toBe(200);
    for (const r of open101) r.ws!.terminate();
  });
});

describe('attack 4: frame floods', () => {
  it('a connection that keeps sending garbage is answered a few times, then closed', async () => {
    const { ws } = await open('203.0.113.20');
    let replies = 0;
    ws!.on('message', () => replies++);
    const closed = closedWith(ws!);
    for (let i = 0; i < 3000 && ws!.readyState === WebSocket.OPEN; i++)
      ws!.send(Buffer.from([0xff, 0xff, i & 0xff]));
    const { reason } = await closed;
    expect(reason).toBe(pb.CloseReason.CLOSE_REASON_PROTOCOL_ERROR);
    expect(replies).toBeLessThan(40);
  });

  it('valid requests past the rate limit are refused, and a connection that ignores that is closed', async () => {
    const { ws } = await open('203.0.113.21');
    let replies = 0;
    ws!.on('message', () => replies++);
    const closed = closedWith(ws!);
    const frame = pb.ClientMessage.encode({ requestId: 1, raiseHand: { raised: true } }).finish();
    for (let i = 0; i < 5000 && ws!.readyState === WebSocket.OPEN; i++) ws!.send(frame);
    const { reason } = await closed;
    expect(reason).toBe(pb.CloseReason.CLOSE_REASON_FLOODING);
    // The burst is answered (NOT_JOINED), then 500 RATE_LIMITED at most, then it is closed.
    expect(replies).toBeLessThan(800);
  });

  it('a client within the limit is never closed', async () => {
    const c = await TestClient.connect(server.wsUrl);
    for (let i = 0; i < 150; i++) {
      const r = await c.rawRequest({ raiseHand: { raised: true } });
      expect(r.error?.code).toBe(pb.ErrorCode.ERROR_CODE_NOT_JOINED);
    }
    expect(c.isOpen).toBe(true);
    c.close();
  });
});

describe('attack 13: security headers and the WebSocket origin', () => {
  it('every page and API answer carries the security headers', async () => {
    for (const path of ['/', '/j/123-456-7', '/room/x', '/static/call.js', '/healthz', '/api/rooms']) {
      const res = await fetch(`${server.httpUrl}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  it('a WebSocket from another site is refused; from our pages, or without an Origin, it opens', async () => {
    const evil = await open('203.0.113.30', { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    const ours = await open('203.0.113.31', { origin: new URL(server.httpUrl).origin });
    expect(ours.status).toBe(101);
    ours.ws!.terminate();
    const native = await open('203.0.113.32');
    expect(native.status).toBe(101);
    native.ws!.terminate();
  });
});
