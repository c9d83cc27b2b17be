// Breakout rooms: their state as the server tells it (rooms, who is where,
// open or not, the end time), a clock that ticks while a timer runs, and the
// requests hosts make (create, rename, assign, open, close, a message to all rooms)
// and the visit of a host or co-host.
import { signal } from '@preact/signals';
import type { RequestBody } from '../protocol/signalingClient.js';
import type { pb } from '../protocol/wire.js';
import type { CallContext } from './callContext.js';

export class Breakouts {
  readonly state = signal<pb.IBreakoutsChanged>({});
  /** Ticks every second while a breakout timer runs. */
  readonly now = signal(Date.now());
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly ctx: CallContext) {
    ctx.call.on('breakoutsChanged', (e) => this.changed(e));
    ctx.call.on('resync', (e) => e.breakouts && this.changed(e.breakouts));
  }

  create(count: number, names: string[] = []): Promise<boolean> {
    return this.send({ createBreakouts: { count, names } });
  }

  rename(breakoutId: string, name: string): Promise<boolean> {
    return this.send({ renameBreakout: { breakoutId, name } });
  }

  /** `auto` spreads pupils evenly; guests (parents) only with `includeGuests`. */
  assign(assignments: pb.IBreakoutAssignment[], auto = false, includeGuests = false): Promise<boolean> {
    return this.send({ assignBreakouts: { assignments, auto, includeGuests } });
  }

  open(durationSeconds: number): Promise<boolean> {
    return this.send({ openBreakouts: { durationSeconds } });
  }

  close(): Promise<boolean> {
    return this.send({ closeBreakouts: {} });
  }

  messageAll(message: string): Promise<boolean> {
    return this.send({ broadcastToBreakouts: { message } });
  }

  /** A host or co-host visits a breakout room ('' is the main room). */
  moveTo(breakoutId: string): Promise<boolean> {
    return this.send({ moveTo: { breakoutId } });
  }

  /** The call ended: the clock stops. */
  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private send(body: RequestBody): Promise<boolean> {
    return this.ctx.run(() => this.ctx.call.request(body));
  }

  private changed(state: pb.IBreakoutsChanged): void {
    this.state.value = state;
    if (state.open && state.endsAt) {
      this.ticker ??= setInterval(() => {
        this.now.value = Date.now();
      }, 1000);
    } else this.stop();
  }
}
