// Token buckets per participant, so one pupil cannot flood a class with
// board updates or pointer moves: refusing costs a subtraction.
export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes `n` tokens if there are that many; false (and nothing taken) otherwise. */
  take(n = 1, now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

export interface SenderLimits {
  updatesPerSecond: number;
  updateBytesPerSecond: number;
  pointersPerSecond: number;
  maxUpdateBytes: number;
}

/** One participant's allowance. */
export class SenderBuckets {
  readonly updates: TokenBucket;
  readonly bytes: TokenBucket;
  readonly pointers: TokenBucket;

  constructor(limits: SenderLimits) {
    this.updates = new TokenBucket(limits.updatesPerSecond, limits.updatesPerSecond * 2);
    // A burst must hold at least one update of the largest size.
    this.bytes = new TokenBucket(
      limits.updateBytesPerSecond,
      Math.max(limits.updateBytesPerSecond * 4, limits.maxUpdateBytes),
    );
    this.pointers = new TokenBucket(limits.pointersPerSecond, limits.pointersPerSecond);
  }
}
