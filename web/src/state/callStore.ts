// The call page's state: the phase (device check, joining, waiting, in the
// call, ended) and how it ends, and one store per part of the call, each
// subscribing to its own events. Components read the stores' signals and
// call their actions; they never talk to the server themselves, and
// failures become translated toasts. A new feature's client side is one
// store made here (given the CallContext) and one panel (ui/panels).
import { batch, signal } from '@preact/signals';
import { CallClient } from '../call/callClient.js';
import { type Key, type Params, t } from '../i18n/index.js';
import { CLOSE_OUTCOME, type EndKind, errorText, joinErrorOutcome } from '../i18n/serverText.js';
import { pb } from '../protocol/wire.js';
import { BoardSession } from './boardSession.js';
import { Breakouts } from './breakouts.js';
import type { CallContext } from './callContext.js';
import { CommentsStore } from './comments.js';
import type { DeviceChoice } from './devices.js';
import { Gestures } from './gestures.js';
import { HandAlerts } from './handAlerts.js';
import { LessonChat } from './lessonChat.js';
import { LocalMedia, type Rejoin } from './localMedia.js';
import { Moderation } from './moderation.js';
import { Notices } from './notices.js';
import { PresentationSession } from './presentation.js';
import { RecordingStore } from './recording.js';
import { Roster } from './roster.js';
import { serverStoppingNotice, untilServerAnswers } from './serverRestart.js';
import { StageMedia } from './stageMedia.js';
import { SubtitlesStore } from './subtitles.js';
import { Toasts } from './toasts.js';
import { WaitingRoom } from './waitingRoom.js';

export type Phase = 'check' | 'joining' | 'waiting' | 'call' | 'reconnecting' | 'ended';

const REJOIN_KEY = 'school-call-rejoin';
const RECONNECT_DELAY_MS = 2000;

export class CallStore {
  readonly call: CallClient;
  readonly phase = signal<Phase>('check');
  readonly endKind = signal<EndKind | null>(null);
  /** While reconnecting: the server said it is restarting (the screen says so, not "connection lost"). */
  readonly serverRestarting = signal(false);
  /** A translated sentence for the 'error' end screen. */
  readonly endDetail = signal('');
  readonly toasts = new Toasts();
  readonly roster: Roster;
  readonly waitingRoom: WaitingRoom;
  /** This person's microphone, camera and screen. */
  readonly local: LocalMedia;
  /** What the others send, and who speaks. */
  readonly stage: StageMedia;
  readonly gestures: Gestures;
  readonly notices: Notices;
  readonly breakouts: Breakouts;
  readonly moderation: Moderation;
  /** Raised hands announced to hosts; their count for the «Люди» badge. */
  readonly hands: HandAlerts;
  readonly subtitles: SubtitlesStore;
  /** The lesson's chat (its panel, the unread badge, the end screen's link). */
  readonly chat: LessonChat;
  /** For hosts: the broadcast viewers' comments and their moderation. */
  readonly comments: CommentsStore;
  /** Whether the lesson is recorded or broadcast; the host's controls and recordings. */
  readonly recording: RecordingStore;
  /** The whiteboard where this person is (its drawing part loads when it is shown). */
  readonly board: BoardSession;
  /** A document a host presents where this person is. */
  readonly presentation: PresentationSession;
  private readonly entering: (() => void)[] = [];

  constructor(
    wsUrl: string,
    readonly roomId: string,
    private readonly token: string,
    /** Signed in, the page asks its session for tokens again: none is written into the address. */
    private readonly options: { tokenInUrl: boolean } = { tokenInUrl: true },
  ) {
    const call = new CallClient(wsUrl);
    this.call = call;
    const ctx: CallContext = {
      call,
      toasts: this.toasts,
      inCall: (fn) => this.entering.push(fn),
      run: (action) => this.run(action),
      fail: (err) => this.fail(err),
      toast: (key, params, kind, ms, tag) => this.toast(key, params, kind, ms, tag),
    };
    this.roster = new Roster(ctx);
    this.waitingRoom = new WaitingRoom(ctx, this.roster);
    this.local = new LocalMedia(ctx, call.media, this.roster);
    this.stage = new StageMedia(ctx, call.media);
    this.gestures = new Gestures(ctx, this.roster, this.stage);
    this.notices = new Notices(ctx);
    this.breakouts = new Breakouts(ctx);
    this.moderation = new Moderation(ctx);
    this.hands = new HandAlerts(ctx, this.roster, this.moderation);
    this.subtitles = new SubtitlesStore(ctx);
    this.chat = new LessonChat(ctx, this.roster);
    this.comments = new CommentsStore(ctx, this.roster, roomId);
    this.recording = new RecordingStore(ctx, this.roster);
    this.board = new BoardSession(call, call.media, this.roster.self, (key, params) =>
      this.toast(key, params, 'info', 8000, 'board'),
    );
    this.presentation = new PresentationSession(call, call.media, this.roster.self);
    call.on('sessionClosed', (e) => this.closed(e.reason ?? 0));
    call.on('serverStopping', (e) => {
      const closesAt = Number(e.closesAt ?? 0);
      const { key, params } = serverStoppingNotice(closesAt, Boolean(e.resumes));
      this.toast(key, params, 'warn', Math.max(10_000, closesAt - Date.now()), 'server');
    });
    call.onDisconnected = () => {
      if (this.phase.value !== 'ended') this.rejoinSoon();
    };
    // For tests and diagnostics.
    const media = call.media;
    (window as unknown as { schoolCall: unknown }).schoolCall = {
      signaling: call.signaling,
      byteCounts: () => media.byteCounts(),
      candidateTypes: () => media.candidateTypes(),
      isPublishing: (source: 'microphone' | 'camera' | 'screen') => media.sending.isPublishing(source),
    };
    (window as unknown as { schoolChat: LessonChat }).schoolChat = this.chat;
  }

