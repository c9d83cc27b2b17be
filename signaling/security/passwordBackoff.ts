// Slows whoever guesses passwords, not the people who know them. Wrong
// attempts are counted per (client address, code) pair: after a few free
// ones, each further attempt of that pair waits for its turn, twice as long
// each time (up to a minute), and attempts of a pair are checked one at a
// time, so sending many at once gains nothing. When its turn comes an
// attempt is always checked, so a parent behind the same school address
// still gets in with the right password. Nothing is locked for everyone, and
// a code is never locked for other addresses.
const FREE_FAILURES = 3;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 60_000;
/** Attempts of one pair that may wait for their turn; more are refused at once. */
const MAX_WAITING = 1;
const FORGET_AFTER_MS = 15 * 60_000;

interface PairState {
  failures: number;
  /** No attempt of this pair is checked before this time. */
  notBefore: number;
  lastFailure: number;
  waiting: number;
  /** The attempt being checked now; the next one waits for it. */
  current: Promise<void>;
}

/** One attempt's turn: say how it went, exactly once (null: it could not be checked). */
export type Turn = (passwordWasRight: boolean | null) => void;

export class PasswordBackoff {
  private readonly pairs = new Map<string, PairState>();
  private lastSweep = Date.now();

  constructor(private readonly sleep: (ms: number) => Promise<void> = defaultSleep) {}

  /** Waits for this attempt's turn; null if too many attempts of the pair already wait. */
  async turn(address: string, code: string): Promise<Turn | null> {
    const now = Date.now();
    this.sweep(now);
    const key = `${address}\n${code}`;
    let pair = this.pairs.get(key);
    if (!pair) {
      pair = { failures: 0, notBefore: 0, lastFailure: 0, waiting: 0, current: Promise.resolve() };
      this.pairs.set(key, pair);
    }
    if (pair.waiting > MAX_WAITING) return null;
    pair.waiting++;
    const previous = pair.current;
    let done!: () => void;
    pair.current = new Promise((resolve) => {
      done = resolve;
    });
    await previous;
    const wait = pair.notBefore - Date.now();
    if (wait > 0) await this.sleep(wait);
    const state = pair;
    let reported = false;
    return (right) => {
      if (reported) return;
      reported = true;
      state.waiting--;
      if (right) {
        state.failures = 0;
        state.notBefore = 0;
      } else if (right === false) {
        state.failures++;
        state.lastFailure = Date.now();
        const over = state.failures - FREE_FAILURES;
        if (over >= 0)
          state.notBefore = state.lastFailure + Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** over);
      }
      done();
    };
  }

  get size(): number {
    return this.pairs.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, p] of this.pairs) {
      if (p.waiting === 0 && now - Math.max(p.lastFailure, p.notBefore) > FORGET_AFTER_MS)
        this.pairs.delete(key);
    }
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
