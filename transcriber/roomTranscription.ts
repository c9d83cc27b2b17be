// Subtitles for one room while they are on. Audio leaves the SFU over one
// plain RTP transport per room, one consumer per microphone, and only while
// its owner speaks: the transcriber's own audio-level observer on the room's
// router (fast, reading the level each browser puts in its RTP header)
// resumes a consumer when its owner is heard and pauses it after a silence,
// so a lesson of 2000 decodes only the few people talking. Each microphone
// is its own stream, so every line has its true speaker.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from '../common/log.js';
import type { SubtitleLine } from './ipcMessages.js';
import type { Microphone, RoomAudioSource } from './roomAudioSource.js';
import type { Availability, TranscriberService } from './transcriberService.js';
import { Transcript } from './transcript.js';
import type { WhisperLanguage } from './whisperEngine.js';

const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
/** What the transcriber can receive: Opus, no header extensions. */
const OPUS_ONLY: types.RtpCapabilities = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
  ],
  headerExtensions: [],
};
const LEVEL_INTERVAL_MS = 100;
const SWEEP_EVERY_MS = 1000;
/** At call end, wait at most this long for utterances still being transcribed. */
const DRAIN_MAX_MS = 10_000;

export interface SubtitleEvent {
  roomId: string;
  participantId: string;
  speaker: string;
  /** Counts up per microphone; a partial and the final that replaces it share it. */
  index: number;
  text: string;
  startMs: number;
  endMs: number;
  final: boolean;
  language: string;
  /** The transcriber fell behind and skipped this utterance (text is empty). */
  dropped: boolean;
}

export interface RoomTranscriptionOptions {
  language: WhisperLanguage;
  translate: boolean;
  /** Quieter than this (dBov) is not speaking. */
  speakingThresholdDbov: number;
  /** A consumer is paused after this much silence from its speaker. */
  speakerIdleMs: number;
}

interface Tap {
  key: string;
  mic: Microphone;
  consumer: types.Consumer | null;
  /** Without the audio-level header extension the observer cannot judge; such audio always flows. */
  gated: boolean;
  lastHeardMs: number;
  opening: Promise<void> | null;
}

interface Events {
  subtitle: [event: SubtitleEvent];
  /** The transcriber process was replaced under this room: a few seconds of speech may be missing. */
  restarted: [];
}

export class RoomTranscription extends EventEmitter<Events> {
  private transport: types.PlainTransport | null = null;
  private observer: types.AudioLevelObserver | null = null;
  private readonly taps = new Map<string, Tap>();
  private readonly tapOfKey = new Map<string, Tap>();
  /** Taps closed while their last utterance may still be in the transcriber. */
  private readonly closedTaps = new Map<string, Tap>();
  private sweep: NodeJS.Timeout | null = null;
  private stopped = false;
  private syncing: Promise<void> = Promise.resolve();
  readonly transcript: Transcript;
  private readonly onLine = (line: SubtitleLine): void => this.handleLine(line);
  private readonly onDropped = (key: string, index: number, startMs: number, endMs: number): void => {
    const tap = this.tapOfKey.get(key) ?? this.closedTaps.get(key);
    if (tap) this.emitLine(tap, { key, index, startMs, endMs, text: '', final: true, language: '' }, true);
  };
  private readonly onChanged = (): void => this.resync();
  private readonly onRouterReplaced = (): void => {
    this.closeMedia();
    this.resync();
    this.emit('restarted');
  };
  // A restarted transcriber process listens on a new port: this room's RTP went
  // to the dead one, so the plain transport is made again towards the new one.
  private readonly onAvailability = (state: Availability): void => {
    if (state !== 'available' || !this.transport || this.transport.closed) return;
    if (this.transport.tuple.remotePort === this.service.rtpPortNow) return;
    this.log.warn({ roomId: this.source.roomId }, 'subtitles: transcriber restarted; tapping audio again');
    this.closeMedia();
    this.resync();
    this.emit('restarted');
  };

