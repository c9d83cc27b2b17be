// #21: every limit that protects a shared secret or resource is counted in
// Redis, so hosts sharing a Redis share the counts (signaling/security/
// sharedLimits.ts). Before, each host counted alone: a guesser alternating
// two hosts got twice the free guesses and half the waits, and twice the
// guest tokens. Two real servers on one real Redis, and the module itself on
// that Redis (two instances standing for two hosts).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Attempt,
  SharedLimits,
  type Verdict,
  isAttempt,
} from '../../signaling/security/sharedLimits.js';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let redis: TestRedis;
let a: TestServer;
let b: TestServer;
let address = 0;
const fresh = () => `198.51.100.${++address}`;

beforeAll(async () => {
  if (!redisAvailable()) return;
  redis = await startRedis();
  const shared = {
    REDIS_URL: redis.url,
    TRUST_PROXY: '1',
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
  };
  a = await startTestServer({ ...shared, HOST_ID: 'limits-a' });
  b = await startTestServer({ ...shared, HOST_ID: 'limits-b' });
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.stop();
});

async function newRoom(): Promise<{ code: string; password: string }> {
  const res = await fetch(`${a.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: a.adminHeaders,
    body: JSON.stringify({ id: `limits-${randomBytes(4).toString('hex')}`, title: 'Parents' }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { code: string; password: string };
}

function joinByCode(host: TestServer, code: string, password: string, ip: string): Promise<Response> {
  return fetch(`${host.httpUrl}/api/join/${encodeURIComponent(code)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ displayName: 'Parent', password }),
  });
}

describe.skipIf(!redisAvailable())('limits shared by two hosts on one Redis', () => {
  it('password guesses spread over two hosts meet one back-off', async () => {
    const room = await newRoom();
    const guesser = fresh();
    const statuses: number[] = [];
    // One after another, alternating hosts: 3 free, then waits of 1, 2, 4 s
    // (held), then a wait of 8 s, which is refused at once. Counted per host,
    // each host would have seen 4 and held the last one 1 s.
    for (let i = 0; i < 7; i++) {
      const res = await joinByCode(i % 2 ? b : a, room.code, 'wrong1', guesser);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(((await res.json()) as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(5);
      }
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    // A parent at home, on either host, is not slowed.
    expect((await joinByCode(b, room.code, room.password, fresh())).status).toBe(201);
  }, 30_000);

  it('guest tokens from one address are counted across the hosts', async () => {
    const room = await newRoom();
    const family = fresh();
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) {
      statuses.push((await joinByCode(i % 2 ? b : a, room.code, room.password, family)).status);
    }
    // 10 a minute per address in all, not 10 on each host.
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
  });
});

describe.skipIf(!redisAvailable())('the shared limits module', () => {
  const hosts: SharedLimits[] = [];
  const registries: client.Registry[] = [];
  const connections: Redis[] = [];
  const host = async () => {
    // As the server's connections: no offline queue, so a Redis away fails at once.
    const r = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
    r.on('error', () => undefined);
    await r.connect();
    connections.push(r);
    const registry = new client.Registry();
    registries.push(registry);
    const limits = new SharedLimits(r, registry);
    hosts.push(limits);
    return limits;
  };
  const refusals = async (i: number, why: string) =>
    (await registries[i]!.getSingleMetric('school_call_limit_refused_total')!.get()).values
      .filter((v) => v.labels.why === why)
      .reduce((n, v) => n + v.value, 0);

  afterAll(() => {
    for (const c of connections) c.disconnect();
  });

  it('a window is one count for both hosts, and a refused host stops asking Redis', async () => {
    const one = (await host()).window({ name: 'test_window', limit: 4, windowMs: 60_000 });
    const two = (await host()).window({ name: 'test_window', limit: 4, windowMs: 60_000 });
    const verdicts: Verdict[] = [];
    for (let i = 0; i < 6; i++) verdicts.push(await (i % 2 ? two : one).take('pupil-1'));
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, true, false, false]);
    // Refused once, the next refusal costs no Redis command.
    const monitor = await new Redis(redis.url).monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_t: string, args: string[]) => seen.push(args.join(' ')));
    expect((await one.take('pupil-1')).ok).toBe(false);
    // A barrier: MONITOR lists commands in the order Redis ran them, so once this
    // one is seen, any command the refusal had sent (and awaited) was seen too.
    const other = new Redis(redis.url);
    await other.echo('limits-barrier');
    for (let i = 0; i < 500 && !seen.some((c) => c.includes('limits-barrier')); i++)
      await new Promise((r) => setTimeout(r, 10));
    other.disconnect();
    monitor.disconnect();
    expect(seen.some((c) => c.includes('limits-barrier'))).toBe(true);
    expect(seen.filter((c) => c.includes('test_window'))).toEqual([]);
    expect(await refusals(hosts.length - 2, 'local')).toBe(1);
    // Bytes: a large cost that does not fit is refused, a small one still fits.
    const bytes = (await host()).window({ name: 'test_bytes', limit: 1000, windowMs: 60_000 });
    expect((await bytes.take('pupil-1', 900)).ok).toBe(true);
    expect((await bytes.take('pupil-1', 200)).ok).toBe(false);
    expect((await bytes.take('pupil-1', 100)).ok).toBe(true);
  });

  it('slots are held across hosts and come free when released', async () => {
    const rule = { name: 'test_slots', leaseMs: 60_000 };
    const one = (await host()).slots(rule);
    const two = (await host()).slots(rule);
    const first = await one.hold('rec-1', [{ key: 'school-1', max: 2 }]);
    const second = await two.hold('rec-2', [{ key: 'school-1', max: 2 }]);
    expect('release' in first && 'release' in second).toBe(true);
    expect(await two.hold('rec-3', [{ key: 'school-1', max: 2 }])).toMatchObject({ ok: false });
    if ('release' in first) await first.release();
    expect('release' in (await two.hold('rec-3', [{ key: 'school-1', max: 2 }]))).toBe(true);
  });

  it('with Redis away, guesses are refused (fail closed) and other windows count locally', async () => {
    const limits = await host();
    const guesses = limits.backoff({ name: 'test_guess', free: 2, firstDelayMs: 1000, maxDelayMs: 60_000 });
    const searches = limits.window({ name: 'test_search', limit: 2, windowMs: 60_000 });
    const begun = await guesses.begin(['1.2.3.4|code']);
    expect(isAttempt(begun)).toBe(true);
    await (begun as Attempt)(false);
    const i = hosts.length - 1;
    await redis.stop();
    try {
      expect(await guesses.begin(['1.2.3.4|code'])).toMatchObject({ ok: false, unavailable: true });
      expect(await refusals(i, 'unavailable')).toBe(1);
      const local = [await searches.take('p'), await searches.take('p'), await searches.take('p')];
      expect(local.map((v) => v.ok)).toEqual([true, true, false]);
    } finally {
      await redis.start();
    }
  });
});
