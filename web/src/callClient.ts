// The call in the browser: joins a room over signaling (waiting to be
// admitted if the room says so), sends the local camera and microphone
// through a mediasoup-client send transport, receives every other
// participant's media through one receive transport, and exposes the lesson
// controls. The server decides what this participant may do; refusals come
// back as RequestError.
// Longer than our usual file: transports, producers, consumers and the event
// switch share one mediasoup Device and its transports, and splitting them
// would only pass those around.
import { Device, type types } from 'mediasoup-client';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import {
  type RtpParameters,
  dtlsParametersFromWire,
  dtlsParametersToWire,
  iceCandidatesFromWire,
  iceParametersFromWire,
  mediaKindToWire,
  rtpCapabilitiesFromWire,
  rtpCapabilitiesToWire,
  rtpParametersFromWire,
  rtpParametersToWire,
} from '../../common/protocol/mediaWire.js';
import { restartIceWhenLost, transportIceOptions } from './networkResilience.js';
import { SignalingClient } from './signalingClient.js';

import pb = schoolcall.v1;

export { pb };

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  participantId: string;
  displayName: string;
  source: pb.MediaSource;
  track: MediaStreamTrack;
  /** The sender has paused it (muted, camera off): nothing arrives, show it as off. */
  producerPaused: boolean;
}

export interface CallListener {
  participantJoined(p: pb.IParticipant): void;
  participantLeft(participantId: string): void;
  participantUpdated(p: pb.IParticipant): void;
  /** A presence batch arrived: the participant count and the roster may have changed. */
  presence(participantCount: number): void;
  trackAdded(t: RemoteTrack): void;
  trackRemoved(t: RemoteTrack): void;
  /** The sender paused or resumed a track we receive. */
  trackChanged(t: RemoteTrack): void;
  settingsChanged(s: pb.IRoomSettings): void;
  waitingRoomChanged(waiting: pb.IParticipant[]): void;
  reaction(participantId: string, reaction: pb.Reaction): void;
  attention(e: pb.IAttentionRequested): void;
  mutedByHost(source: 'microphone' | 'camera', blocked: boolean): void;
  /** A host lifted the block of this source ("allow to speak", "allow camera"). */
  allowedByHost(source: 'microphone' | 'camera', from: string): void;
  /** A host's message to the breakout rooms. */
  breakoutMessage(from: string, text: string): void;
  activeSpeaker(participantId: string): void;
  speaking(participantIds: string[]): void;
  breakoutsChanged(state: pb.IBreakoutsChanged): void;
  /** A subtitle line (only after subscribeSubtitles): a partial, or the final that replaces it. */
  subtitleLine(line: pb.ISubtitleLine): void;
  /** A host turned subtitles on or off or changed their language. */
  subtitlesChanged(state: pb.ISubtitlesState): void;
  /** This participant was moved (or its media rebuilt after a server fault); media is set up again. */
  moved(location: string, locationName: string, mediaRestart: boolean): void;
  closed(reason: pb.CloseReason, message: string): void;
  /** The connection dropped without the server saying why (network); rejoin with sessionToken. */
  disconnected(): void;
  /** The cameras of these participants are not forwarded now (last-N); the set replaces the last one. */
  videoSuppressed?(participantIds: string[]): void;
  /** Whether the lesson is being recorded or broadcast (told to everyone present and waiting). */
  recordingState?(state: pb.IRecordingState): void;
  /** An event of the lesson's chat (chat_message, chat_changed, chat_my_flags, comment_pending). */
  chatEvent?(e: pb.Event): void;
  /** The client fell behind and took the server's state again: events may have been dropped. */
  resynced?(): void;
  /** The server stops at closesAt (ms); `resumes`: the lesson goes on after its restart. */
  serverStopping?(closesAt: number, resumes: boolean): void;
}

/** `whiteboard`: a host's board as video, for recordings and broadcasts. */
export type SendSource = 'microphone' | 'camera' | 'screen' | 'whiteboard';

const SOURCE_WIRE: Record<SendSource, pb.MediaSource> = {
  microphone: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
  camera: pb.MediaSource.MEDIA_SOURCE_CAMERA,
  screen: pb.MediaSource.MEDIA_SOURCE_SCREEN,
  whiteboard: pb.MediaSource.MEDIA_SOURCE_WHITEBOARD,
};

