// Low item of #21: a broadcast's viewer count could be inflated from one
// address by reporting made-up viewer ids. Now one address counts at most
// VIEWERS_PER_ADDRESS viewers of a broadcast at once (a class behind the
// school's one address fits), counted in Redis so two hosts share it; viewers
// from other addresses count as before. The real BroadcastHttp handler on
// two "hosts" (each its own Broadcasts and SharedLimits) over one real Redis.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { BroadcastHttp, VIEWERS_PER_ADDRESS } from '../../recorder/broadcastHttp.js';
import { Broadcasts } from '../../recorder/broadcasts.js';
import { RecordingStore } from '../../recorder/recordingStore.js';
import { SharedLimits } from '../../signaling/security/sharedLimits.js';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';

let redis: TestRedis;
const connections: Redis[] = [];
const dir = mkdtempSync(join(tmpdir(), 'broadcast-viewers-'));

beforeAll(async () => {
  if (redisAvailable()) redis = await startRedis();
});

afterAll(async () => {
  for (const c of connections) c.disconnect();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const links = join(dir, 'broadcasts.json');

/** A host: its own Broadcasts (the links read from the shared file) and limits on the one Redis. */
async function host(): Promise<{ http: BroadcastHttp; broadcasts: Broadcasts }> {
  const r = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, lazyConnect: true });
  r.on('error', () => undefined);
  await r.connect();
  connections.push(r);
  const store = new RecordingStore(
    { dir, retentionDays: 1, minFreeBytes: 1 },
    createLogger('warn', { test: 'broadcastViewers' }),
  );
  const broadcasts = new Broadcasts({ file: links });
  return {
    http: new BroadcastHttp(broadcasts, store, new SharedLimits(r, new client.Registry())),
    broadcasts,
  };
}

/** What a viewer page's report answers: how many are watching. */
async function report(http: BroadcastHttp, code: string, viewer: string, address: string): Promise<number> {
  const reply = await http.handle({
    method: 'GET',
    path: `/b/${code}/status`,
    query: new URLSearchParams({ viewer }),
    header: () => undefined,
    address,
  });
  expect(reply?.status).toBe(200);
  return (JSON.parse(String(reply!.body)) as { viewers: number }).viewers;
}

describe.skipIf(!redisAvailable())('the broadcast viewer count', () => {
  it('counts at most a class from one address, across hosts; other addresses count as before', async () => {
    const a = await host();
    const { code } = a.broadcasts.create('assembly', 'Линейка');
    // The same link on a second host, as a broadcast's viewers may reach either.
    const b = await host();
    expect(b.broadcasts.get(code)).not.toBeNull();
    const school = '203.0.113.7';
    // A class of 30 behind the school's address, on the first host: all counted.
    let seen = 0;
    for (let i = 0; i < 30; i++) seen = await report(a.http, code, `pupil-device-${i}`, school);
    expect(seen).toBe(30);
    // A script at the same address inventing ids, on the second host: counted up to the cap, no further.
    for (let i = 0; i < 500; i++) seen = await report(b.http, code, `made-up-viewer-${i}`, school);
    expect(seen).toBe(VIEWERS_PER_ADDRESS - 30);
    // A viewer already counted stays counted when it reports again.
    expect(await report(a.http, code, 'pupil-device-0', school)).toBe(30);
    // Families at home, each its own address, count as before.
    for (let i = 0; i < 5; i++)
      seen = await report(a.http, code, `family-device-${i}`, `198.51.100.${i + 1}`);
    expect(seen).toBe(35);
  });
});
