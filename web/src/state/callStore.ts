// The call as the interface sees it: signals that components read, fed by
// the CallClient's events, and the actions a person takes. Components never
// talk to the server themselves; failures become translated toasts.
// Longer than our usual file: it is the one place where server events and a
// person's actions meet the same signals (the CallListener half and the
// actions half would otherwise each need the other's state).
import { batch, signal } from '@preact/signals';
import { CallClient, type CallListener, type RemoteTrack, type SendSource, pb } from '../callClient.js';
import { type Key, type Params, t } from '../i18n/index.js';
import { CLOSE_OUTCOME, type EndKind, errorText, joinErrorOutcome } from '../i18n/serverText.js';
import { RequestError } from '../signalingClient.js';
import { BoardSession } from '../whiteboard/boardSession.js';
import { chime } from './chime.js';
import type { DeviceChoice } from './devices.js';
import { LessonChat } from './lessonChat.js';
import { RecordingStore } from './recording.js';
import { SubtitlesStore } from './subtitles.js';
import { Toasts } from './toasts.js';

export type Phase = 'check' | 'joining' | 'waiting' | 'call' | 'reconnecting' | 'ended';

/** What we receive from one participant. */
export interface PersonMedia {
  name: string;
  camera?: RemoteTrack;
  screen?: RemoteTrack;
  audio?: RemoteTrack;
}

export interface Notice {
  id: number;
  kind: 'attention' | 'teacher';
  from: string;
  text: string;
  everyone: boolean;
}

export interface ShownReaction {
  id: number;
  participantId: string;
  name: string;
  reaction: pb.Reaction;
}

interface Rejoin {
  cameraOn: boolean;
  micOn: boolean;
}

const REJOIN_KEY = 'school-call-rejoin';
const RECONNECT_DELAY_MS = 2000;
const REACTION_MS = 4000;
const CUE_MS = 20_000;

function isModeratorRole(role: pb.Role | null | undefined): boolean {
  return role === pb.Role.ROLE_HOST || role === pb.Role.ROLE_CO_HOST;
}

export class CallStore implements CallListener {
  readonly call: CallClient;
  readonly phase = signal<Phase>('check');
  readonly endKind = signal<EndKind | null>(null);
  /** A translated sentence for the 'error' end screen. */
  readonly endDetail = signal('');
  readonly roomTitle = signal('');
  readonly self = signal<pb.IParticipant | null>(null);
  readonly participants = signal<ReadonlyMap<string, pb.IParticipant>>(new Map());
  readonly media = signal<ReadonlyMap<string, PersonMedia>>(new Map());
  readonly participantCount = signal(0);
  readonly settings = signal<pb.IRoomSettings>({});
  readonly waiting = signal<pb.IParticipant[]>([]);
  readonly breakouts = signal<pb.IBreakoutsChanged>({});
  readonly location = signal('');
  readonly speakingNow = signal<ReadonlySet<string>>(new Set());
  readonly activeSpeakerId = signal('');
  /** When each participant last spoke (ms), for ordering tiles. */
  readonly lastSpoke = signal<ReadonlyMap<string, number>>(new Map());
  readonly localStream = signal<MediaStream | null>(null);
  readonly micOn = signal(false);
  readonly cameraOn = signal(false);
  readonly hasMic = signal(false);
  readonly hasCamera = signal(false);
  readonly sharing = signal(false);
  /** The teacher just allowed this source: its button is highlighted until used. */
  readonly allowedCue = signal<'microphone' | 'camera' | null>(null);
  /** Bumped when the roster may have changed, so the people list re-reads its page. */
  readonly rosterVersion = signal(0);
  readonly notices = signal<Notice[]>([]);
  readonly reactions = signal<ShownReaction[]>([]);
  readonly toasts = new Toasts();
  /** Subtitles: availability, this person's choice, the captions on screen. */
  readonly subtitles: SubtitlesStore;
  /** The lesson's chat (its panel, the unread badge, the end screen's link). */
  readonly chat: LessonChat;
  /** Seconds ticking while a breakout timer runs. */
  readonly now = signal(Date.now());
  /** Participants whose cameras the server does not forward now (last-N in a large lesson). */
  readonly suppressedVideo = signal<ReadonlySet<string>>(new Set());
  /** Whether the lesson is recorded or broadcast; the host's controls and recordings. */
  readonly recording: RecordingStore;
  /** The whiteboard where this person is (its drawing part loads when it is shown). */
  readonly board: BoardSession;