// Three simulcast layers so large rooms can send small layers to most viewers.
const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

// Lines and text on white: one layer, sharp rather than smooth.
const BOARD_ENCODINGS: types.RtpEncodingParameters[] = [{ maxBitrate: 1_000_000, maxFramerate: 15 }];

const SESSION_REFRESH_MS = 60 * 60_000;

export class CallClient {
  readonly signaling: SignalingClient;
  private readonly device = new Device();
  private sendTransport: types.Transport | null = null;
  private recvTransport: types.Transport | null = null;
  private readonly producers = new Map<SendSource, types.Producer>();
  private readonly consumers = new Map<string, { consumer: types.Consumer; remote: RemoteTrack }>();
  /** Video consumers the page shows; the rest stay paused on the server, so nothing is sent for them. */
  private readonly wantedVideo = new Set<string>();
  private readonly resumedVideo = new Set<string>();
  /** The simulcast layer asked for each video consumer (by its tile's size). */
  private readonly videoLayers = new Map<string, number>();
  self: pb.IParticipant | null = null;
  roomTitle = '';
  settings: pb.IRoomSettings = {};
  participantCount = 0;
  readonly participants = new Map<string, pb.IParticipant>();
  /** Who waits to be let in, oldest first (for hosts and co-hosts). */
  private readonly waiting = new Map<string, pb.IParticipant>();
  /** '' in the main room, else the breakout room's id. */
  location = '';
  breakouts: pb.IBreakoutsChanged = {};
  /** A fresh token to reconnect with; refreshed hourly, so a lesson never outlives it. */
  sessionToken = '';
  // Events are handled one at a time, in order, and only once the transports
  // are set up: a producer announced mid-join must not be missed.
  private eventChain: Promise<void>;
  private markReady: () => void = () => {};
  private admittedWith: ((join: pb.IJoinResponse) => void) | null = null;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private ended = false;
  /** The whiteboard's events, and `resync` (its updates may have been dropped too); set by the board's module. */
  onBoardEvent: (e: pb.Event) => void = () => {};

  constructor(
    wsUrl: string,
    private readonly listener: CallListener,
  ) {
    this.signaling = new SignalingClient(wsUrl);
    this.eventChain = new Promise((resolve) => {
      this.markReady = resolve;
    });
    this.signaling.onEvent = (e) => this.route(e);
    this.signaling.onClose = () => {
      if (this.ended) return;
      this.ended = true;
      this.teardown();
      this.listener.disconnected();
    };
  }

  get isModerator(): boolean {
    const role = this.self?.role;
    return role === pb.Role.ROLE_HOST || role === pb.Role.ROLE_CO_HOST;
  }

  get isHost(): boolean {
    return this.self?.role === pb.Role.ROLE_HOST;
  }

  /**
   * Joins; resolves { waiting: true } when a host must admit us first, in
   * which case `admitted` resolves once they do.
   */
  async join(roomId: string, token: string): Promise<{ waiting: boolean; admitted: Promise<void> }> {
    await this.signaling.connect();
    const { join } = await this.signaling.request({ join: { roomId, token } });
    if (!join) throw new Error('join response missing');
    this.self = join.self ?? null;
    this.roomTitle = join.roomTitle ?? '';
    this.settings = join.settings ?? {};
    this.sessionToken = join.session?.token ?? token;
    this.refreshTimer = setInterval(() => void this.refreshSession(), SESSION_REFRESH_MS);
    if (!join.waiting) return { waiting: false, admitted: this.enter(join) };
    const admitted = new Promise<pb.IJoinResponse>((resolve) => {
      this.admittedWith = resolve;
    }).then((j) => this.enter(j));
    return { waiting: true, admitted };
  }

  private async enter(join: pb.IJoinResponse): Promise<void> {
    this.self = join.self ?? this.self;
    this.location = this.self?.location ?? '';
    this.settings = join.settings ?? this.settings;
    this.participantCount = join.participantCount ?? 0;
    for (const p of join.participants ?? []) this.addParticipant(p);
    await this.device.load({
      routerRtpCapabilities: rtpCapabilitiesFromWire(join.routerRtpCapabilities) as types.RtpCapabilities,
    });
    this.recvTransport = await this.createTransport('recv');
    if (this.device.canProduce('audio') || this.device.canProduce('video')) {
      this.sendTransport = await this.createTransport('send');
    }
    try {
      for (const producer of join.producers ?? []) await this.consume(producer);
    } finally {
      this.markReady();
    }
  }

