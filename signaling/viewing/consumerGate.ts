// Whether a consumer forwards media is decided by two parties: its owner (a
// tile off screen is paused by the client) and last-N (a camera not among the
// last N speakers is paused by the server). The consumer runs only when
// neither holds it; each decision is kept so the other cannot undo it.
// Changes to one consumer are applied in order, one at a time.
import type { MediaConsumer } from '../../sfu/mediaTransport.js';

interface Holds {
  client: boolean;
  lastN: boolean;
  /** The tail of this consumer's pause/resume calls. */
  queue: Promise<void>;
}

export interface GateCounters {
  /** Server-side holds put on or taken off by last-N. */
  lastN(change: 'suppressed' | 'restored'): void;
}

export class ConsumerGate {
  private readonly holds = new WeakMap<MediaConsumer, Holds>();

  /**
   * @param suppressedNow last-N's current verdict for a consumer the gate has
   *   not seen yet (it may have been created after the last selection).
   */
  constructor(
    private readonly suppressedNow: (c: MediaConsumer) => boolean,
    private readonly counters: GateCounters,
  ) {}

  /** The owner pauses or resumes it. */
  setClientPaused(c: MediaConsumer, paused: boolean): Promise<void> {
    const h = this.holdsOf(c);
    h.client = paused;
    return this.apply(c, h);
  }

  /** Last-N holds or releases it; resolves when applied. */
  setSuppressed(c: MediaConsumer, suppressed: boolean): Promise<void> {
    const h = this.holdsOf(c);
    if (h.lastN === suppressed) return h.queue;
    h.lastN = suppressed;
    this.counters.lastN(suppressed ? 'suppressed' : 'restored');
    return this.apply(c, h);
  }

  isSuppressed(c: MediaConsumer): boolean {
    return this.holds.get(c)?.lastN ?? false;
  }

  private holdsOf(c: MediaConsumer): Holds {
    let h = this.holds.get(c);
    if (!h) {
      // Consumers are created paused, for their owner to resume when ready.
      h = { client: c.paused, lastN: false, queue: Promise.resolve() };
      this.holds.set(c, h);
      if (this.suppressedNow(c)) {
        h.lastN = true;
        this.counters.lastN('suppressed');
      }
    }
    return h;
  }

  private apply(c: MediaConsumer, h: Holds): Promise<void> {
    const run = async () => {
      const paused = h.client || h.lastN;
      if (paused === c.paused) return;
      if (paused) await c.pause();
      else await c.resume();
    };
    // A failed call (the consumer closed meanwhile) must not block the next one.
    h.queue = h.queue.then(run, run);
    return h.queue;
  }
}
