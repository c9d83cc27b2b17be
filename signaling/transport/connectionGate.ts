// Who may open a signaling WebSocket, decided at the upgrade, before a
// connection costs anything: pages of our own origins only (browsers always
// send Origin; programs that send none are not pages another site could
// abuse), a bounded number of not-yet-joined connections per address (a
// school's NAT joins many people at once, but joined ones do not count),
// a short pause for an address whose connections keep being closed for
// flooding or garbage (it reconnects to start over; a pause costs a school's
// NAT ten seconds of new connections, not the ones in lessons),
// and a cap on all connections below the open-file limit, so that /healthz
// and the pages always have descriptors left.
export interface GateOptions {
  maxConnections: number;
  maxPendingPerAddress: number;
  /** Origins allowed to open the WebSocket, e.g. "https://school.example". */
  allowedOrigins: () => readonly string[];
}

export interface Refusal {
  status: 403 | 429 | 503;
  error: string;
  /** Metric label. */
  reason: string;
}

const ABUSE_PAUSE_MS = 10_000;
/** Connections of one address closed for abuse within ABUSE_WINDOW_MS before it pauses. */
const ABUSE_CLOSES = 3;
const ABUSE_WINDOW_MS = 60_000;

export class ConnectionGate {
  private total = 0;
  private readonly pending = new Map<string, number>();
  private readonly paused = new Map<string, number>();
  private readonly abuse = new Map<string, number[]>();

  constructor(private readonly options: GateOptions) {}

  /** Null if a connection from `address` with this Origin header may open now. */
  check(address: string, origin: string): Refusal | null {
    if (origin && !this.options.allowedOrigins().includes(origin)) {
      return { status: 403, error: 'this page may not connect to the lesson server', reason: 'bad_origin' };
    }
    if (this.total >= this.options.maxConnections) {
      return { status: 503, error: 'the server is full; try again in a minute', reason: 'server_full' };
    }
    const until = this.paused.get(address);
    if (until !== undefined) {
      if (Date.now() < until) {
        return { status: 429, error: 'too many connections from your address; wait', reason: 'flood_pause' };
      }
      this.paused.delete(address);
    }
    if ((this.pending.get(address) ?? 0) >= this.options.maxPendingPerAddress) {
      return {
        status: 429,
        error: 'too many connections from your address are waiting to join',
        reason: 'pending_per_address',
      };
    }
    return null;
  }

  opened(address: string): void {
    this.total++;
    this.pending.set(address, (this.pending.get(address) ?? 0) + 1);
  }

  /** The connection joined a room: it no longer counts against its address. */
  joined(address: string): void {
    this.unpend(address);
  }

  closed(address: string, wasPending: boolean): void {
    this.total--;
    if (wasPending) this.unpend(address);
  }

  /** A connection from `address` was closed for abuse: after a few, refuse new ones for a while. */
  abused(address: string, now = Date.now()): void {
    const recent = (this.abuse.get(address) ?? []).filter((t) => now - t < ABUSE_WINDOW_MS);
    recent.push(now);
    this.abuse.set(address, recent);
    if (recent.length >= ABUSE_CLOSES) {
      this.paused.set(address, now + ABUSE_PAUSE_MS);
      this.abuse.delete(address);
    }
    if (this.paused.size + this.abuse.size > 10_000) {
      for (const [a, until] of this.paused) if (until < now) this.paused.delete(a);
      for (const [a, times] of this.abuse)
        if (times.every((t) => now - t >= ABUSE_WINDOW_MS)) this.abuse.delete(a);
    }
  }

  get connections(): number {
    return this.total;
  }

  private unpend(address: string): void {
    const n = (this.pending.get(address) ?? 0) - 1;
    if (n > 0) this.pending.set(address, n);
    else this.pending.delete(address);
  }
}
