// The call in the browser, below the interface: one signaling connection,
// joining (and waiting to be admitted if the room says so), the session
// token kept fresh, leaving, and the two ways the rest of the page talks to
// the server: `request(body)` for every request of the protocol and
// `on(type, fn)` for every event (events.ts). The media engine (media/)
// belongs to it. The server decides what this participant may do; refusals
// come back as RequestError.
import { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { type RequestBody, SignalingClient } from '../protocol/signalingClient.js';
import { type CallEventSource, CallEvents, type EventListener, type EventType, type Lane } from './events.js';
import { CallMedia } from './media/callMedia.js';

import pb = schoolcall.v1;

const SESSION_REFRESH_MS = 60 * 60_000;

/** What a feature's store needs of the call: its requests and its events. */
export interface CallLink extends CallEventSource {
  /** Sends a request; rejects with RequestError if the server refuses. */
  request(body: RequestBody): Promise<pb.Response>;
  onJoinAnswer(fn: (join: pb.IJoinResponse) => void): void;
}

export class CallClient implements CallLink {
  readonly signaling: SignalingClient;
  readonly media: CallMedia;
  /** A fresh token to reconnect with; refreshed hourly, so a lesson never outlives it. */
  sessionToken = '';
  /** The connection dropped without the server saying why (network): rejoin with sessionToken. */
  onDisconnected: () => void = () => {};
  private readonly events = new CallEvents();
  private readonly joinAnswers: ((join: pb.IJoinResponse) => void)[] = [];
  private admittedWith: ((join: pb.IJoinResponse) => void) | null = null;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private ended = false;

  constructor(wsUrl: string) {
    this.signaling = new SignalingClient(wsUrl);
    this.media = new CallMedia((body) => this.request(body), this.events);
    this.signaling.onEvent = (e) => this.arrived(e);
    this.signaling.onClose = () => {
      if (this.ended) return;
      this.end();
      this.onDisconnected();
    };
    this.on('admitted', (e) => e.join && this.admittedWith?.(e.join));
    this.on('sessionClosed', () => this.end());
  }

  request(body: RequestBody): Promise<pb.Response> {
    return this.signaling.request(body);
  }

  on<K extends EventType>(type: K, fn: EventListener<K>, lane?: Lane): () => void {
    return this.events.on(type, fn, lane);
  }

  onJoinAnswer(fn: (join: pb.IJoinResponse) => void): void {
    this.joinAnswers.push(fn);
  }

  /**
   * Joins; resolves { waiting: true } when a host must admit us first, in
   * which case `admitted` resolves once they do and media is set up.
   */
  async join(roomId: string, token: string): Promise<{ waiting: boolean; admitted: Promise<void> }> {
    await this.signaling.connect();
    const { join } = await this.request({ join: { roomId, token } });
    if (!join) throw new Error('join response missing');
    this.sessionToken = join.session?.token ?? token;
    this.refreshTimer = setInterval(() => void this.refreshSession(), SESSION_REFRESH_MS);
    this.answered(join);
    if (!join.waiting) return { waiting: false, admitted: this.enter(join) };
    const admitted = new Promise<pb.IJoinResponse>((resolve) => {
      this.admittedWith = resolve;
    }).then((j) => {
      this.answered(j);
      return this.enter(j);
    });
    return { waiting: true, admitted };
  }

  async leave(): Promise<void> {
    this.ended = true;
    try {
      await this.request({ leave: {} });
    } catch {
      // Leaving a dead connection needs no answer.
    }
    this.end();
    this.signaling.close();
  }

  private async enter(join: pb.IJoinResponse): Promise<void> {
    try {
      await this.media.enter(join);
    } finally {
      this.events.mediaReady();
    }
  }

  private answered(join: pb.IJoinResponse): void {
    for (const fn of this.joinAnswers) fn(join);
  }

  private arrived(e: pb.Event): void {
    // Requests still unanswered when the server resynchronises us will not be answered.
    if (e.resync) this.signaling.failPending('the connection fell behind; try again');
    this.events.deliver(e);
  }

  private async refreshSession(): Promise<void> {
    try {
      const r = await this.request({ refreshSession: {} });
      if (r.session?.token) this.sessionToken = r.session.token;
    } catch {
      // The next hourly attempt retries; the call itself is unaffected.
    }
  }

  private end(): void {
    this.ended = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    this.media.close(true);
  }
}