  /** Starts sending a local track, paused if asked; the server decides whether this role may. */
  async publish(source: SendSource, track: MediaStreamTrack, paused = false): Promise<void> {
    if (!this.sendTransport) throw new Error('this device cannot send media');
    const existing = this.producers.get(source);
    if (existing) {
      await existing.replaceTrack({ track });
      return;
    }
    const producer = await this.sendTransport.produce({
      track,
      encodings:
        source === 'camera' ? CAMERA_ENCODINGS : source === 'whiteboard' ? BOARD_ENCODINGS : undefined,
      codecOptions: source === 'microphone' ? { opusStereo: false, opusDtx: true, opusFec: true } : undefined,
      appData: { source, paused },
      // Tracks outlive producers: a move to a breakout room re-sends them.
      stopTracks: false,
      disableTrackOnPause: true,
      zeroRtpOnPause: true,
    });
    if (paused) producer.pause();
    this.producers.set(source, producer);
  }

  /** Stops sending a source altogether (e.g. the end of a screen share). */
  async unpublish(source: SendSource): Promise<void> {
    const producer = this.producers.get(source);
    if (!producer) return;
    this.producers.delete(source);
    producer.close();
    producer.track?.stop();
    await this.signaling.request({ closeProducer: { producerId: producer.id } });
  }

  get maySharescreen(): boolean {
    return this.isModerator || Boolean(this.settings.participantsMayShareScreen);
  }

  /** Mutes or unmutes a local source without renegotiating. The server may refuse an unmute. */
  async setPaused(source: SendSource, paused: boolean): Promise<void> {
    const producer = this.producers.get(source);
    if (!producer) return;
    const tellServer = () =>
      this.signaling.request({ setProducerPaused: { producerId: producer.id, paused } });
    // Muting takes effect locally at once; unmuting waits for the server, which may refuse.
    if (paused) {
      producer.pause();
      await tellServer();
    } else {
      await tellServer();
      producer.resume();
    }
  }

  isPublishing(source: SendSource): boolean {
    const p = this.producers.get(source);
    return Boolean(p && !p.paused);
  }

  hasProducer(source: SendSource): boolean {
    return this.producers.has(source);
  }

  // ---- lesson controls ------------------------------------------------------

  raiseHand(raised: boolean) {
    return this.signaling.request({ raiseHand: { raised } });
  }
  sendReaction(reaction: pb.Reaction) {
    return this.signaling.request({ sendReaction: { reaction } });
  }
  askToSpeak(asking: boolean) {
    return this.signaling.request({ askToSpeak: { asking } });
  }
  admit(participantIds: string[], all = false) {
    return this.signaling.request({ admit: { participantIds, all } });
  }
  deny(participantIds: string[]) {
    return this.signaling.request({ deny: { participantIds } });
  }
  mute(participantIds: string[], source: 'microphone' | 'camera', block: boolean, all = false) {
    return this.signaling.request({ mute: { participantIds, all, source: SOURCE_WIRE[source], block } });
  }
  /** Lifts a host's block of the microphone ("allow to speak") or of the camera. */
  allowToSpeak(participantId: string, source: 'microphone' | 'camera' = 'microphone') {
    return this.signaling.request({ allowToSpeak: { participantId, source: SOURCE_WIRE[source] } });
  }
  setRole(participantId: string, role: pb.Role) {
    return this.signaling.request({ setRole: { participantId, role } });
  }
  lowerHands(participantIds: string[], all = false) {
    return this.signaling.request({ lowerHands: { participantIds, all } });
  }
  remove(participantId: string, ban: boolean) {
    return this.signaling.request({ removeParticipant: { participantId, ban } });
  }
  attractAttention(participantId: string, message: string) {
    return this.signaling.request({ attractAttention: { participantId, message } });
  }
  updateSettings(settings: pb.IUpdateRoomSettingsRequest) {
    return this.signaling.request({ updateRoomSettings: settings });
  }
  endCall() {
    return this.signaling.request({ endCall: {} });
  }

