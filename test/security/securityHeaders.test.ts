// Low item of #21: the viewer pages under /b/, tus answers and download 404s
// came without CSP, X-Frame-Options and nosniff (the viewer page could be
// framed), because each route wrote its own headers. Now the one guard every
// route runs under (signaling/http/guardedApp.ts) writes them on every
// answer, once, unless a route set its own value. Real server, Redis and
// PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
  WASM_CONTENT_SECURITY_POLICY,
} from '../../signaling/http/securityHeaders.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { redisAvailable } from '../helpers/redis.js';

let s: ChatTestServer;

beforeAll(async () => {
  if (redisAvailable()) s = await startChatServer();
}, 60_000);

afterAll(async () => {
  await s?.stop();
});

describe.skipIf(!redisAvailable())('security headers on every answer', () => {
  const answers: [string, string, RequestInit?][] = [
    ['a broadcast viewer page (unknown code)', '/b/no-such-code'],
    ['a broadcast asset', '/b/assets/viewer.js'],
    ['a tus answer (OPTIONS)', '/api/chat/uploads', { method: 'OPTIONS' }],
    ['a tus answer (POST without a token)', '/api/chat/uploads', { method: 'POST' }],
    ['a tus answer (GET refused)', '/api/chat/uploads/abc', { method: 'GET' }],
    ['a download that does not exist', '/api/chat/files/no-such-file'],
    ['a page that does not exist', '/no/such/page'],
    ['an API answer', '/healthz'],
    ['the home page', '/'],
  ];

  for (const [what, path, init] of answers) {
    it(`${what}: CSP, frame-ancestors, X-Frame-Options, nosniff, Referrer-Policy, each once`, async () => {
      const res = await fetch(`${s.httpUrl}${path}`, init);
      await res.arrayBuffer();
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        // A header sent twice reads as two values joined by a comma.
        expect(res.headers.get(name), `${name} on ${path} (${res.status})`).toBe(value);
      }
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    });
  }

  it("a route's own policy replaces the default, not added to it (the call page compiles WebAssembly)", async () => {
    const res = await fetch(`${s.httpUrl}/room/some-room`);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(WASM_CONTENT_SECURITY_POLICY);
    expect(WASM_CONTENT_SECURITY_POLICY).not.toBe(CONTENT_SECURITY_POLICY);
  });
});
