// Subtitles in a room's life: a host turns them on or off (or the server
// starts them with every call), participants opt in to receive the lines,
// and at the call's end the transcript is written next to the recordings.
// Lines go to a per-room topic only opted-in connections subscribe to, so
// nobody else receives a byte of them.
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { FileStorage } from '../common/storage/fileStorage.js';
import { MainRoomTap } from '../signaling/domain/mainRoomTap.js';
import { isModerator } from '../signaling/domain/roles.js';
import type { JoinedPeer, Room } from '../signaling/domain/room.js';
import { MAIN } from '../signaling/domain/roomDefinition.js';
import { ErrorCode, SignalingError, forbidden, invalid } from '../signaling/errors.js';
import { type RoomFanout, moderatorTopic } from '../signaling/fanout/topics.js';
import { encodeEvent } from '../signaling/wire/frames.js';
import type { TranscriberConfig } from './config.js';
import { RoomTranscription } from './roomTranscription.js';
import { languageFromWire, languageToWire, subtitleLineToWire } from './subtitlesWire.js';
import type { TranscriberService } from './transcriberService.js';
import type { Transcript } from './transcript.js';
import type { WhisperLanguage } from './whisperEngine.js';

import pb = schoolcall.v1;

/** Opted-in connections of a room. */
export function subtitleTopic(roomId: string): string {
  return `room/${roomId}/subtitles`;
}

interface RoomSubtitles {
  room: Room;
  running: RoomTranscription | null;
  /** The main room's microphones, tapped while subtitles run. */
  tap: MainRoomTap | null;
  language: WhisperLanguage;
  translate: boolean;
  /** This call's transcript, kept while subtitles are turned off and on again. */
  transcript: Transcript | null;
  /** Peers that asked for the lines (they receive them while in the main room). */
  subscribers: Set<string>;
  /** What the room's listeners were last told (`subtitlesChanged`), as "on/language". */
  told: string;
}

export interface SubtitlesControlDeps {
  service: TranscriberService;
  config: TranscriberConfig;
  out: RoomFanout;
  speakingThresholdDbov: number;
  /** Where finished transcripts go (TRANSCRIPT_DIR or the shared bucket). */
  transcripts: FileStorage;
  log: Logger;
}

export class SubtitlesControl {
  private readonly rooms = new Map<Room, RoomSubtitles>();
  private readonly writes = new Set<Promise<void>>();

  constructor(private readonly deps: SubtitlesControlDeps) {}

  attach(room: Room): void {
    const s: RoomSubtitles = {
      room,
      running: null,
      tap: null,
      language: this.deps.config.defaultLanguage,
      translate: false,
      transcript: null,
      subscribers: new Set(),
      told: 'off',
    };
    this.rooms.set(room, s);
    const on = room.events.on.bind(room.events);
    on('participantLeft', ({ peer }) => {
      s.subscribers.delete(peer.id);
      peer.channel.unsubscribe(subtitleTopic(room.id));
    });
    on('participantMoved', ({ peer, to }) => {
      if (!s.subscribers.has(peer.id)) return;
      if (to === MAIN) peer.channel.subscribe(subtitleTopic(room.id));
      else peer.channel.unsubscribe(subtitleTopic(room.id));
    });
    on('mediaReady', ({ location }) => {
      if (location !== MAIN || s.running) return;
      if (this.deps.config.autoStart && this.deps.service.usable) this.start(s);
    });
    on('callEnded', () => this.endCall(s));
  }

  state({ room, peer }: JoinedPeer): pb.ISubtitlesState {
    const s = this.of(room);
    return { ...this.roomState(s), subscribed: s.subscribers.has(peer.id) };
  }

  set(joined: JoinedPeer, req: pb.ISetSubtitlesRequest): pb.ISubtitlesState {
    const { room, peer } = joined;
    if (!isModerator(peer.identity.role)) throw forbidden('only hosts and co-hosts turn subtitles on or off');
    const s = this.of(room);
    const language = languageFromWire(req.language, s.language);
    if (!language) throw invalid('unknown subtitle language');
    const translate = Boolean(req.translateToEnglish);
    if (req.enabled && !this.deps.service.usable) {
      throw new SignalingError(
        ErrorCode.ERROR_CODE_SUBTITLES_UNAVAILABLE,
        `subtitles are unavailable on this server (${this.deps.service.availability})`,
      );
    }
    const changed =
      Boolean(req.enabled) !== Boolean(s.running) || language !== s.language || translate !== s.translate;
    s.language = language;
    s.translate = translate;
    if (req.enabled && !s.running) this.start(s);
    else if (req.enabled) s.running?.setLanguage(language, translate);
    else if (s.running) this.stop(s);
    this.tellRoom(s);
    if (changed) {
      this.deps.log.info(
        { room: room.id, by: peer.id, enabled: Boolean(req.enabled), language },
        'subtitles changed',
      );
      this.deps.out.publish(room.id, encodeEvent({ subtitlesChanged: { state: this.roomState(s) } }));
    }
    return this.state(joined);
  }

