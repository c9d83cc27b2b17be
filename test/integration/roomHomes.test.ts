// The home host of a room, kept in a real Redis: the first host to ask
// claims it, the claim lasts while its host refreshes it, lapses when it
// stops, and a host that finds the home gone can take the room over.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomHomes } from '../../signaling/cluster/roomHomes.js';
import { type TestRedis, startRedis } from '../helpers/redis.js';

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('room homes', () => {
  it('the first host claims a room; the claim lasts while refreshed and lapses after', async () => {
    const a = new RoomHomes(client, 'host-a', 300);
    const b = new RoomHomes(client, 'host-b', 300);
    expect(await a.homeOf('maths')).toBe('host-a');
    expect(await b.homeOf('maths')).toBe('host-a');
    for (let i = 0; i < 4; i++) {
      await sleep(150);
      await a.refresh(['maths']);
      // Refreshing someone else's room does nothing.
      await b.refresh(['maths']);
    }
    expect(await b.homeOf('maths')).toBe('host-a');
    await sleep(400);
    expect(await b.homeOf('maths')).toBe('host-b');
  });

  it('tells a host that stalled past its claim which rooms another host took', async () => {
    const a = new RoomHomes(client, 'host-a', 200);
    const b = new RoomHomes(client, 'host-b', 200);
    expect(await a.homeOf('art')).toBe('host-a');
    expect(await a.homeOf('music')).toBe('host-a');
    await sleep(300);
    // 'art' was taken over meanwhile; 'music' lapsed but nobody wanted it.
    expect(await b.homeOf('art')).toBe('host-b');
    expect(await a.refresh(['art', 'music'])).toEqual(['art']);
    expect(await b.homeOf('music')).toBe('host-a');
  });

  it('takes over from a dead home only if nobody else did, and releases only its own rooms', async () => {
    const a = new RoomHomes(client, 'host-a', 5000);
    const b = new RoomHomes(client, 'host-b', 5000);
    const c = new RoomHomes(client, 'host-c', 5000);
    expect(await a.homeOf('history')).toBe('host-a');
    expect(await b.takeOver('history', 'host-a')).toBe('host-b');
    // host-c, late with the same idea, finds host-b already there.
    expect(await c.takeOver('history', 'host-a')).toBe('host-b');
    await a.release(['history']);
    expect(await c.homeOf('history')).toBe('host-b');
    await b.release(['history']);
    expect(await c.homeOf('history')).toBe('host-c');
  });
});
