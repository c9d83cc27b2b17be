// Every limit that protects something shared (a password, a room, the
// disk, the CPU) is counted here, in Redis when the server has one, so the
// hosts sharing a Redis share the counts: a guesser gains nothing by
// spreading guesses over hosts. Three kinds:
// - a window: at most `limit` (events, or bytes: `cost`) per key per fixed window;
// - a back-off: after the free failures of a key each attempt waits longer
//   (password and code guesses; accounts/attempts.ts and passwordBackoff.ts);
// - slots: at most `max` things held at once per key (recordings, unfinished
//   uploads), each with a lease so a crashed host's slots come free.
// Each takes one atomic Redis script. A refusal seen here is remembered
// locally until it ends, so a flood is refused without a Redis round trip.
// When Redis is away, a limit set `redisDown: 'refuse'` refuses (password
// guesses: failing open would let a guesser wait for an outage); the others
// count on this host alone until Redis is back. Without REDIS_URL (one host)
// everything is counted here. The per-connection flood guard stays local
// (transport/floodGuard.ts): a connection lives on one host.
// Over 400 lines: the three Redis scripts and their one-host twins side by
// side, so the two countings cannot drift apart.
import type { Redis } from 'ioredis';
import client from 'prom-client';

const PREFIX = 'school-call:limit';

// KEYS[1]; ARGV: cost, window ms, limit. Returns {allowed 1/0, ms until the window ends}.
// A refused event is not counted, so a refused upload of many bytes does not use the quota.
const WINDOW = `
local cost = tonumber(ARGV[1])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = tonumber(ARGV[2]) end
if used + cost > tonumber(ARGV[3]) then return {0, ttl} end
redis.call('INCRBY', KEYS[1], cost)
if used == 0 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return {1, ttl}
`;

// KEYS: the counters; ARGV: now, first delay ms, max delay ms, then each key's free failures.
// Returns {1, 0, 0} when the attempt may be checked (and counts it), or {0, ms to wait, which key}.
const BACKOFF = `
local now = tonumber(ARGV[1])
local first = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local wait = 0
local which = 0
for i = 1, #KEYS do
  local untilMs = tonumber(redis.call('HGET', KEYS[i], 'until') or '0')
  if untilMs - now > wait then wait = untilMs - now; which = i end
end
if wait > 0 then return {0, wait, which} end
for i = 1, #KEYS do
  local free = tonumber(ARGV[i + 3])
  local count = redis.call('HINCRBY', KEYS[i], 'n', 1)
  if count > free then
    redis.call('HSET', KEYS[i], 'until', now + math.min(max, first * math.pow(2, count - free - 1)))
  end
  redis.call('PEXPIRE', KEYS[i], max * 2 + 900000)
end
return {1, 0, 0}
`;

// A right attempt: with ARGV[1] = 1 KEYS[1] starts over; every other key forgets this one attempt.
// ARGV[2..]: the free failures of KEYS[2..] (KEYS[1]'s too when it is only forgiven once).
const FORGIVE = `
local first = 1
if ARGV[1] == '1' then redis.call('DEL', KEYS[1]); first = 2 end
for i = first, #KEYS do
  local count = redis.call('HINCRBY', KEYS[i], 'n', -1)
  if count <= tonumber(ARGV[i + 1]) then redis.call('HDEL', KEYS[i], 'until') end
  if count <= 0 then redis.call('DEL', KEYS[i]) end
end
return 1
`;