  constructor(
    private readonly source: RoomAudioSource,
    private readonly service: TranscriberService,
    private options: RoomTranscriptionOptions,
    private readonly log: Logger,
    /** The call's transcript, when subtitles were on before in this call; else a new one. */
    transcript?: Transcript,
  ) {
    super();
    this.transcript = transcript ?? new Transcript(source.roomId, Date.now());
    service.on('subtitle', this.onLine);
    service.on('dropped', this.onDropped);
    source.on('changed', this.onChanged);
    source.on('routerReplaced', this.onRouterReplaced);
    service.on('availability', this.onAvailability);
    this.sweep = setInterval(() => this.pauseQuiet(), SWEEP_EVERY_MS);
    this.resync();
  }

  get language(): WhisperLanguage {
    return this.options.language;
  }

  get translate(): boolean {
    return this.options.translate;
  }

  /** Microphones whose audio flows to the transcriber right now. */
  get flowingCount(): number {
    let n = 0;
    for (const t of this.taps.values()) if (t.consumer && !t.consumer.paused) n++;
    return n;
  }

  /** Language of the room's subtitles from the next utterance on. */
  setLanguage(language: WhisperLanguage, translate: boolean): void {
    this.options = { ...this.options, language, translate };
    for (const t of this.taps.values()) if (t.consumer) this.register(t, t.consumer);
  }

  /** Waits for the first pass over the room's microphones (tests, and callers that want errors). */
  ready(): Promise<void> {
    return this.syncing;
  }

  /**
   * Stops taking audio. With `drain`, waits (bounded) for utterances already
   * cut to be transcribed, so the transcript has the last words.
   */
  async stop(drain = false): Promise<Transcript> {
    if (this.stopped) return this.transcript;
    this.stopped = true;
    if (this.sweep) clearInterval(this.sweep);
    this.source.off('changed', this.onChanged);
    this.source.off('routerReplaced', this.onRouterReplaced);
    this.service.off('availability', this.onAvailability);
    await this.syncing.catch(() => {});
    const keys = [...this.tapOfKey.keys()];
    // Removing a stream ends the utterance in progress: it is queued as a final.
    for (const key of keys) this.service.removeStream(key);
    this.closeMedia();
    if (drain) await this.drain();
    this.service.off('subtitle', this.onLine);
    this.service.off('dropped', this.onDropped);
    return this.transcript;
  }

