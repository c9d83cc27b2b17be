// Back-off for guessed passwords and codes, counted in Redis so that every
// host sees the same counts. An attempt is counted before it is checked (so
// a hundred sent at once gain nothing over one at a time) and forgiven when
// it was right. After the free failures of a key, its next attempt must wait
// 1 s (by default), then 2 s, 4 s ... up to a ceiling; an attempt that comes too early is
// refused without being checked and without moving the wait further. Keys
// are per account (the login typed) and per client address; a school's
// shared address gets many more free failures than one account does.
import type { Redis } from 'ioredis';
import { AccountError } from './errors.js';

const P = 'school-call:acct:attempts';

export interface BackoffLimits {
  /** Wrong attempts per account before waits begin. */
  perAccount: number;
  /** Wrong attempts per address before waits begin. */
  perAddress: number;
  /** The first wait, in seconds; each further wrong attempt doubles it. */
  firstDelaySeconds: number;
  /** The longest wait, in seconds. */
  maxDelaySeconds: number;
}

// KEYS: the counters; ARGV: now, then for each key its free failures; then first delay, max delay.
// Returns {1} when the attempt may be checked (and counts it), or {0, ms to wait}.
const ATTEMPT = `
local now = tonumber(ARGV[1])
local n = #KEYS
local first = tonumber(ARGV[n + 2])
local max = tonumber(ARGV[n + 3])
local wait = 0
for i = 1, n do
  local untilMs = tonumber(redis.call('HGET', KEYS[i], 'until') or '0')
  if untilMs > now and untilMs - now > wait then wait = untilMs - now end
end
if wait > 0 then return {0, wait} end
for i = 1, n do
  local free = tonumber(ARGV[i + 1])
  local count = redis.call('HINCRBY', KEYS[i], 'n', 1)
  if count > free then
    local delay = math.min(max, first * math.pow(2, count - free - 1))
    redis.call('HSET', KEYS[i], 'until', now + delay)
  end
  redis.call('PEXPIRE', KEYS[i], max * 2 + 900000)
end
return {1, 0}
`;

// A right attempt: KEYS[1] (the account) starts over; the others forget this one attempt.
const FORGIVE = `
redis.call('DEL', KEYS[1])
for i = 2, #KEYS do
  local count = redis.call('HINCRBY', KEYS[i], 'n', -1)
  if count <= tonumber(ARGV[i - 1]) then redis.call('HDEL', KEYS[i], 'until') end
end
return 1
`;

export type AttemptKey = { account: string } | { address: string };

export class Attempts {
  constructor(
    private readonly redis: Redis,
    private readonly limits: BackoffLimits,
  ) {}

  private keyOf(k: AttemptKey): [string, number] {
    return 'account' in k
      ? [`${P}:account:${k.account}`, this.limits.perAccount]
      : [`${P}:address:${k.address}`, this.limits.perAddress];
  }

  /**
   * Counts an attempt against every key (an account key first, when there is
   * one), or refuses it with `backoff` while any key must still wait. Returns
   * what to call when the attempt turned out right.
   */
  async begin(keys: AttemptKey[]): Promise<() => Promise<void>> {
    const resolved = keys.map((k) => this.keyOf(k));
    const [ok, waitMs] = (await this.redis.eval(
      ATTEMPT,
      resolved.length,
      ...resolved.map(([k]) => k),
      Date.now(),
      ...resolved.map(([, free]) => free),
      this.limits.firstDelaySeconds * 1000,
      this.limits.maxDelaySeconds * 1000,
    )) as [number, number];
    if (!ok) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new AccountError('backoff', `too many wrong attempts; wait ${seconds} s`, seconds);
    }
    return async () => {
      const first = keys[0];
      const ordered = first && 'account' in first ? resolved : [['', 0] as [string, number], ...resolved];
      await this.redis.eval(
        FORGIVE,
        ordered.length,
        ...ordered.map(([k]) => k || `${P}:none`),
        ...ordered.slice(1).map(([, free]) => free),
      );
    };
  }
}
