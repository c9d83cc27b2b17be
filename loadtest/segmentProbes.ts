// Viewers that time a segment's first byte. wrk reports only the whole
// response (for a 260 KB segment that includes its transfer, paced by the
// reader), so a few of the viewers are these instead: each keeps one
// keep-alive connection and asks once a second for the newest segment,
// noting when the response's first byte and its last byte arrive. They are
// plain sockets with a minimal HTTP/1.1 reader, cheap enough that a hundred
// of them do not load the machine they measure.
import { type Socket, connect } from 'node:net';

export interface ProbeTimes {
  /** Request written to the first byte of the response, ms. */
  ttfb: number[];
  /** Request written to the last byte of the body, ms. */
  whole: number[];
  failed: number;
}

interface Pending {
  t0: number;
  firstAt: number;
  head: Buffer;
  bodyLeft: number;
  status: number;
}

export class SegmentProbes {
  readonly times: ProbeTimes = { ttfb: [], whole: [], failed: 0 };
  measuring = false;
  private stopped = false;
  private readonly sockets: Socket[] = [];
  /** Each viewer's next request, waiting. */
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  /** `path(segment)` is the request path; `newest()` names the newest segment. */
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly path: (segment: string) => string,
    private readonly newest: () => string,
  ) {}

  start(count: number): void {
    for (let i = 0; i < count; i++) {
      // Spread over the second, as independent viewers are.
      this.after((i * 1000) / count, () => this.viewer());
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
  }

  private after(ms: number, run: () => void): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        run();
      },
      Math.max(0, ms),
    );
    this.timers.add(t);
  }

  private viewer(): void {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    this.sockets.push(socket);
    let pending: Pending | null = null;
    const ask = () => {
      if (this.stopped || socket.destroyed) return;
      const segment = this.newest();
      pending = { t0: performance.now(), firstAt: 0, head: Buffer.alloc(0), bodyLeft: -1, status: 0 };
      socket.write(
        `GET ${this.path(segment)} HTTP/1.1\r\nHost: ${this.host}\r\nConnection: keep-alive\r\n\r\n`,
      );
    };
    const next = () => this.after(1000 - (performance.now() - pending!.t0), ask);
    socket.on('connect', ask);
    socket.on('data', (chunk: Buffer) => {
      const p = pending;
      if (!p) return;
      const now = performance.now();
      if (p.firstAt === 0) p.firstAt = now;
      let body = chunk;
      if (p.bodyLeft < 0) {
        p.head = Buffer.concat([p.head, chunk]);
        const end = p.head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = p.head.toString('latin1', 0, end);
        p.status = Number(head.slice(9, 12));
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        p.bodyLeft = length ? Number(length[1]) : 0;
        body = p.head.subarray(end + 4);
      }
      p.bodyLeft -= body.length;
      if (p.bodyLeft > 0) return;
      if (this.measuring) {
        if (p.status === 200) {
          this.times.ttfb.push(p.firstAt - p.t0);
          this.times.whole.push(now - p.t0);
        } else this.times.failed++;
      }
      next();
    });
    socket.on('error', () => {
      if (this.measuring) this.times.failed++;
    });
  }
}
