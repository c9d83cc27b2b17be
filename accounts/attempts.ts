// Back-off for guessed passwords and codes, counted in Redis so that every
// host sees the same counts. An attempt is counted before it is checked (so
// a hundred sent at once gain nothing over one at a time) and forgiven when
// it was right. After the free failures of a key, its next attempt must wait
// 1 s (by default), then 2 s, 4 s ... up to a ceiling; an attempt that comes too early is
// refused without being checked and without moving the wait further. Keys
// are per account (the login typed) and per client address; a school's
// shared address gets many more free failures than one account does.
import { type Backoff, type SharedLimits, isAttempt } from '../signaling/security/sharedLimits.js';
import { AccountError } from './errors.js';

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

export type AttemptKey = { account: string } | { address: string };

/** The server's one back-off (signaling/security/sharedLimits.ts), with sign-in's keys and free failures. */
export class Attempts {
  private readonly backoff: Backoff;

  constructor(
    shared: SharedLimits,
    private readonly limits: BackoffLimits,
  ) {
    this.backoff = shared.backoff({
      name: 'sign_in',
      free: limits.perAddress,
      firstDelayMs: limits.firstDelaySeconds * 1000,
      maxDelayMs: limits.maxDelaySeconds * 1000,
    });
  }

  /**
   * Counts an attempt against every key (an account key first, when there is
   * one), or refuses it with `backoff` while any key must still wait. Returns
   * what to call when the attempt turned out right: the account starts over,
   * the address forgets this one attempt.
   */
  async begin(keys: AttemptKey[]): Promise<() => Promise<void>> {
    const names = keys.map((k) => ('account' in k ? `account:${k.account}` : `address:${k.address}`));
    const free = keys.map((k) => ('account' in k ? this.limits.perAccount : this.limits.perAddress));
    const first = keys[0];
    const begun = await this.backoff.begin(names, free, first !== undefined && 'account' in first);
    if (isAttempt(begun)) return () => begun(true);
    if (begun.ok) return async () => undefined;
    if (begun.unavailable) throw new AccountError('unavailable', 'sign-in cannot be checked now; try again');
    const seconds = Math.ceil(begun.retryAfterMs / 1000);
    throw new AccountError('backoff', `too many wrong attempts; wait ${seconds} s`, seconds);
  }
}