// KEYS[1] a sorted set of holders by lease end; ARGV: now, holder, max, lease ms.
const HOLD = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
`;

type LimitsRedis = Redis & {
  limitWindow(key: string, cost: number, windowMs: number, limit: number): Promise<[number, number]>;
  limitBackoff(...args: (string | number)[]): Promise<[number, number, number]>;
  limitForgive(...args: (string | number)[]): Promise<number>;
  limitHold(key: string, now: number, holder: string, max: number, leaseMs: number): Promise<number>;
};

/** Allowed, or refused with how long to wait (`unavailable`: Redis is away and this limit fails closed). */
export type Verdict = { ok: true } | { ok: false; retryAfterMs: number; unavailable?: boolean };

const OK: Verdict = { ok: true };

export interface WindowRule {
  /** Names the limit in keys and metrics: lowercase, digits, `_`. */
  name: string;
  limit: number;
  windowMs: number;
  /** With Redis away: count on this host alone ('local', the default) or refuse everything. */
  redisDown?: 'local' | 'refuse';
}

export interface BackoffRule {
  name: string;
  /** Wrong attempts of a key before waits begin (per key, in the order given to `begin`). */
  free: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export interface SlotRule {
  name: string;
  /** How long a slot is held unless renewed (a crashed holder's slot comes free after it). */
  leaseMs: number;
}

export class SharedLimits {
  private readonly refused: client.Counter<'limit' | 'why'>;
  private readonly redis: LimitsRedis | null;

  /** `redis`: the shared Redis (null on one host); `registry`: where refusals are counted. */
  constructor(redis: Redis | null, registry: client.Registry) {
    this.refused =
      (registry.getSingleMetric('school_call_limit_refused_total') as client.Counter<'limit' | 'why'>) ??
      new client.Counter({
        name: 'school_call_limit_refused_total',
        help: 'Requests refused by a shared limit (limits.ts), by limit and why (limited, local: refused without asking Redis, unavailable: Redis away)',
        labelNames: ['limit', 'why'],
        registers: [registry],
      });
    if (redis) {
      redis.defineCommand('limitWindow', { numberOfKeys: 1, lua: WINDOW });
      redis.defineCommand('limitBackoff', { lua: BACKOFF });
      redis.defineCommand('limitForgive', { lua: FORGIVE });
      redis.defineCommand('limitHold', { numberOfKeys: 1, lua: HOLD });
    }
    this.redis = redis as LimitsRedis | null;
  }

  /** Drops the Redis connection (the server is closing). */
  close(): void {
    this.redis?.disconnect();
  }

  window(rule: WindowRule): WindowLimit {
    return new WindowLimit(rule, this.redis, (why) => this.refused.inc({ limit: rule.name, why }));
  }

  backoff(rule: BackoffRule): Backoff {
    return new Backoff(rule, this.redis, (why) => this.refused.inc({ limit: rule.name, why }));
  }

  slots(rule: SlotRule): Slots {
    return new Slots(rule, this.redis, (why) => this.refused.inc({ limit: rule.name, why }));
  }
}

type Count = (why: 'limited' | 'local' | 'unavailable') => void;

/** Entries that end at a time, forgotten once it passed (bounded memory). */
class Expiring<V extends { until: number }> {
  private readonly map = new Map<string, V>();
  private lastSweep = 0;

  get(key: string, now: number): V | undefined {
    const v = this.map.get(key);
    if (v && v.until <= now) {
      this.map.delete(key);
      return undefined;
    }
    return v;
  }

  set(key: string, v: V, now: number): void {
    this.map.set(key, v);
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [k, e] of this.map) if (e.until <= now) this.map.delete(k);
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}

export class WindowLimit {
  /** Keys known to be over their limit, until their window ends: refused without Redis. */
  private readonly blocked = new Expiring<{ until: number }>();
  /** Counts on this host: the only ones without Redis, the fallback while it is away. */
  private readonly local = new Expiring<{ until: number; used: number }>();

  constructor(
    readonly rule: WindowRule,
    private readonly redis: LimitsRedis | null,
    private readonly count: Count,
  ) {}

  /** Counts `cost` (1 event, or bytes) against `key`'s window, or refuses it. */
  async take(key: string, cost = 1): Promise<Verdict> {
    const now = Date.now();
    const blocked = this.blocked.get(key, now);
    if (blocked && cost > 0) {
      this.count('local');
      return { ok: false, retryAfterMs: blocked.until - now };
    }
    if (this.redis) {
      try {
        const [ok, ttl] = await this.redis.limitWindow(
          `${PREFIX}:${this.rule.name}:${key}`,
          cost,
          this.rule.windowMs,
          this.rule.limit,
        );
        if (ok) return OK;
        // Blocked locally only when even one more would not fit: a large cost refused leaves room for small ones.
        if (cost <= 1) this.blocked.set(key, { until: now + ttl }, now);
        this.count('limited');
        return { ok: false, retryAfterMs: ttl };
      } catch {
        if (this.rule.redisDown === 'refuse') {
          this.count('unavailable');
          return { ok: false, retryAfterMs: 1000, unavailable: true };
        }
      }
    }
    return this.takeLocally(key, cost, now);
  }

  private takeLocally(key: string, cost: number, now: number): Verdict {
    const w = this.local.get(key, now) ?? { until: now + this.rule.windowMs, used: 0 };
    if (w.used + cost > this.rule.limit) {
      this.count('limited');
      return { ok: false, retryAfterMs: w.until - now };
    }
    w.used += cost;
    this.local.set(key, w, now);
    return OK;
  }
}

/** An attempt that may be checked: say whether it was right (null: it could not be checked). */
export type Attempt = (right: boolean | null) => Promise<void>;

export class Backoff {
  /** Keys known to wait, until when: an attempt earlier than that is refused without Redis. */
  private readonly waiting = new Expiring<{ until: number }>();
  private readonly local = new Expiring<{ until: number; n: number; notBefore: number }>();

  constructor(
    readonly rule: BackoffRule,
    private readonly redis: LimitsRedis | null,
    private readonly count: Count,
  ) {}

  /**
   * Counts an attempt against every key (the first is the one a right
   * attempt resets), or refuses it while any key must still wait. Fails
   * closed: with Redis away nothing is checked.
   */
  async begin(
    keys: string[],
    free: number[] = keys.map(() => this.rule.free),
    /** Whether a right attempt resets the first key (an account), or only forgives itself. */
    resetFirst = true,
  ): Promise<Attempt | Verdict> {
    const now = Date.now();
    for (const k of keys) {
      const w = this.waiting.get(k, now);
      if (w) {
        this.count('local');
        return { ok: false, retryAfterMs: w.until - now };
      }
    }
    const full = keys.map((k) => `${PREFIX}:${this.rule.name}:${k}`);
    let verdict: [number, number, number];
    if (this.redis) {
      try {
        verdict = await this.redis.limitBackoff(
          full.length,
          ...full,
          now,
          this.rule.firstDelayMs,
          this.rule.maxDelayMs,
          ...free,
        );
      } catch {
        this.count('unavailable');
        return { ok: false, retryAfterMs: 1000, unavailable: true };
      }
    } else {
      verdict = this.beginLocally(full, free, now);
    }
    const [ok, waitMs, which] = verdict;
    if (!ok) {
      const waits = keys[which - 1];
      if (waits !== undefined) this.waiting.set(waits, { until: now + waitMs }, now);
      this.count('limited');
      return { ok: false, retryAfterMs: waitMs };
    }
    return async (right) => {
      if (right === false) return;
      // Right: the first key starts over; not checked: the attempt is forgiven.
      const reset = right === true && resetFirst;
      for (const k of keys) this.waiting.delete(k);
      if (!this.redis) return this.forgiveLocally(full, free, reset);
      await this.redis.limitForgive(full.length, ...full, reset ? 1 : 0, ...free).catch(() => undefined);
    };
  }

  private beginLocally(keys: string[], free: number[], now: number): [number, number, number] {
    const states = keys.map(
      (k) =>
        this.local.get(k, now) ?? { until: now + this.rule.maxDelayMs * 2 + 900_000, n: 0, notBefore: 0 },
    );
    const waits = states.map((s) => s.notBefore - now);
    const wait = Math.max(0, ...waits);
    if (wait > 0) return [0, wait, waits.indexOf(wait) + 1];
    states.forEach((s, i) => {
      s.n++;
      const over = s.n - (free[i] ?? 0);
      if (over > 0)
        s.notBefore = now + Math.min(this.rule.maxDelayMs, this.rule.firstDelayMs * 2 ** (over - 1));
      s.until = now + this.rule.maxDelayMs * 2 + 900_000;
      this.local.set(keys[i]!, s, now);
    });
    return [1, 0, 0];
  }

  private forgiveLocally(keys: string[], free: number[], reset: boolean): void {
    const now = Date.now();
    keys.forEach((k, i) => {
      if (i === 0 && reset) return this.local.delete(k);
      const s = this.local.get(k, now);
      if (!s) return;
      s.n--;
      if (s.n <= (free[i] ?? 0)) s.notBefore = 0;
    });
  }
}

/** A held slot: give it back when done (or renew it before its lease ends). */
export interface Slot {
  renew(): Promise<void>;
  release(): Promise<void>;
}

export class Slots {
  private readonly local = new Map<string, Map<string, number>>();

  constructor(
    readonly rule: SlotRule,
    private readonly redis: LimitsRedis | null,
    private readonly count: Count,
  ) {}

  /** Holds a slot for `holder` under each of `caps` ({key, max}), all or none. */
  async hold(holder: string, caps: { key: string; max: number }[]): Promise<Slot | Verdict> {
    const held: string[] = [];
    for (const cap of caps) {
      if (!(await this.holdOne(cap.key, holder, cap.max))) {
        for (const key of held) await this.releaseOne(key, holder);
        this.count('limited');
        return { ok: false, retryAfterMs: this.rule.leaseMs };
      }
      held.push(cap.key);
    }
    return {
      renew: async () => {
        for (const cap of caps) await this.holdOne(cap.key, holder, Number.MAX_SAFE_INTEGER);
      },
      release: async () => {
        for (const key of held) await this.releaseOne(key, holder);
      },
    };
  }

  /** Gives back what `holder` holds under `keys` (from another host too: the holder names it). */
  async release(holder: string, keys: string[]): Promise<void> {
    for (const key of keys) await this.releaseOne(key, holder);
  }

  private async holdOne(key: string, holder: string, max: number): Promise<boolean> {
    const now = Date.now();
    if (this.redis) {
      try {
        const ok = await this.redis.limitHold(
          `${PREFIX}:${this.rule.name}:${key}`,
          now,
          holder,
          max,
          this.rule.leaseMs,
        );
        return ok === 1;
      } catch {
        // Away: held on this host's count alone.
      }
    }
    const holders = this.local.get(key) ?? new Map<string, number>();
    this.local.set(key, holders);
    for (const [h, end] of holders) if (end <= now) holders.delete(h);
    if (!holders.has(holder) && holders.size >= max) return false;
    holders.set(holder, now + this.rule.leaseMs);
    return true;
  }

  private async releaseOne(key: string, holder: string): Promise<void> {
    const holders = this.local.get(key);
    holders?.delete(holder);
    if (holders?.size === 0) this.local.delete(key);
    await this.redis?.zrem(`${PREFIX}:${this.rule.name}:${key}`, holder).catch(() => undefined);
  }
}

/** A refusal's wait in whole seconds, for Retry-After and the person's message. */
export function retryAfterSeconds(v: Verdict): number {
  return v.ok ? 0 : Math.max(1, Math.ceil(v.retryAfterMs / 1000));
}

export function isAttempt(v: Attempt | Verdict): v is Attempt {
  return typeof v === 'function';
}