  /**
   * The call's transcript so far, for the lesson's teachers (hosts and
   * co-hosts: those who see it on the lesson's page, attendance/recap.ts).
   */
  transcriptSoFar({ room, peer }: JoinedPeer, vtt: boolean): pb.ITranscriptSoFar {
    if (!isModerator(peer.identity.role)) throw forbidden('only hosts and co-hosts read the transcript');
    const s = this.of(room);
    const transcript = s.transcript;
    if (!transcript || transcript.length === 0) return { text: '', lines: 0 };
    return {
      text: vtt ? transcript.toVtt() : transcript.toText(room.definition.title),
      lines: transcript.length,
    };
  }

  subscribe(joined: JoinedPeer, req: pb.ISubscribeSubtitlesRequest): pb.ISubtitlesState {
    const { room, peer } = joined;
    const s = this.of(room);
    if (req.subscribe) {
      s.subscribers.add(peer.id);
      if (peer.location === MAIN) peer.channel.subscribe(subtitleTopic(room.id));
    } else {
      s.subscribers.delete(peer.id);
      peer.channel.unsubscribe(subtitleTopic(room.id));
    }
    return this.state(joined);
  }

  /** Stops every room's subtitles and waits for transcripts being written. */
  async close(): Promise<void> {
    for (const s of this.rooms.values()) if (s.running) this.endCall(s);
    await Promise.allSettled([...this.writes]);
  }

  private of(room: Room): RoomSubtitles {
    const s = this.rooms.get(room);
    if (!s) throw new Error(`subtitles not attached to room ${room.id}`);
    return s;
  }

  private roomState(s: RoomSubtitles): pb.ISubtitlesState {
    return {
      available: this.deps.service.usable,
      enabled: s.running !== null,
      language: languageToWire(s.language),
      translateToEnglish: s.translate,
    };
  }

  private start(s: RoomSubtitles): void {
    const tap = new MainRoomTap(s.room);
    const run = new RoomTranscription(
      tap,
      this.deps.service,
      {
        language: s.language,
        translate: s.translate,
        speakingThresholdDbov: this.deps.speakingThresholdDbov,
        speakerIdleMs: this.deps.config.speakerIdleMs,
      },
      this.deps.log,
      s.transcript ?? undefined,
    );
    s.transcript = run.transcript;
    run.on('subtitle', (e) => {
      this.deps.out.publishTopic(
        subtitleTopic(s.room.id),
        encodeEvent({ subtitleLine: subtitleLineToWire(e) }),
      );
      // Other features (the broadcast's subtitle track) hear final lines as a room event.
      if (e.final && !e.dropped && e.text.trim()) {
        const { participantId, speaker, text, startMs, endMs, language } = e;
        s.room.events.emit('subtitleFinal', { participantId, speaker, text, startMs, endMs, language });
      }
    });
    // The hosts hear that the transcriber was replaced: speech meanwhile is missing from the text.
    run.on('restarted', () =>
      this.deps.out.publishTopic(moderatorTopic(s.room.id), encodeEvent({ subtitlesRestarted: {} })),
    );
    s.running = run;
    s.tap = tap;
    this.tellRoom(s);
  }

  /** Tells the room's listeners when subtitles went on or off or changed language. */
  private tellRoom(s: RoomSubtitles): void {
    const language = s.translate ? 'en' : s.language;
    const told = s.running ? `on/${language}` : 'off';
    if (told === s.told) return;
    s.told = told;
    s.room.events.emit('subtitlesChanged', { enabled: s.running !== null, language });
  }

  /** Subtitles off: lines still being transcribed finish, the transcript waits for the call's end. */
  private stop(s: RoomSubtitles): void {
    const run = s.running;
    const tap = s.tap;
    s.running = null;
    s.tap = null;
    this.tellRoom(s);
    void run
      ?.stop(true)
      .catch((err) => this.deps.log.error({ err, room: s.room.id }, 'stopping subtitles failed'))
      .finally(() => tap?.close());
  }

  private endCall(s: RoomSubtitles): void {
    const run = s.running;
    const tap = s.tap;
    const transcript = s.transcript;
    s.running = null;
    s.tap = null;
    s.transcript = null;
    this.tellRoom(s);
    for (const id of s.subscribers) s.room.peers.get(id)?.channel.unsubscribe(subtitleTopic(s.room.id));
    s.subscribers.clear();
    if (!run && !transcript) return;
    const write = (async () => {
      await run?.stop(true).finally(() => tap?.close());
      if (!transcript || transcript.length === 0) return;
      const name = new Date(transcript.startedAtMs)
        .toISOString()
        .replace(/:/g, '-')
        .replace(/\.\d+Z$/, 'Z');
      const files = await transcript.write(this.deps.transcripts, name, s.room.definition.title);
      this.deps.log.info({ room: s.room.id, lines: transcript.length, files }, 'transcript written');
    })()
      .catch((err) => this.deps.log.error({ err, room: s.room.id }, 'writing the transcript failed'))
      .finally(() => this.writes.delete(write));
    this.writes.add(write);
  }
}