  private async drain(): Promise<void> {
    const deadline = Date.now() + DRAIN_MAX_MS;
    // Stats arrive every second; two idle reports in a row mean nothing of ours is left.
    let idle = 0;
    while (Date.now() < deadline && idle < 2) {
      // A transcriber that died sends no stats: give up at the deadline.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.service.off('stats', done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
        this.service.once('stats', done);
      });
      if (!this.service.usable) return;
      const s = this.service.lastStats;
      idle = s && s.queuedJobs === 0 && s.running === 0 ? idle + 1 : 0;
    }
  }

  private resync(): void {
    if (this.stopped) return;
    this.syncing = this.syncing
      .then(() => this.sync())
      .catch((err) => this.log.error({ err, roomId: this.source.roomId }, 'subtitles: could not tap audio'));
  }

  private async sync(): Promise<void> {
    if (this.stopped) return;
    const router = this.source.router();
    if (!router || router.closed) return;
    if (!this.transport || this.transport.closed) await this.openMedia(router);
    const mics = new Map(this.source.microphones().map((m) => [m.producer.id, m]));
    for (const [producerId, tap] of this.taps) {
      const mic = mics.get(producerId);
      if (!mic || mic.producer.closed) this.closeTap(tap);
      else tap.mic = mic;
    }
    for (const [producerId, mic] of mics) {
      if (this.taps.has(producerId) || mic.producer.closed || mic.producer.kind !== 'audio') continue;
      const gated =
        mic.producer.rtpParameters.headerExtensions?.some((h) => h.uri === AUDIO_LEVEL_URI) ?? false;
      const tap: Tap = {
        key: `${this.source.roomId}\n${mic.participantId}\n${producerId}`,
        mic,
        consumer: null,
        gated,
        lastHeardMs: 0,
        opening: null,
      };
      this.taps.set(producerId, tap);
      this.tapOfKey.set(tap.key, tap);
      if (gated) await this.observer?.addProducer({ producerId }).catch(() => {});
      else await this.flow(tap);
    }
  }

  private async openMedia(router: types.Router): Promise<void> {
    const port = await this.service.rtpPort();
    const transport = await router.createPlainTransport({
      listenIp: '127.0.0.1',
      rtcpMux: true,
      comedia: false,
      appData: { purpose: 'transcriber' },
    });
    await transport.connect({ ip: this.service.rtpIpAddress, port });
    const observer = await router.createAudioLevelObserver({
      maxEntries: 16,
      threshold: this.options.speakingThresholdDbov,
      interval: LEVEL_INTERVAL_MS,
    });
    observer.on('volumes', (volumes) => {
      const now = Date.now();
      for (const v of volumes) {
        const tap = this.taps.get(v.producer.id);
        if (!tap) continue;
        tap.lastHeardMs = now;
        if (!tap.consumer || tap.consumer.paused) void this.flow(tap);
      }
    });
    this.transport = transport;
    this.observer = observer;
  }

  /** Audio from this microphone flows to the transcriber (consumer created or resumed). */
  private flow(tap: Tap): Promise<void> {
    tap.lastHeardMs = Date.now();
    tap.opening ??= this.openTap(tap)
      .catch((err) =>
        this.log.warn({ err, roomId: this.source.roomId }, 'subtitles: could not consume a microphone'),
      )
      .finally(() => {
        tap.opening = null;
      });
    return tap.opening;
  }

  private async openTap(tap: Tap): Promise<void> {
    if (this.stopped || !this.transport || this.transport.closed) return;
    if (tap.consumer && !tap.consumer.closed) {
      if (tap.consumer.paused) await tap.consumer.resume();
      return;
    }
    const producerId = tap.mic.producer.id;
    const consumer = await this.transport.consume({ producerId, rtpCapabilities: OPUS_ONLY, paused: false });
    if (this.stopped || this.taps.get(producerId) !== tap) {
      consumer.close();
      return;
    }
    tap.consumer = consumer;
    consumer.on('producerclose', () => this.resync());
    this.register(tap, consumer);
  }

  private register(tap: Tap, consumer: types.Consumer): void {
    const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    if (!this.transport || ssrc === undefined) return;
    this.service.addStream({
      key: tap.key,
      sourcePort: this.transport.tuple.localPort,
      ssrc,
      language: this.options.language,
      translate: this.options.translate,
    });
  }

  private pauseQuiet(): void {
    const now = Date.now();
    for (const tap of this.taps.values()) {
      const c = tap.consumer;
      if (!tap.gated || !c || c.closed || c.paused || tap.opening) continue;
      if (now - tap.lastHeardMs > this.options.speakerIdleMs) void c.pause().catch(() => {});
    }
  }

  private closeTap(tap: Tap): void {
    tap.consumer?.close();
    this.service.removeStream(tap.key);
    this.taps.delete(tap.mic.producer.id);
    this.tapOfKey.delete(tap.key);
    this.closedTaps.set(tap.key, tap);
  }

  private closeMedia(): void {
    for (const tap of [...this.taps.values()]) this.closeTap(tap);
    this.observer?.close();
    this.transport?.close();
    this.observer = null;
    this.transport = null;
  }

  private handleLine(line: SubtitleLine): void {
    const tap = this.tapOfKey.get(line.key) ?? this.closedTaps.get(line.key);
    if (tap) this.emitLine(tap, line, false);
  }

  private emitLine(tap: Tap, line: SubtitleLine, dropped: boolean): void {
    const event: SubtitleEvent = {
      roomId: this.source.roomId,
      participantId: tap.mic.participantId,
      speaker: tap.mic.displayName,
      index: line.index,
      text: line.text,
      startMs: line.startMs,
      endMs: line.endMs,
      final: line.final,
      language: line.language,
      dropped,
    };
    if (event.final && !dropped) {
      this.transcript.add({
        participantId: event.participantId,
        speaker: event.speaker,
        startMs: event.startMs,
        endMs: event.endMs,
        text: event.text,
      });
    }
    this.emit('subtitle', event);
  }
}
