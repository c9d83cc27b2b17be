// Attack report 6, item 3: a burst of a class joining at once on a loaded
// host reset every Redis connection ("redis stopped answering"), and every
// request got "try again". The watchdog measured the PING's wait in wall
// time, so a process that was itself busy past STALL_MS found its answer
// "late" although Redis had answered and the reply sat unread in the
// socket. Now a late tick does not count: a busy process keeps its
// connections, while a frozen Redis is still noticed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { STALL_MS, openRedis, redisHealth } from '../../signaling/redisClients.js';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';

let redis: TestRedis;

/** Blocks this thread (the event loop with it) for `ms`. */
const busyFor = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!redisAvailable())('the Redis watchdog in a busy process', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('keeps a connection whose answer waited only because this process was busy', async () => {
    const warnings: string[] = [];
    const log = createLogger('warn');
    const spy = Object.assign(Object.create(log), {
      warn: (obj: unknown, msg?: string) => warnings.push(String(msg ?? obj)),
    });
    const c = openRedis(redis.url, 'busy-test', spy);
    try {
      if (c.status !== 'ready') await new Promise((r) => c.once('ready', r));
      await c.ping();
      // The next watchdog PING's answer is held back (Redis paused for a moment), then this
      // process gets busy, as a class's joins keep it: the answer arrives meanwhile, unread.
      const ping = c.ping.bind(c) as () => Promise<string>;
      let trap = true;
      (c as unknown as { ping: () => Promise<string> }).ping = () => {
        const answer = ping();
        if (trap) {
          trap = false;
          redis.signal('SIGSTOP');
          setImmediate(() => {
            redis.signal('SIGCONT');
            busyFor(STALL_MS + 1000);
          });
        }
        return answer;
      };
      await sleep(3000);
      expect(trap).toBe(false);
      expect(warnings.filter((w) => w.includes('stopped answering'))).toEqual([]);
      expect(redisHealth().connections['busy-test']).toBe('ok');
      expect(await c.ping()).toBe('PONG');

      // A Redis that is really silent is still noticed.
      redis.signal('SIGSTOP');
      try {
        const end = Date.now() + 10_000;
        while (redisHealth().connections['busy-test'] !== 'stalled' && Date.now() < end) await sleep(100);
        expect(redisHealth().connections['busy-test']).toBe('stalled');
      } finally {
        redis.signal('SIGCONT');
      }
    } finally {
      c.disconnect();
    }
  }, 30_000);
});