  /** Subtitles: receive the lines or not (anyone), turn them on or off for the room (hosts). */
  async subscribeSubtitles(subscribe: boolean): Promise<pb.ISubtitlesState> {
    return (await this.signaling.request({ subscribeSubtitles: { subscribe } })).subtitles ?? {};
  }

  async setSubtitles(enabled: boolean, language?: pb.SubtitleLanguage): Promise<pb.ISubtitlesState> {
    return (await this.signaling.request({ setSubtitles: { enabled, language } })).subtitles ?? {};
  }

  async getSubtitles(): Promise<pb.ISubtitlesState> {
    return (await this.signaling.request({ getSubtitles: {} })).subtitles ?? {};
  }

  // ---- recording and broadcast (hosts) ----

  async startRecording(): Promise<pb.IRecordingInfo> {
    return (await this.signaling.request({ startRecording: {} })).recordingStarted ?? {};
  }

  async stopRecording(): Promise<pb.IRecordingInfo> {
    return (await this.signaling.request({ stopRecording: {} })).recordingStopped ?? {};
  }

  /** Viewers without an account watch at the answer's url; a password keeps strangers out. */
  async startBroadcast(viewerPassword = ''): Promise<pb.IBroadcastLink> {
    return (await this.signaling.request({ startBroadcast: { viewerPassword } })).broadcast ?? {};
  }

  async stopBroadcast(): Promise<void> {
    await this.signaling.request({ stopBroadcast: {} });
  }

  async listRecordings(): Promise<pb.IRecordingInfo[]> {
    return (await this.signaling.request({ listRecordings: {} })).recordings?.recordings ?? [];
  }

  async deleteRecording(recordingId: string): Promise<void> {
    await this.signaling.request({ deleteRecording: { recordingId } });
  }

  /** A short-lived link to download the recording's file. */
  async recordingLink(recordingId: string): Promise<string> {
    return (await this.signaling.request({ getRecordingLink: { recordingId } })).recordingLink?.url ?? '';
  }

  createBreakouts(count: number, names: string[] = []) {
    return this.signaling.request({ createBreakouts: { count, names } });
  }
  /** `auto` spreads pupils evenly; guests (parents) only with `includeGuests`. */
  assignBreakouts(assignments: pb.IBreakoutAssignment[], auto = false, includeGuests = false) {
    return this.signaling.request({ assignBreakouts: { assignments, auto, includeGuests } });
  }
  openBreakouts(durationSeconds: number) {
    return this.signaling.request({ openBreakouts: { durationSeconds } });
  }
  closeBreakouts() {
    return this.signaling.request({ closeBreakouts: {} });
  }
  broadcastToBreakouts(message: string) {
    return this.signaling.request({ broadcastToBreakouts: { message } });
  }
  moveTo(breakoutId: string) {
    return this.signaling.request({ moveTo: { breakoutId } });
  }
  async listParticipants(query: pb.IListParticipantsRequest): Promise<pb.IParticipantPage> {
    return (await this.signaling.request({ listParticipants: query })).participantPage ?? {};
  }

  private async refreshSession(): Promise<void> {
    try {
      const r = await this.signaling.request({ refreshSession: {} });
      if (r.session?.token) this.sessionToken = r.session.token;
    } catch {
      // The next hourly attempt retries; the call itself is unaffected.
    }
  }

  async leave(): Promise<void> {
    this.ended = true;
    try {
      await this.signaling.request({ leave: {} });
    } catch {
      // Leaving a dead connection needs no answer.
    }
    this.teardown();
    this.signaling.close();
  }

  /** Bytes received and sent so far, by kind, from the transports' WebRTC stats. */
  async byteCounts(): Promise<{
    inbound: { audio: number; video: number };
    outbound: { audio: number; video: number };
  }> {
    const out = { inbound: { audio: 0, video: 0 }, outbound: { audio: 0, video: 0 } };
    const add = (report: RTCStatsReport | undefined) => {
      report?.forEach((s: { type: string; kind?: string; bytesReceived?: number; bytesSent?: number }) => {
        if (s.kind !== 'audio' && s.kind !== 'video') return;
        if (s.type === 'inbound-rtp') out.inbound[s.kind] += s.bytesReceived ?? 0;
        if (s.type === 'outbound-rtp') out.outbound[s.kind] += s.bytesSent ?? 0;
      });
    };
    add(await this.recvTransport?.getStats());
    add(await this.sendTransport?.getStats());
    return out;
  }