  /** The interface opens the people panel (set by the UI; the store knows no panels). */
  onOpenPeople: () => void = () => {};
  /** Whether the person sees the chat now (set by the UI), so arriving messages count as read. */
  chatShown: () => boolean = () => false;
  private intent: Rejoin = { cameraOn: true, micOn: true };
  private nextId = 1;
  private knownWaiting = new Set<string>();
  private ticker: ReturnType<typeof setInterval> | null = null;
  private cueTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    wsUrl: string,
    private readonly roomId: string,
    private readonly token: string,
    /** Signed in, the page asks its session for tokens again: none is written into the address. */
    private readonly options: { tokenInUrl: boolean } = { tokenInUrl: true },
  ) {
    this.call = new CallClient(wsUrl, this);
    this.board = new BoardSession(this.call, this.self, (key, params) =>
      this.toast(key, params, 'info', 8000, 'board'),
    );
    this.subtitles = new SubtitlesStore(this.call, (action) => this.run(action));
    this.chat = new LessonChat(
      this.call,
      (action) => this.run(action),
      () => this.chatShown(),
      () => this.toast('chat.uploadFailed', {}, 'warn'),
    );
    this.recording = new RecordingStore(this.call, (action) => this.run(action));
    (window as unknown as { schoolCall: CallClient }).schoolCall = this.call;
    (window as unknown as { schoolChat: LessonChat }).schoolChat = this.chat;
  }

  get isModerator(): boolean {
    return isModeratorRole(this.self.value?.role);
  }

  get isHost(): boolean {
    return this.self.value?.role === pb.Role.ROLE_HOST;
  }

  /** Set after a dropped connection: rejoin without the device check. */
  static takeRejoin(): Rejoin | null {
    const raw = sessionStorage.getItem(REJOIN_KEY);
    sessionStorage.removeItem(REJOIN_KEY);
    return raw ? (JSON.parse(raw) as Rejoin) : null;
  }

  // ---- joining ---------------------------------------------------------------

  async start(choice: DeviceChoice): Promise<void> {
    this.intent = { cameraOn: choice.cameraOn, micOn: choice.micOn };
    this.localStream.value = choice.stream;
    this.phase.value = 'joining';
    if (!this.roomId || !this.token) return this.end('invalidLink');
    let joined: Awaited<ReturnType<CallClient['join']>>;
    try {
      joined = await this.call.join(this.roomId, this.token);
    } catch (err) {
      this.endDetail.value = errorText(err);
      return this.end(joinErrorOutcome(err));
    }
    this.roomTitle.value = this.call.roomTitle;
    document.title = this.call.roomTitle || t('check.join');
    this.self.value = this.call.self;
    this.settings.value = this.call.settings;
    if (joined.waiting) this.phase.value = 'waiting';
    try {
      await joined.admitted;
    } catch (err) {
      if (this.ended) return;
      this.endDetail.value = errorText(err);
      return this.end('error');
    }
    if (this.ended) return;
    batch(() => {
      this.self.value = this.call.self;
      this.settings.value = this.call.settings;
      this.location.value = this.call.location;
      this.participantCount.value = this.call.participantCount;
      this.phase.value = 'call';
    });
    void this.subtitles.load();
    void this.chat.open();
    await this.publishLocal(choice);
  }

  private async publishLocal(choice: DeviceChoice): Promise<void> {
    const stream = choice.stream;
    const [audio] = stream?.getAudioTracks() ?? [];
    const [video] = stream?.getVideoTracks() ?? [];
    this.hasMic.value = Boolean(audio);
    this.hasCamera.value = Boolean(video);
    if (!audio && !video) {
      this.toast('status.noDevices');
      return;
    }
    const self = this.call.self;
    try {
      if (audio)
        await this.call.publish('microphone', audio, !choice.micOn || Boolean(self?.microphoneBlocked));
      if (video) await this.call.publish('camera', video, !choice.cameraOn || Boolean(self?.cameraBlocked));
    } catch (err) {
      this.fail(err);
    }
    this.syncLocal();
  }

  private syncLocal(): void {
    batch(() => {
      this.micOn.value = this.call.isPublishing('microphone');
      this.cameraOn.value = this.call.isPublishing('camera');
      this.sharing.value = this.call.hasProducer('screen');
    });
  }

  // ---- actions -------------------------------------------------------------------

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

  async toggleMic(): Promise<void> {
    const self = this.self.value;
    if (!this.call.hasProducer('microphone')) return;
    if (!this.micOn.value && self?.microphoneBlocked) {
      // Blocked by the teacher: the button asks to speak instead of failing.
      if (!self.asksToSpeak) await this.askToSpeak(true);
      else this.toast('status.micBlocked', {}, 'warn', undefined, 'microphone');
      return;
    }
    await this.setSource('microphone', !this.micOn.value);
  }

  async toggleCamera(): Promise<void> {
    if (!this.call.hasProducer('camera')) return;
    if (!this.cameraOn.value && this.self.value?.cameraBlocked) {
      this.toast('status.cameraBlocked', {}, 'warn', undefined, 'camera');
      return;
    }
    await this.setSource('camera', !this.cameraOn.value);
  }

  private async setSource(source: 'microphone' | 'camera', on: boolean): Promise<void> {
    try {
      await this.call.setPaused(source, !on);
    } catch (err) {
      // Blocked meanwhile: say so in words, as the buttons do.
      if (err instanceof RequestError && err.code === pb.ErrorCode.ERROR_CODE_BLOCKED_BY_HOST) {
        this.toast(
          source === 'microphone' ? 'status.micBlocked' : 'status.cameraBlocked',
          {},
          'warn',
          undefined,
          source,
        );
      } else this.fail(err);
    }
    if (source === 'microphone') this.intent.micOn = this.call.isPublishing(source);
    else this.intent.cameraOn = this.call.isPublishing(source);
    if (on && this.allowedCue.value === source) this.allowedCue.value = null;
    this.syncLocal();
  }

  async toggleShare(): Promise<void> {
    if (this.call.hasProducer('screen')) {
      await this.run(() => this.call.unpublish('screen'));
      this.syncLocal();
      return;
    }
    let track: MediaStreamTrack | undefined;
    try {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } } });
      [track] = display.getVideoTracks();
    } catch {
      // The person closed the browser's picker.
      return;
    }
    if (!track) return;
    track.addEventListener('ended', () => {
      void this.call.unpublish('screen').then(
        () => this.syncLocal(),
        () => this.syncLocal(),
      );
    });
    const ok = await this.run(() => this.call.publish('screen', track));
    if (!ok) track.stop();
    this.syncLocal();
  }

  toggleHand(): Promise<boolean> {
    return this.run(() => this.call.raiseHand(!this.self.value?.handRaisedAt));
  }

  async askToSpeak(asking: boolean): Promise<void> {
    if (await this.run(() => this.call.askToSpeak(asking))) {
      if (asking) this.toast('status.askSent', {}, 'info', undefined, 'microphone');
    }
  }

  react(reaction: pb.Reaction): Promise<boolean> {
    return this.run(() => this.call.sendReaction(reaction));
  }

  async leave(): Promise<void> {
    await this.call.leave();
    this.stopLocal();
    this.end('left');
  }

  /** Leaving from the waiting room. */
  cancelWaiting(): Promise<void> {
    return this.leave();
  }

  /** A host's way to the room's saved boards once the call is over (null for pupils, or if no board was opened). */
  boardsUrl(): string | null {
    if (!this.isModerator || !this.board.used.peek()) return null;
    if (!this.options.tokenInUrl) return `/boards/${encodeURIComponent(this.roomId)}${location.hash}`;
    return `/boards/${encodeURIComponent(this.roomId)}#token=${this.call.sessionToken || this.token}`;
  }

  /** Starts again from the device check in a fresh page, with the freshest token we were given. */
  rejoin(): void {
    if (this.call.sessionToken && this.options.tokenInUrl) location.hash = `token=${this.call.sessionToken}`;
    location.reload();
  }

  dismissNotice(id: number): void {
    this.notices.value = this.notices.value.filter((n) => n.id !== id);
  }

  private get ended(): boolean {
    return this.phase.peek() === 'ended';
  }

  private end(kind: EndKind): void {
    this.stopTicker();
    batch(() => {
      this.endKind.value = kind;
      this.phase.value = 'ended';
    });
  }

  private stopLocal(): void {
    for (const track of this.localStream.value?.getTracks() ?? []) track.stop();
  }

  /** Reloads into the same room with the latest session token, keeping mute state and skipping the device check. */
  private rejoinSoon(): void {
    this.phase.value = 'reconnecting';
    sessionStorage.setItem(REJOIN_KEY, JSON.stringify(this.intent));
    setTimeout(() => {
      if (this.options.tokenInUrl) location.hash = `token=${this.call.sessionToken || this.token}`;
      location.reload();
    }, RECONNECT_DELAY_MS);
  }

  private setCue(source: 'microphone' | 'camera'): void {
    this.allowedCue.value = source;
    if (this.cueTimer) clearTimeout(this.cueTimer);
    this.cueTimer = setTimeout(() => {
      if (this.allowedCue.value === source) this.allowedCue.value = null;
    }, CUE_MS);
  }

  private startTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => {
      this.now.value = Date.now();
    }, 1000);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  // ---- CallListener: what the server tells us ------------------------------------

  participantJoined(p: pb.IParticipant): void {
    const next = new Map(this.participants.value);
    next.set(p.participantId ?? '', p);
    this.participants.value = next;
  }

  participantLeft(participantId: string): void {
    const next = new Map(this.participants.value);
    next.delete(participantId);
    this.participants.value = next;
    if (this.media.value.has(participantId)) {
      const media = new Map(this.media.value);
      media.delete(participantId);
      this.media.value = media;
    }
  }

  participantUpdated(p: pb.IParticipant): void {
    const id = p.participantId ?? '';
    if (id === this.self.value?.participantId) {
      this.selfUpdated(p);
      return;
    }
    const next = new Map(this.participants.value);
    next.set(id, p);
    this.participants.value = next;
  }

  private selfUpdated(next: pb.IParticipant): void {
    const before = this.self.value;
    this.self.value = next;
    const wasModerator = isModeratorRole(before?.role);
    if (!wasModerator && next.role === pb.Role.ROLE_CO_HOST) this.toast('status.becameCoHost');
    if (wasModerator && next.role === pb.Role.ROLE_PARTICIPANT) this.toast('status.noLongerCoHost');
    this.rosterVersion.value++;
  }

  presence(participantCount: number): void {
    batch(() => {
      this.participantCount.value = participantCount;
      this.rosterVersion.value++;
    });
  }

  trackAdded(track: RemoteTrack): void {
    this.setTrack(track, true);
  }

  trackRemoved(track: RemoteTrack): void {
    this.setTrack(track, false);
  }

  trackChanged(track: RemoteTrack): void {
    this.setTrack(track, true);
  }

  private setTrack(track: RemoteTrack, present: boolean): void {
    const id = track.participantId;
    const next = new Map(this.media.value);
    const entry: PersonMedia = { ...(next.get(id) ?? { name: track.displayName }) };
    const slot: 'camera' | 'screen' | 'audio' =
      track.source === pb.MediaSource.MEDIA_SOURCE_SCREEN
        ? 'screen'
        : track.track.kind === 'audio'
          ? 'audio'
          : 'camera';
    // A copy, so components see a new value when the sender pauses or resumes.
    if (present) entry[slot] = { ...track };
    else if (entry[slot]?.consumerId === track.consumerId) delete entry[slot];
    if (!entry.camera && !entry.screen && !entry.audio) next.delete(id);
    else next.set(id, entry);
    this.media.value = next;
  }

  settingsChanged(settings: pb.IRoomSettings): void {
    this.settings.value = { ...settings };
  }

  waitingRoomChanged(waiting: pb.IParticipant[]): void {
    const fresh = waiting.filter((p) => !this.knownWaiting.has(p.participantId ?? ''));
    this.knownWaiting = new Set(waiting.map((p) => p.participantId ?? ''));
    this.waiting.value = waiting;
    // A toast about someone who no longer waits (admitted, denied, gone) goes.
    this.toasts.dismissWhere((tag) => tag.startsWith('waiting:') && !this.knownWaiting.has(tag.slice(8)));
    if (waiting.length === 0) this.toasts.dismissWhere((tag) => tag === 'waiting');
    if (!this.isModerator || fresh.length === 0) return;
    chime();
    const [first] = fresh;
    if (fresh.length === 1 && first && waiting.length === 1) {
      const id = first.participantId ?? '';
      const name = first.displayName ?? '';
      this.toasts.show({
        text: () => t('waitingRoom.toastOne', { name }),
        kind: 'warn',
        ms: 15_000,
        tag: `waiting:${id}`,
        action: { label: 'waitingRoom.admit', run: () => void this.run(() => this.call.admit([id])) },
      });
    } else {
      const count = waiting.length;
      this.toasts.dismissWhere((tag) => tag.startsWith('waiting:'));
      this.toasts.show({
        text: () => t('waitingRoom.toastMany', { count }),
        kind: 'warn',
        ms: 15_000,
        tag: 'waiting',
        action: { label: 'waitingRoom.open', run: () => this.onOpenPeople() },
      });
    }
  }

  reaction(participantId: string, reaction: pb.Reaction): void {
    const name =
      participantId === this.self.value?.participantId
        ? (this.self.value?.displayName ?? '')
        : (this.participants.value.get(participantId)?.displayName ??
          this.media.value.get(participantId)?.name ??
          '');
    const shown: ShownReaction = { id: this.nextId++, participantId, name, reaction };
    this.reactions.value = [...this.reactions.value.slice(-4), shown];
    setTimeout(() => {
      this.reactions.value = this.reactions.value.filter((r) => r.id !== shown.id);
    }, REACTION_MS);
  }

  attention(e: pb.IAttentionRequested): void {
    this.notices.value = [
      ...this.notices.value.filter((n) => n.kind !== 'attention'),
      {
        id: this.nextId++,
        kind: 'attention',
        from: e.fromDisplayName ?? '',
        text: e.message ?? '',
        everyone: Boolean(e.everyone),
      },
    ];
  }

  mutedByHost(source: 'microphone' | 'camera', blocked: boolean): void {
    if (source === 'microphone') this.intent.micOn = false;
    else this.intent.cameraOn = false;
    if (this.allowedCue.value === source) this.allowedCue.value = null;
    this.syncLocal();
    const key: Key =
      source === 'microphone'
        ? blocked
          ? 'status.micBlocked'
          : 'status.micMuted'
        : blocked
          ? 'status.cameraBlocked'
          : 'status.cameraMuted';
    this.toast(key, {}, 'warn', 10_000, source);
  }

  activeSpeaker(participantId: string): void {
    this.activeSpeakerId.value = participantId;
  }

  speaking(participantIds: string[]): void {
    const now = Date.now();
    const spoke = new Map(this.lastSpoke.value);
    for (const id of participantIds) spoke.set(id, now);
    batch(() => {
      this.speakingNow.value = new Set(participantIds);
      this.lastSpoke.value = spoke;
    });
  }

  chatEvent(e: pb.Event): void {
    this.chat.onEvent(e);
  }

  resynced(): void {
    this.chat.resynced();
  }

  subtitleLine(line: pb.ISubtitleLine): void {
    this.subtitles.line(line);
  }

  videoSuppressed(participantIds: string[]): void {
    this.suppressedVideo.value = new Set(participantIds);
  }

  recordingState(state: pb.IRecordingState): void {
    const was = this.recording.state.value;
    this.recording.changed(state);
    if (state.stopReason === 'disk-full') this.toast('rec.diskFull', {}, 'warn');
    else if (state.recording && !was.recording && !this.isHost) this.toast('rec.startedNotice');
  }

  subtitlesChanged(state: pb.ISubtitlesState): void {
    this.subtitles.changed(state);
  }

  breakoutsChanged(state: pb.IBreakoutsChanged): void {
    this.breakouts.value = state;
    // Messages to the breakout rooms end with them.
    if (!state.open) this.notices.value = this.notices.value.filter((n) => n.kind !== 'teacher');
    if (state.open && state.endsAt) this.startTicker();
    else this.stopTicker();
  }

  moved(location: string, locationName: string, mediaRestart: boolean): void {
    const back = location === '' && this.location.value !== '';
    batch(() => {
      this.location.value = location;
      this.rosterVersion.value++;
      // Messages to the breakout rooms end with them.
      if (back) this.notices.value = this.notices.value.filter((n) => n.kind !== 'teacher');
    });
    this.syncLocal();
    if (mediaRestart) this.toast('status.mediaRestart', {}, 'info', undefined, 'move');
    else if (location) this.toast('status.movedTo', { name: locationName }, 'info', undefined, 'move');
    else this.toast('status.movedMain', {}, 'info', undefined, 'move');
  }

  allowedByHost(source: 'microphone' | 'camera'): void {
    this.toast(
      source === 'microphone' ? 'status.micAllowed' : 'status.cameraAllowed',
      {},
      'info',
      10_000,
      source,
    );
    this.setCue(source);
  }

  /** A message from the teacher to every breakout room. */
  breakoutMessage(from: string, text: string): void {
    this.notices.value = [
      ...this.notices.value,
      { id: this.nextId++, kind: 'teacher', from, text, everyone: true },
    ];
  }

  closed(reason: pb.CloseReason): void {
    const outcome = CLOSE_OUTCOME[reason] ?? 'error';
    if (outcome === 'rejoin') {
      this.rejoinSoon();
      return;
    }
    this.stopLocal();
    this.end(outcome);
  }

  disconnected(): void {
    if (this.phase.value === 'ended') return;
    this.rejoinSoon();
  }
}

export type { SendSource };
