// Every Redis connection of the server is opened here, with one failure
// policy, so no part waits longer than another for a Redis that is away:
// - while the connection is down, commands fail at once (no offline queue):
//   callers answer a typed "try again" (storeErrors.ts) instead of waiting
//   seconds for a reconnect;
// - a Redis that holds the connection but answers nothing (frozen: SIGSTOP,
//   a stalled disk, swapping) is noticed by a watchdog PING: after
//   STALL_MS without an answer the connection is dropped and reopened, so
//   waiting commands fail now and new ones fail fast until it answers again;
//   every command also has a timeout;
// - reconnects are tried at least once a second, forever, and logged once
//   per outage.
// What state Redis is in, as this process sees it, is `redisHealth()`:
// for /healthz, /readyz and anyone deciding whether a failure was ours.
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../common/log.js';

export type RedisState = 'ok' | 'unreachable' | 'stalled';

/** A watchdog PING goes out this often... */
const WATCH_MS = 500;
/** ...and a connection that has not answered one for this long is treated as frozen. */
export const STALL_MS = 1500;
/** No command waits longer than this for its answer. */
const COMMAND_TIMEOUT_MS = 3000;

interface Watched {
  purpose: string;
  state: RedisState;
}

const watched = new Set<Watched>();

export interface OpenRedisOptions {
  /** A connection for SUBSCRIBE (no command timeout, no watchdog: it only listens). */
  subscriber?: boolean;
  /** The caller connects (`await redis.connect()`: fail the start when Redis cannot be reached). */
  connectLater?: boolean;
}

/** A Redis connection for `purpose` (named in logs and in redisHealth()). */
export function openRedis(url: string, purpose: string, log: Logger, opts: OpenRedisOptions = {}): Redis {
  const options: RedisOptions = {
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    ...(opts.subscriber
      ? // A subscriber only listens; ioredis resubscribes it after a reconnect.
        {}
      : {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          enableAutoPipelining: true,
          commandTimeout: COMMAND_TIMEOUT_MS,
        }),
  };
  const redis = new Redis(url, options);
  const state: Watched = { purpose, state: 'ok' };
  watchConnection(redis, state, log);
  if (!opts.subscriber) watchForStalls(redis, state, log);
  // Failures are logged by the watcher and retried by ioredis.
  if (!opts.connectLater) redis.connect().catch(() => undefined);
  return redis;
}

/** A SUBSCRIBE connection to the Redis `redis` talks to, for parts handed a connection rather than a URL. */
export function openSubscriberLike(redis: Redis, purpose: string, log: Logger): Redis {
  // duplicate() would copy the command policy (no offline queue, a timeout): a subscriber needs neither.
  const sub = redis.duplicate({
    lazyConnect: true,
    enableOfflineQueue: true,
    enableAutoPipelining: false,
    commandTimeout: undefined,
    maxRetriesPerRequest: null,
  });
  watchConnection(sub, { purpose, state: 'ok' }, log);
  sub.connect().catch(() => undefined);
  return sub;
}

/** Logs each outage once, and the recovery: ioredis reports every failed reconnect. */
function watchConnection(redis: Redis, w: Watched, log: Logger): void {
  watched.add(w);
  redis.on('error', (err) => {
    if (w.state !== 'ok') return;
    w.state = 'unreachable';
    log.warn(
      { err, connection: w.purpose },
      'redis unreachable; what needs it is refused with "try again" until it is back',
    );
  });
  redis.on('ready', () => {
    if (w.state === 'ok') return;
    log.info({ connection: w.purpose, was: w.state }, 'redis reachable again');
    w.state = 'ok';
  });
  redis.on('end', () => watched.delete(w));
}

/** Pings the connection; one that stops answering is dropped and reopened. */
function watchForStalls(redis: Redis, w: Watched, log: Logger): void {
  let sentAt = 0;
  let lastTick = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    // A tick this late means this process was busy (or starved of CPU), not that Redis was
    // silent: the answer may be waiting unread in the socket. That time does not count
    // (attack report 6: a class joining at once on a loaded host had every connection reset).
    const late = now - lastTick - WATCH_MS;
    lastTick = now;
    if (sentAt !== 0 && late > WATCH_MS) sentAt += late;
    if (redis.status !== 'ready') return;
    if (sentAt !== 0) {
      if (now - sentAt < STALL_MS) return;
      sentAt = 0;
      if (w.state !== 'stalled') {
        w.state = 'stalled';
        log.warn(
          { connection: w.purpose },
          'redis stopped answering; reconnecting, requests get "try again"',
        );
      }
      // Rejects what waits on this connection now; new commands fail fast until it answers.
      redis.disconnect(true);
      return;
    }
    sentAt = now;
    redis.ping().then(
      () => {
        sentAt = 0;
      },
      () => {
        sentAt = 0;
      },
    );
  }, WATCH_MS);
  timer.unref();
  redis.on('end', () => clearInterval(timer));
}

/** The worst state of this process's Redis connections ('ok' with none), and each by purpose. */
export function redisHealth(): { state: RedisState; connections: Record<string, RedisState> } {
  const connections: Record<string, RedisState> = {};
  let state: RedisState = 'ok';
  for (const w of watched) {
    const worst = connections[w.purpose];
    if (!worst || worst === 'ok') connections[w.purpose] = w.state;
    if (w.state === 'stalled' || (w.state === 'unreachable' && state === 'ok')) state = w.state;
  }
  return { state, connections };
}
