// Attack 10 of issue #14, refused: with REDIS_URL, an unknown code took a
// Redis read that a known code (held in memory) did not, so it answered
// measurably slower and told a guesser which codes exist. Now both take
// exactly the same Redis commands. This test compares the commands each
// answer costs (watched with MONITOR), not times: the timing itself is
// measured by `npm run loadtest:codeTiming`.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let redis: TestRedis;
let server: TestServer;

beforeAll(async () => {
  redis = await startRedis();
  // A slow heartbeat keeps the host's own Redis traffic out of the way.
  server = await startTestServer({ REDIS_URL: redis.url, HOST_HEARTBEAT_MS: '60000', TRUST_PROXY: '1' });
});

afterAll(async () => {
  await server?.close();
  await redis?.stop();
});

let address = 0;

/** The Redis commands (name and key pattern) one attempt costs. */
async function commandsOf(code: string): Promise<string[]> {
  const client = new Redis(redis.url);
  const monitor = await client.monitor();
  const seen: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    seen.push(
      args
        .map((a) =>
          a
            .replace(/\d{3}-\d{3}-\d/g, 'CODE')
            .replace(/school-call:room:[\w-]*/g, 'ROOM')
            // Each attempt comes from another address at another time (the back-off's key and clock).
            .replace(/192\.0\.2\.\d+/g, 'ADDRESS')
            .replace(/^\d{13}$/, 'NOW'),
        )
        .join(' '),
    );
  });
  // MONITOR starts listening once its reply is back; make sure with a marker.
  await client.ping();
  const res = await fetch(`${server.httpUrl}/api/join/${code}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `192.0.2.${++address}` },
    body: JSON.stringify({ displayName: 'X', password: 'wrong1' }),
  });
  expect(res.status).toBe(401);
  await new Promise((r) => setTimeout(r, 100));
  monitor.disconnect();
  client.disconnect();
  // Connection health (the watchdog's PING of every connection) and host heartbeats are not the attempt's cost.
  return seen.filter(
    (c) => !/^"?ping"?$/i.test(c) && !c.startsWith('"ping"') && !c.includes('school-call:host'),
  );
}

describe.skipIf(!redisAvailable())('attack 10: timing of unknown codes', () => {
  it('a known code with a wrong password costs the same Redis commands as an unknown code', async () => {
    const res = await fetch(`${server.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: server.adminHeaders,
      body: JSON.stringify({ id: 'timing' }),
    });
    const { code } = (await res.json()) as { code: string };
    const unknown = code === '000-000-0' ? '000-000-1' : '000-000-0';
    // The first attempt after a start also loads the back-off's script into Redis.
    await commandsOf(code === '000-000-2' ? '000-000-3' : '000-000-2');
    const known = await commandsOf(code);
    const missing = await commandsOf(unknown);
    expect(known.length).toBeGreaterThan(0);
    expect(known).toEqual(missing);
  });
});
