// How much one connection may send. Every frame, valid or not, takes a token
// from the same bucket before it is even decoded. Past the limit a request
// is answered RATE_LIMITED (so a client never waits for an answer that will
// not come), and a client that goes on regardless is closed: a flood costs
// a bounded number of replies, not one per frame. Malformed frames also
// spend a small budget of their own (refilled slowly): a browser never
// sends them, so a connection that keeps doing so is closed.

// A browser sends a few dozen requests when joining (a few hundred in a room
// with many cameras), then few.
const RATE_BURST = 200;
const RATE_PER_SECOND = 50;
/** Frames over the limit (less what time has forgiven) before the connection is closed. */
const FLOOD_FRAMES = 500;
const MALFORMED_BURST = 20;
const MALFORMED_REFILL_MS = 10_000;

export type FrameVerdict = 'ok' | 'refuse' | 'close';

export class FloodGuard {
  private tokens = RATE_BURST;
  private lastRefill = Date.now();
  private overLimit = 0;
  private malformedLeft = MALFORMED_BURST;
  private lastMalformed = Date.now();

  /** For each frame, before decoding: go on, refuse it (RATE_LIMITED), or close the connection. */
  frame(now = Date.now()): FrameVerdict {
    const refill = ((now - this.lastRefill) / 1000) * RATE_PER_SECOND;
    this.lastRefill = now;
    // Time forgives frames over the limit at the rate it refills the bucket.
    const forgiven = Math.min(this.overLimit, refill);
    this.overLimit -= forgiven;
    this.tokens = Math.min(RATE_BURST, this.tokens + refill - forgiven);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'ok';
    }
    this.overLimit++;
    return this.overLimit > FLOOD_FRAMES ? 'close' : 'refuse';
  }

  /** For a frame that could not be used: answer it (false) or close the connection (true). */
  malformed(now = Date.now()): boolean {
    const refill = Math.floor((now - this.lastMalformed) / MALFORMED_REFILL_MS);
    if (refill > 0) {
      this.malformedLeft = Math.min(MALFORMED_BURST, this.malformedLeft + refill);
      this.lastMalformed = now;
    }
    this.malformedLeft--;
    return this.malformedLeft < 0;
  }
}
