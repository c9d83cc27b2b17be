// Token buckets by key (a client address, a room code): a burst, then a
// steady rate. Memory stays bounded: buckets that have refilled are
// forgotten, since a full bucket is the same as none.
interface Bucket {
  tokens: number;
  at: number;
}

export class KeyedBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = Date.now();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {}

  /** Takes one token for `key`; false if its bucket is empty. */
  take(key: string, now = Date.now()): boolean {
    this.sweep(now);
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      return false;
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    const fullAfterMs = (this.burst / this.perSecond) * 1000;
    if (now - this.lastSweep < Math.min(fullAfterMs, 60_000)) return;
    this.lastSweep = now;
    for (const [key, b] of this.buckets) if (now - b.at >= fullAfterMs) this.buckets.delete(key);
  }
}