  /** Set after a dropped connection: rejoin without the device check. */
  static takeRejoin(): Rejoin | null {
    const raw = sessionStorage.getItem(REJOIN_KEY);
    sessionStorage.removeItem(REJOIN_KEY);
    return raw ? (JSON.parse(raw) as Rejoin) : null;
  }

  async start(choice: DeviceChoice): Promise<void> {
    this.local.chosen(choice);
    this.phase.value = 'joining';
    if (!this.roomId || !this.token) return this.end('invalidLink');
    let joined: Awaited<ReturnType<CallClient['join']>>;
    try {
      joined = await this.call.join(this.roomId, this.token);
    } catch (err) {
      this.endDetail.value = errorText(err);
      return this.end(joinErrorOutcome(err));
    }
    document.title = this.roster.roomTitle.value || t('check.join');
    if (joined.waiting) this.phase.value = 'waiting';
    try {
      await joined.admitted;
    } catch (err) {
      if (this.ended) return;
      this.endDetail.value = errorText(err);
      return this.end('error');
    }
    if (this.ended) return;
    this.phase.value = 'call';
    for (const fn of this.entering.splice(0)) fn();
    await this.local.publish(choice);
  }

  /** Runs a request; a refusal or failure becomes a translated toast. */
  async run(action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action();
      return true;
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  fail(err: unknown): void {
    this.toasts.show({ text: () => errorText(err), kind: 'error' });
  }

  toast(key: Key, params?: Params, kind: 'info' | 'warn' = 'info', ms?: number, tag?: string): void {
    this.toasts.show({ text: () => t(key, params), kind, ms, tag });
  }

  async leave(): Promise<void> {
    await this.call.leave();
    this.local.stop();
    this.end('left');
  }

  /** Leaving from the waiting room. */
  cancelWaiting(): Promise<void> {
    return this.leave();
  }

  /** A host's way to the room's saved boards once the call is over (null for pupils, or if no board was opened). */
  boardsUrl(): string | null {
    if (!this.roster.isModerator || !this.board.used.peek()) return null;
    if (!this.options.tokenInUrl) return `/boards/${encodeURIComponent(this.roomId)}${location.hash}`;
    return `/boards/${encodeURIComponent(this.roomId)}#token=${this.call.sessionToken || this.token}`;
  }

  /** Starts again from the device check in a fresh page, with the freshest token we were given. */
  rejoin(): void {
    if (this.call.sessionToken && this.options.tokenInUrl) location.hash = `token=${this.call.sessionToken}`;
    location.reload();
  }

  private get ended(): boolean {
    return this.phase.peek() === 'ended';
  }

  private end(kind: EndKind): void {
    this.breakouts.stop();
    batch(() => {
      this.endKind.value = kind;
      this.phase.value = 'ended';
    });
  }

  /** Reloads into the same room with the latest session token, keeping mute state and skipping the device check. */
  private rejoinSoon(): void {
    this.phase.value = 'reconnecting';
    sessionStorage.setItem(REJOIN_KEY, JSON.stringify(this.local.intent));
    setTimeout(() => {
      // A restarting server: wait on this screen until it answers, never on the browser's error page.
      void untilServerAnswers().then(() => {
        if (this.options.tokenInUrl) location.hash = `token=${this.call.sessionToken || this.token}`;
        location.reload();
      });
    }, RECONNECT_DELAY_MS);
  }

  private closed(reason: number): void {
    const outcome = CLOSE_OUTCOME[reason as keyof typeof CLOSE_OUTCOME] ?? 'error';
    // The page stays on its reconnecting screen, saying the server restarts, until it answers again.
    if (reason === pb.CloseReason.CLOSE_REASON_HOST_LEAVING) this.serverRestarting.value = true;
    if (outcome === 'rejoin') {
      this.rejoinSoon();
      return;
    }
    this.local.stop();
    this.end(outcome);
  }
}
