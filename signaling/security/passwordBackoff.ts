// Slows whoever guesses passwords, not the people who know them. Wrong
// attempts are counted per (client address, code) pair by a shared back-off
// (sharedLimits.ts: in Redis, so guesses spread over hosts count as one
// guesser's): after a few free ones, each further attempt of that pair waits
// for its turn, twice as long each time. A short wait is waited out here
// (the attempt is then checked, so a parent behind the same school address
// still gets in with the right password); a wait beyond `MAX_HELD_MS` is
// refused at once (429 with the wait), so no connection is held long.
// Attempts of a pair on this host are checked one at a time, so sending many
// at once gains nothing. Nothing is locked for everyone, and a code is never
// locked for other addresses. With Redis away nothing is checked (503).
import { type Backoff, type SharedLimits, isAttempt } from './sharedLimits.js';

const FREE_FAILURES = 3;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 60_000;
/** A wait up to this long is waited out; a longer one is refused with its length. */
const MAX_HELD_MS = 5000;
/** Attempts of one pair that may wait for their turn on this host; more are refused at once. */
const MAX_WAITING = 1;

interface PairState {
  waiting: number;
  /** The attempt being checked now; the next one waits for it. */
  current: Promise<void>;
}

/** One attempt's turn: say how it went, exactly once (null: it could not be checked). */
export type Turn = (passwordWasRight: boolean | null) => void;

/** Why an attempt was not checked: too many (429) or Redis away (503), and how long to wait. */
export interface Refused {
  status: 429 | 503;
  retryAfterSeconds: number;
}

export class PasswordBackoff {
  private readonly pairs = new Map<string, PairState>();
  private readonly shared: Backoff;

  /** `name` keeps the counts of one kind of password apart (join codes, broadcasts). */
  constructor(
    limits: SharedLimits,
    name: string,
    private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
  ) {
    // The pair's first wrong attempts are free; counting before checking, the one after them sets the first wait.
    this.shared = limits.backoff({
      name,
      free: FREE_FAILURES - 1,
      firstDelayMs: FIRST_DELAY_MS,
      maxDelayMs: MAX_DELAY_MS,
    });
  }

  /** Waits for this attempt's turn, or says why it is refused. */
  async turn(address: string, code: string): Promise<Turn | Refused> {
    const key = `${address}|${code}`;
    let pair = this.pairs.get(key);
    if (!pair) {
      pair = { waiting: 0, current: Promise.resolve() };
      this.pairs.set(key, pair);
    }
    if (pair.waiting > MAX_WAITING) return { status: 429, retryAfterSeconds: 1 };
    pair.waiting++;
    const previous = pair.current;
    let done!: () => void;
    pair.current = new Promise((resolve) => {
      done = resolve;
    });
    const state = pair;
    const finish = () => {
      state.waiting--;
      if (state.waiting === 0) this.pairs.delete(key);
      done();
    };
    await previous;
    for (;;) {
      const begun = await this.shared.begin([key]);
      if (isAttempt(begun)) {
        let reported = false;
        return (right) => {
          if (reported) return;
          reported = true;
          void begun(right).finally(finish);
        };
      }
      if (begun.ok) continue;
      if (begun.unavailable || begun.retryAfterMs > MAX_HELD_MS) {
        finish();
        return begun.unavailable
          ? { status: 503, retryAfterSeconds: 1 }
          : { status: 429, retryAfterSeconds: Math.ceil(begun.retryAfterMs / 1000) };
      }
      // A little past the end, so the local record of the wait has ended too.
      await this.sleep(begun.retryAfterMs + 10);
    }
  }

  get size(): number {
    return this.pairs.size;
  }
}

export function isRefused(t: Turn | Refused): t is Refused {
  return typeof t !== 'function';
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