  /** Local candidate types of the ICE pairs in use ('host', 'srflx', 'relay'): the path media takes. */
  async candidateTypes(): Promise<string[]> {
    const types: string[] = [];
    for (const t of [this.sendTransport, this.recvTransport]) {
      const report = await t?.getStats();
      if (!report) continue;
      const byId = new Map<string, { candidateType?: string }>();
      report.forEach((s: { id: string; candidateType?: string }) => byId.set(s.id, s));
      report.forEach(
        (s: { type: string; nominated?: boolean; state?: string; localCandidateId?: string }) => {
          if (s.type !== 'candidate-pair' || !s.nominated || s.state !== 'succeeded') return;
          const local = byId.get(s.localCandidateId ?? '');
          if (local?.candidateType) types.push(local.candidateType);
        },
      );
    }
    return types;
  }

  private replaceWaiting(list: pb.IParticipant[]): void {
    this.waiting.clear();
    for (const p of list) this.waiting.set(p.participantId ?? '', p);
    this.listener.waitingRoomChanged(list);
  }

  // ---- transports and consumers ---------------------------------------------

  private async createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const wireDirection =
      direction === 'send'
        ? pb.TransportDirection.TRANSPORT_DIRECTION_SEND
        : pb.TransportDirection.TRANSPORT_DIRECTION_RECV;
    const { webrtcTransport: info } = await this.signaling.request({
      createWebrtcTransport: { direction: wireDirection },
    });
    if (!info) throw new Error('transport response missing');
    const options: types.TransportOptions = {
      id: info.transportId ?? '',
      iceParameters: iceParametersFromWire(info.iceParameters),
      iceCandidates: iceCandidatesFromWire(info.iceCandidates) as types.IceCandidate[],
      dtlsParameters: dtlsParametersFromWire(info.dtlsParameters) as types.DtlsParameters,
      ...transportIceOptions(info),
    };
    const transport =
      direction === 'send'
        ? this.device.createSendTransport(options)
        : this.device.createRecvTransport(options);
    restartIceWhenLost(transport, async () => {
      const r = await this.signaling.request({ restartIce: { transportId: transport.id } });
      return r.iceParameters ?? {};
    });
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signaling
        .request({
          connectWebrtcTransport: {
            transportId: transport.id,
            dtlsParameters: dtlsParametersToWire(dtlsParameters),
          },
        })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = SOURCE_WIRE[appData.source as SendSource];
        this.signaling
          .request({
            produce: {
              transportId: transport.id,
              kind: mediaKindToWire(kind),
              source,
              rtpParameters: rtpParametersToWire(rtpParameters as RtpParameters),
              paused: Boolean(appData.paused),
            },
          })
          .then((r) => callback({ id: r.produce?.producerId ?? '' }), errback);
      });
    }
    return transport;
  }

  private async consume(info: pb.IProducerInfo): Promise<void> {
    const transport = this.recvTransport;
    if (!transport || !info.producerId) return;
    // The board as video is for recordings and broadcasts; here the board itself is live.
    if (info.source === pb.MediaSource.MEDIA_SOURCE_WHITEBOARD) return;
    const { consume } = await this.signaling.request({
      consume: {
        transportId: transport.id,
        producerId: info.producerId,
        rtpCapabilities: rtpCapabilitiesToWire(this.device.rtpCapabilities),
      },
    });
    if (!consume?.consumerId) return;
    const consumer = await transport.consume({
      id: consume.consumerId,
      producerId: info.producerId,
      kind: consume.kind === pb.MediaKind.MEDIA_KIND_AUDIO ? 'audio' : 'video',
      rtpParameters: rtpParametersFromWire(consume.rtpParameters) as types.RtpParameters,
    });
    const remote: RemoteTrack = {
      consumerId: consumer.id,
      producerId: info.producerId,
      participantId: consume.participantId ?? '',
      displayName: info.displayName ?? '',
      source: consume.source ?? pb.MediaSource.MEDIA_SOURCE_UNSPECIFIED,
      track: consumer.track,
      producerPaused: Boolean(consume.producerPaused),
    };
    this.consumers.set(consumer.id, { consumer, remote });
    this.listener.trackAdded(remote);
    // Created paused on the server so the first keyframe arrives after we are
    // ready. Audio plays at once; video only while a tile shows it.
    if (consumer.kind === 'audio') {
      await this.signaling.request({ setConsumerPaused: { consumerId: consumer.id, paused: false } });
    } else {
      await this.syncVideo(consumer.id);
    }
  }

  /**
   * The page says whether it shows this video consumer now. Off-screen tiles
   * are paused on the server, so a large call receives only what is visible.
   */
  setVideoWanted(consumerId: string, wanted: boolean): void {
    if (wanted) this.wantedVideo.add(consumerId);
    else this.wantedVideo.delete(consumerId);
    if (this.consumers.has(consumerId)) void this.syncVideo(consumerId).catch(() => {});
  }

  /**
   * The tile's height on screen picks the simulcast layer: a small tile gets
   * the quarter-size stream, so a gallery of 25 costs what a few large ones do.
   */
  setVideoHeight(consumerId: string, cssHeight: number): void {
    const pixels = cssHeight * (globalThis.devicePixelRatio || 1);
    const layer = pixels <= 200 ? 0 : pixels <= 400 ? 1 : 2;
    const entry = this.consumers.get(consumerId);
    if (!entry || entry.remote.source !== pb.MediaSource.MEDIA_SOURCE_CAMERA) return;
    if (this.videoLayers.get(consumerId) === layer) return;
    this.videoLayers.set(consumerId, layer);
    void this.signaling
      .request({ setConsumerPreferredLayers: { consumerId, spatialLayer: layer } })
      .catch(() => {
        // A camera without simulcast (NOT_LAYERED) or a consumer just closed: nothing to choose.
      });
  }

  private async syncVideo(consumerId: string): Promise<void> {
    const wanted = this.wantedVideo.has(consumerId);
    if (wanted === this.resumedVideo.has(consumerId)) return;
    if (wanted) this.resumedVideo.add(consumerId);
    else this.resumedVideo.delete(consumerId);
    try {
      await this.signaling.request({ setConsumerPaused: { consumerId, paused: !wanted } });
    } catch (err) {
      // Undo, so the next change tries again; a closed consumer is simply gone.
      if (wanted) this.resumedVideo.delete(consumerId);
      else this.resumedVideo.add(consumerId);
      if (this.consumers.has(consumerId)) throw err;
    }
  }

  /** How many video consumers the server is sending now (for tests and diagnostics). */
  get receivingVideoCount(): number {
    return this.resumedVideo.size;
  }

  private setProducerPaused(match: (r: RemoteTrack) => boolean, paused: boolean): void {
    for (const { remote } of this.consumers.values()) {
      if (!match(remote) || remote.producerPaused === paused) continue;
      remote.producerPaused = paused;
      this.listener.trackChanged(remote);
    }
  }

  private removeConsumer(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    this.consumers.delete(consumerId);
    this.resumedVideo.delete(consumerId);
    this.videoLayers.delete(consumerId);
    this.wantedVideo.delete(consumerId);
    entry.consumer.close();
    this.listener.trackRemoved(entry.remote);
  }

  private addParticipant(p: pb.IParticipant): void {
    if (!p.participantId) return;
    this.participants.set(p.participantId, p);
    this.listener.participantJoined(p);
  }

  /**
   * We fell behind and missed events: take the server's current state, drop
   * consumers of producers that are gone and consume the ones we missed.
   */
  private async reconcile(state: pb.IResync): Promise<void> {
    this.signaling.failPending('the connection fell behind; try again');
    if (state.self) {
      this.self = state.self;
      this.listener.participantUpdated(state.self);
    }
    if (state.settings) {
      this.settings = state.settings;
      this.listener.settingsChanged(state.settings);
    }
    if (state.breakouts) {
      this.breakouts = state.breakouts;
      this.listener.breakoutsChanged(state.breakouts);
    }
    if (this.isModerator) this.replaceWaiting(state.waiting ?? []);
    const present = new Map((state.participants ?? []).map((p) => [p.participantId ?? '', p]));
    for (const id of [...this.participants.keys()]) {
      if (!present.has(id)) {
        this.participants.delete(id);
        this.listener.participantLeft(id);
      }
    }
    for (const p of present.values()) {
      if (!this.participants.has(p.participantId ?? '')) this.addParticipant(p);
      else this.participants.set(p.participantId ?? '', p);
    }
    this.participantCount = state.participantCount ?? this.participantCount;
    const live = new Set((state.producers ?? []).map((p) => p.producerId));
    for (const [cid, c] of this.consumers) if (!live.has(c.remote.producerId)) this.removeConsumer(cid);
    const consumed = new Set([...this.consumers.values()].map((c) => c.remote.producerId));
    for (const producer of state.producers ?? []) {
      if (!consumed.has(producer.producerId ?? '')) await this.consume(producer);
    }
    this.listener.presence(this.participantCount);
    this.listener.resynced?.();
  }

  private onPresence(change: pb.IPresenceChanged): void {
    const selfId = this.self?.participantId;
    this.participantCount = change.participantCount ?? this.participantCount;
    for (const p of change.joined ?? []) if (p.participantId !== selfId) this.addParticipant(p);
    for (const id of change.left ?? []) {
      this.participants.delete(id);
      for (const [cid, c] of this.consumers) if (c.remote.participantId === id) this.removeConsumer(cid);
      this.listener.participantLeft(id);
    }
    for (const p of change.updated ?? []) {
      if (!p.participantId || p.participantId === selfId) continue;
      this.participants.set(p.participantId, p);
      this.listener.participantUpdated(p);
    }
    this.listener.presence(this.participantCount);
  }

  /** Runs after the events before it, once the transports are set up. */
  private later(work: () => unknown): undefined {
    this.eventChain = this.eventChain.then(async () => {
      try {
        await work();
      } catch (err) {
        console.warn('event handling failed', err);
      }
    });
    return undefined;
  }

  /** Every event type the protocol has, each handled or queued; a new one does not compile until handled. */
  private route(e: pb.Event): undefined {
    const type = e.event;
    switch (type) {
      // Admission and closing must not wait behind the setup they unblock.
      case 'admitted':
        if (e.admitted?.join) this.admittedWith?.(e.admitted.join);
        return;
      case 'sessionClosed':
        this.onClosed(e.sessionClosed ?? {});
        return;
      case 'waitingRoomChanged':
        this.replaceWaiting(e.waitingRoomChanged?.waiting ?? []);
        return;
      case 'waitingRoomDelta': {
        // The whole queue came once; changes come as deltas (small, however long the queue).
        for (const id of e.waitingRoomDelta?.removed ?? []) this.waiting.delete(id);
        for (const p of e.waitingRoomDelta?.added ?? []) this.waiting.set(p.participantId ?? '', p);
        this.listener.waitingRoomChanged([...this.waiting.values()]);
        return;
      }
      case 'presenceChanged':
        return this.later(() => this.onPresence(e.presenceChanged!));
      case 'resync':
        this.onBoardEvent(e);
        return this.later(() => this.reconcile(e.resync!));
      // The board needs no media: its events go straight to it, in order.
      case 'whiteboardState':
      case 'whiteboardUpdate':
      case 'whiteboardPointer':
        this.onBoardEvent(e);
        return;
      case 'participantUpdated':
        return this.later(() => {
          // About ourselves.
          const self = e.participantUpdated?.participant;
          if (!self) return;
          this.self = self;
          this.listener.participantUpdated(self);
        });
      case 'producerAdded':
        return this.later(() => e.producerAdded?.producer && this.consume(e.producerAdded.producer));
      case 'producerRemoved':
        return this.later(() => {
          for (const [cid, c] of this.consumers) {
            if (c.remote.producerId === e.producerRemoved?.producerId) this.removeConsumer(cid);
          }
        });
      case 'producerStateChanged':
        return this.later(() => {
          const { producerId, paused } = e.producerStateChanged!;
          this.setProducerPaused((r) => r.producerId === producerId, Boolean(paused));
        });
      case 'consumerClosed':
        return this.later(() => this.removeConsumer(e.consumerClosed?.consumerId ?? ''));
      case 'consumerStateChanged':
        return this.later(() => {
          const { consumerId, producerPaused } = e.consumerStateChanged!;
          this.setProducerPaused((r) => r.consumerId === consumerId, Boolean(producerPaused));
        });
      case 'roomSettingsChanged':
        return this.later(() => {
          this.settings = e.roomSettingsChanged?.settings ?? this.settings;
          this.listener.settingsChanged(this.settings);
        });
      case 'reactionSent':
        return this.later(() =>
          this.listener.reaction(e.reactionSent?.participantId ?? '', e.reactionSent?.reaction ?? 0),
        );
      case 'attentionRequested':
        return this.later(() => this.listener.attention(e.attentionRequested!));
      case 'mutedByHost':
        return this.later(() => {
          // The server already stopped forwarding; stop sending too.
          const source =
            e.mutedByHost?.source === pb.MediaSource.MEDIA_SOURCE_CAMERA ? 'camera' : 'microphone';
          this.producers.get(source)?.pause();
          this.listener.mutedByHost(source, Boolean(e.mutedByHost?.blocked));
        });
      case 'allowedByHost':
        return this.later(() => {
          const source =
            e.allowedByHost?.source === pb.MediaSource.MEDIA_SOURCE_CAMERA ? 'camera' : 'microphone';
          this.listener.allowedByHost(source, e.allowedByHost?.fromDisplayName ?? '');
        });
      case 'breakoutMessage':
        return this.later(() =>
          this.listener.breakoutMessage(
            e.breakoutMessage?.fromDisplayName ?? '',
            e.breakoutMessage?.message ?? '',
          ),
        );
      case 'activeSpeakerChanged':
        return this.later(() => this.listener.activeSpeaker(e.activeSpeakerChanged?.participantId ?? ''));
      case 'speakingChanged':
        return this.later(() => this.listener.speaking(e.speakingChanged?.participantIds ?? []));
      case 'breakoutsChanged':
        return this.later(() => {
          this.breakouts = e.breakoutsChanged!;
          this.listener.breakoutsChanged(this.breakouts);
        });
      case 'moved':
        return this.later(() => this.relocate(e.moved!));
      case 'subtitleLine':
        // Straight away: a caption waits for no media set-up.
        this.listener.subtitleLine(e.subtitleLine!);
        return;
      case 'subtitlesChanged':
        this.listener.subtitlesChanged(e.subtitlesChanged?.state ?? {});
        return;
      case 'chatMessage':
      case 'chatChanged':
      case 'chatMyFlags':
      case 'commentPending':
        // The lesson's chat: the chat panel of the call view takes these (messaging/).
        return this.later(() => this.listener.chatEvent?.(e));
      case 'recordingState':
        // The "being recorded" indicator and the host's record and broadcast buttons.
        return this.later(() => this.listener.recordingState?.(e.recordingState!));
      case 'serverStopping':
        return this.later(() =>
          this.listener.serverStopping?.(e.serverStopping?.closesAt ?? 0, Boolean(e.serverStopping?.resumes)),
        );
      case 'videoSuppressed':
        // Last-N: the server holds these cameras back; their tiles show initials.
        this.listener.videoSuppressed?.(e.videoSuppressed?.participantIds ?? []);
        return;
      case undefined:
        // An event this client is too old to know: nothing to do.
        return;
      default: {
        const unhandled: never = type;
        console.warn('unhandled event', unhandled);
      }
    }
  }

  /**
   * The server moved us: it closed our transports, producers and consumers.
   * Set up again on the new router and send the same local tracks, muted or
   * not as they were; the page does not reload and roster state is kept.
   */
  private async relocate(moved: pb.IMoved): Promise<void> {
    const local = [...this.producers.entries()].map(([source, p]) => ({
      source,
      track: p.track,
      paused: p.paused,
    }));
    this.closeMedia(false);
    this.location = moved.location ?? '';
    this.recvTransport = await this.createTransport('recv');
    this.sendTransport = await this.createTransport('send');
    for (const { source, track, paused } of local) {
      if (track && track.readyState === 'live') await this.publish(source, track, paused);
    }
    for (const producer of moved.producers ?? []) await this.consume(producer);
    this.listener.moved(this.location, moved.locationName ?? '', Boolean(moved.mediaRestart));
  }

  private onClosed(closed: pb.ISessionClosed): void {
    this.ended = true;
    this.teardown();
    this.listener.closed(closed.reason ?? 0, closed.message ?? '');
  }

  private teardown(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    this.closeMedia(true);
  }

  /** Closes consumers, producers and transports; local tracks end only when asked (not on a move). */
  private closeMedia(stopTracks: boolean): void {
    for (const id of [...this.consumers.keys()]) this.removeConsumer(id);
    for (const p of this.producers.values()) {
      p.close();
      if (stopTracks) p.track?.stop();
    }
    this.producers.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
  }
}
