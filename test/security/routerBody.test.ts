// Every route's body is read by the router from the first moment
// (signaling/http/router.ts): uWS hands request data only to a reader
// attached before the handler's first await, so a handler that checks a
// limit or a store before it reads the body would otherwise wait forever
// (the demo school's sign-in hung this way). Without the router's reader the
// first case here times out.
import uWS from 'uWebSockets.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { AdminAuth } from '../../signaling/adminAuth.js';
import { guardApp } from '../../signaling/http/guardedApp.js';
import { sendJson } from '../../signaling/http/httpUtil.js';
import { HttpRouter } from '../../signaling/http/router.js';
import { Metrics } from '../../signaling/metrics.js';

let listen: uWS.us_listen_socket;
let base = '';

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  const app = guardApp(uWS.App(), () => {});
  const metrics = new Metrics(
    () => ({ rooms: 0, participants: 0, producers: 0, consumers: 0 }) as never,
    async () => [],
  );
  const router = new HttpRouter(
    app,
    new AdminAuth('secret'),
    metrics,
    createLogger('error'),
    false,
    () => [],
  );
  const open = { admin: false };
  // Looks something up (a real timer, as a store round trip) before reading.
  router.route('post', '/late-reader', 'late_reader', open, async (reply, req) => {
    await later(50);
    sendJson(reply, 200, { got: await req.json() });
  });
  router.route('post', '/small', 'small', { admin: false, maxBody: 16 }, async (reply, req) => {
    await later(10);
    sendJson(reply, 200, { bytes: (await req.body()).length });
  });
  router.route('get', '/no-body', 'no_body', open, async (reply, req) => {
    sendJson(reply, 200, { bytes: (await req.body()).length });
  });
  listen = await new Promise<uWS.us_listen_socket>((resolve, reject) =>
    app.listen('127.0.0.1', 0, (t) => (t ? resolve(t) : reject(new Error('cannot listen')))),
  );
  base = `http://127.0.0.1:${uWS.us_socket_local_port(listen)}`;
});

afterAll(() => {
  uWS.us_listen_socket_close(listen);
});

const post = (path: string, body: string) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(5000),
  });

describe('the router reads every body at once', () => {
  it('a handler that awaits something first still gets its body', async () => {
    const res = await post('/late-reader', JSON.stringify({ name: 'Анна' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ got: { name: 'Анна' } });
  });

  it('a body past the route limit is refused with 413, and a bad JSON body with 400', async () => {
    expect((await post('/small', 'x'.repeat(17))).status).toBe(413);
    expect(await (await post('/small', 'x'.repeat(16))).json()).toEqual({ bytes: 16 });
    expect((await post('/late-reader', '{not json')).status).toBe(400);
    expect((await post('/late-reader', '[1,2]')).status).toBe(400);
  });

  it('a GET has an empty body', async () => {
    const res = await fetch(`${base}/no-body`, { signal: AbortSignal.timeout(5000) });
    expect(await res.json()).toEqual({ bytes: 0 });
  });
});
