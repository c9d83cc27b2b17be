// With certificate files configured, the server speaks HTTPS and WSS itself
// (uWebSockets.js SSLApp): pages, the API and a join over the WebSocket all
// work over TLS, and nothing answers in plain HTTP. The certificate is a
// self-signed one made for the test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pb } from '../helpers/protocolClient.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let base: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  server = await startTestServer({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
  base = `https://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
});

/** GET or POST over HTTPS, accepting the test's self-signed certificate. */
function https(
  path: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method: init.method ?? 'GET', headers: init.headers, rejectUnauthorized: false },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('TLS when certificate files are configured', () => {
  it('serves pages and the API over HTTPS, and the WebSocket over WSS', async () => {
    const health = await https('/healthz');
    expect(health.status).toBe(200);
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect((await https('/j/123-456-7')).status).toBe(200);
    const created = await https('/api/rooms', {
      method: 'POST',
      headers: server.adminHeaders,
      body: JSON.stringify({ id: 'secure', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body).shortLink).toMatch(/^https:\/\//);

    const { token } = await server.tokens.mint(
      { userId: 't', displayName: 'Teacher', role: 'host', roomId: 'secure' },
      600,
    );
    const ws = new WebSocket(`wss://127.0.0.1:${server.port}/ws`, {
      rejectUnauthorized: false,
      origin: base,
    });
    const response = await new Promise<pb.Response>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () =>
        ws.send(pb.ClientMessage.encode({ requestId: 1, join: { roomId: 'secure', token } }).finish()),
      );
      ws.on('message', (data: Buffer) => {
        const m = pb.ServerMessage.decode(data);
        if (m.response) resolve(m.response as pb.Response);
      });
    });
    expect(response.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    ws.close();

    // Plain HTTP on the same port gets no page.
    const plain = await fetch(`http://127.0.0.1:${server.port}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    expect(plain).not.toBe(200);
  });
});
