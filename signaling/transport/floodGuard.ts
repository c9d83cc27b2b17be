// How much one connection may send. Every frame, valid or not, takes a token
// from the same bucket before it is even decoded. Past the limit a request
// is answered RATE_LIMITED (so a client never waits for an answer that will
// not come), and a client that goes on regardless is closed: a flood costs
// a bounded number of replies, not one per frame. Malformed frames also
// spend a small budget of their own (refilled slowly): a browser never
// sends them, so a connection that keeps doing so is closed.

// The same guard sits on every WebSocket path (/ws, /chat); each says its limits.

export interface FloodLimits {
  burst: number;
  perSecond: number;
  /** Frames over the limit (less what time has forgiven) before the connection is closed. */
  floodFrames: number;
  /** Malformed frames answered before the connection is closed (one more every 10 s). */
  malformedBurst: number;
}

/**
 * The call: a browser sends a few dozen requests when joining (a few hundred
 * in a room with many cameras), then few.
 */
export const CALL_FLOOD_LIMITS: FloodLimits = {
  burst: 200,
  perSecond: 50,
  floodFrames: 500,
  malformedBurst: 20,
};

const MALFORMED_REFILL_MS = 10_000;

export type FrameVerdict = 'ok' | 'refuse' | 'close';

export class FloodGuard {
  private tokens: number;
  private lastRefill = Date.now();
  private overLimit = 0;
  private malformedLeft: number;
  private lastMalformed = Date.now();

  constructor(private readonly limits: FloodLimits = CALL_FLOOD_LIMITS) {
    this.tokens = limits.burst;
    this.malformedLeft = limits.malformedBurst;
  }

  /** For each frame, before decoding: go on, refuse it (RATE_LIMITED), or close the connection. */
  frame(now = Date.now()): FrameVerdict {
    const refill = ((now - this.lastRefill) / 1000) * this.limits.perSecond;
    this.lastRefill = now;
    // Time forgives frames over the limit at the rate it refills the bucket.
    const forgiven = Math.min(this.overLimit, refill);
    this.overLimit -= forgiven;
    this.tokens = Math.min(this.limits.burst, this.tokens + refill - forgiven);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'ok';
    }
    this.overLimit++;
    return this.overLimit > this.limits.floodFrames ? 'close' : 'refuse';
  }

  /** For a frame that could not be used: answer it (false) or close the connection (true). */
  malformed(now = Date.now()): boolean {
    const refill = Math.floor((now - this.lastMalformed) / MALFORMED_REFILL_MS);
    if (refill > 0) {
      this.malformedLeft = Math.min(this.limits.malformedBurst, this.malformedLeft + refill);
      this.lastMalformed = now;
    }
    this.malformedLeft--;
    return this.malformedLeft < 0;
  }
}
