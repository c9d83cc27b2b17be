// High finding of #21 (F3, F4, F14 again through the messenger): /chat had
// none of /ws's defences. Four sockets sending junk stalled every chat
// request and /healthz for seconds and were never closed; idle
// unauthenticated sockets from one address took every descriptor; any
// Origin could open it. /chat now goes through the same admission
// (signaling/transport/socketAdmission.ts: the process's one ConnectionGate,
// a deadline) and the same FloodGuard as /ws.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { CHAT_HANDLERS, type ChatHandlerTable } from '../../messaging/handlers.js';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';

import cpb = schoolcall.chat.v1;

let s: ChatTestServer;
let member: TestChatClient;
let chatId: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  s = await startChatServer({
    TRUST_PROXY: '1',
    MAX_PENDING_CONNECTIONS_PER_ADDRESS: '5',
    JOIN_DEADLINE_SECONDS: '2',
  });
  member = await s.client({ userId: 'cs-1', displayName: 'Учитель', sortName: 'Учитель' });
  chatId = (await member.request({ createChat: { title: 'Класс', members: [] } })).chat!.chatId!;
}, 60_000);

afterAll(async () => {
  for (const w of sockets) w.terminate();
  member?.close();
  await s?.stop();
});

interface Opened {
  ws: WebSocket | null;
  status: number;
}

function open(path: '/chat' | '/ws', address: string, headers: Record<string, string> = {}): Promise<Opened> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${s.httpUrl.replace('http', 'ws')}${path}`, {
      headers: { 'x-forwarded-for': address, ...headers },
    });
    ws.on('open', () => {
      sockets.push(ws);
      resolve({ ws, status: 101 });
    });
    ws.on('unexpected-response', (_req, res) => resolve({ ws: null, status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ ws: null, status: 0 }));
  });
}

function closed(ws: WebSocket, timeoutMs = 8000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    let reason = '';
    const t = setTimeout(() => reject(new Error('not closed')), timeoutMs);
    ws.on('message', (d: Buffer) => {
      const m = cpb.ChatServerMessage.decode(d);
      if (m.event?.closed) reason = m.event.closed.reason ?? '';
    });
    ws.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, reason });
    });
  });
}

describe('/chat has the call socket’s defences', () => {
  it('refuses a page of another site', async () => {
    const refused = await open('/chat', '203.0.113.1', { origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    const ours = await open('/chat', '203.0.113.1', { origin: new URL(s.httpUrl).origin });
    expect(ours.status).toBe(101);
    ours.ws!.terminate();
  });

  it('caps connections not yet authenticated per address, counted with /ws', async () => {
    const chats = await Promise.all(Array.from({ length: 3 }, () => open('/chat', '203.0.113.2')));
    const calls = await Promise.all(Array.from({ length: 2 }, () => open('/ws', '203.0.113.2')));
    expect([...chats, ...calls].every((o) => o.status === 101)).toBe(true);
    expect((await open('/chat', '203.0.113.2')).status).toBe(429);
    expect((await open('/ws', '203.0.113.2')).status).toBe(429);
    // Another address is not affected.
    const other = await open('/chat', '203.0.113.3');
    expect(other.status).toBe(101);
    for (const o of [...chats, ...calls, other]) o.ws!.terminate();
  });

  it('closes a connection that does not authenticate in time, saying why', async () => {
    const { ws } = await open('/chat', '203.0.113.4');
    const before = await s.rejected('auth_timeout');
    const c = await closed(ws!);
    expect(c.reason).toBe('authenticate first');
    expect(await s.rejected('auth_timeout')).toBe(before + 1);
  });

  it('closes a socket that floods junk; others are answered meanwhile', async () => {
    const flooders = await Promise.all(
      Array.from({ length: 4 }, (_, i) => open('/chat', `198.51.100.${i + 1}`)),
    );
    const ends = flooders.map((f) => closed(f.ws!, 15_000));
    let replies = 0;
    for (const f of flooders) f.ws!.on('message', () => replies++);
    const junk = Buffer.alloc(2000, 0xff);
    for (let i = 0; i < 1500; i++) {
      for (const f of flooders) if (f.ws!.readyState === WebSocket.OPEN) f.ws!.send(junk);
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    // While they flood, a member's request and /healthz are answered.
    const sent = await member.send(chatId, 'всё в порядке');
    expect(sent.seq).toBeGreaterThan(0);
    expect((await fetch(`${s.httpUrl}/healthz`, { signal: AbortSignal.timeout(3000) })).status).toBe(200);
    for (const e of await Promise.all(ends)) expect(e.reason).toMatch(/too many/);
    // A bounded number of answers, not one per frame.
    expect(replies).toBeLessThan(4 * 40);
    expect(await s.rejected('closed_malformed')).toBeGreaterThanOrEqual(4);
  });

  it('a client that sends valid requests too fast is refused, then closed', async () => {
    const { ws } = await open('/chat', '198.51.100.50');
    const end = closed(ws!, 15_000);
    let limited = 0;
    ws!.on('message', (d: Buffer) => {
      if (cpb.ChatServerMessage.decode(d).response?.error?.code === cpb.ChatErrorCode.CHAT_ERROR_RATE_LIMITED)
        limited++;
    });
    const frame = (id: number) => cpb.ChatClientMessage.encode({ requestId: id, listChats: {} }).finish();
    for (let i = 1; i <= 1000 && ws!.readyState === WebSocket.OPEN; i++) ws!.send(frame(i));
    expect((await end).reason).toBe('too many requests');
    expect(limited).toBeGreaterThan(0);
  });
});

describe('the messenger’s handler table', () => {
  it('has a handler for every request (a missing one does not compile)', () => {
    const { sendMessage: _dropped, ...rest } = CHAT_HANDLERS;
    // @ts-expect-error a table without sendMessage is not a ChatHandlerTable
    const incomplete: ChatHandlerTable = rest;
    expect(Object.keys(incomplete)).not.toContain('sendMessage');
  });
});
