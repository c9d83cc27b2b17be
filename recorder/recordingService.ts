// This host's recorders: a RoomRecorder per room while that room records or
// broadcasts (fed by the room's own events through MainRoomTap), the
// state everyone in the call is told, the broadcast links, and the end of a
// call. Requests, room listeners and HTTP routes all go through here.
// Refusals are checked before anything changes.
import type { Logger } from '../common/log.js';
import { MainRoomTap } from '../signaling/domain/mainRoomTap.js';
import type { Room } from '../signaling/domain/room.js';
import type { SubtitleFinal } from '../signaling/domain/roomEvents.js';
import type { Slot, Slots } from '../signaling/security/sharedLimits.js';
import type { Broadcast, Broadcasts } from './broadcasts.js';
import type { SubtitlesState } from './liveSubtitles.js';
import type { RecordingMeta, RecordingStore } from './recordingStore.js';
import { RecorderError, RoomRecorder } from './roomRecorder.js';

/** A school's place is renewed well within its lease (a minute: recorder/feature.ts). */
const SCHOOL_PLACE_RENEW_MS = 20_000;

export interface RecordingStateView {
  recording: boolean;
  broadcasting: boolean;
  /** The public link while live. */
  broadcastUrl: string;
  /** Why something stopped without a host asking ('disk-full', ...), else ''. */
  stopReason: string;
  /** The pipeline died and is being replaced: nothing is recorded meanwhile. */
  interrupted: boolean;
}

export interface RecordingServiceDeps {
  store: RecordingStore;
  broadcasts: Broadcasts;
  /** Where the pipelines' segment files live while they are read. */
  workDir: string;
  /** The server's public base URL (known once it listens). */
  publicUrl: () => string;
  log: Logger;
  /** Tells everyone in the room, present and waiting, the new state. */
  announce(room: Room, state: RecordingStateView): void;
  /** Rooms recording or broadcasting at once on this host: each pipeline takes about a fifth of a core. */
  maxAtOnce: number;
  /** Rooms of one school (RoomDefinition.owner) recording or broadcasting at once, on every host together. */
  perSchool: { places: Slots; max: number };
  /** A recording stopped without a host asking ('disk-full', ...), or its pipeline went down ('pipeline-down'). */
  interrupted?(reason: string): void;
}

interface Running {
  room: Room;
  source: MainRoomTap;
  recorder: RoomRecorder;
  broadcast: Broadcast | null;
  /** The school's place this room holds (null: the room has no school), renewed while it runs. */
  place: { slot: Slot; renewal: NodeJS.Timeout } | null;
}

export class RecordingService {
  private readonly running = new Map<string, Running>();
  /** Recorders finishing their recordings after their call ended. */
  private readonly stopping = new Set<Promise<void>>();
  /** Rooms whose subtitles are on (a recorder started later learns it). */
  private readonly subtitlesOn = new Map<string, SubtitlesState>();

  constructor(private readonly deps: RecordingServiceDeps) {}

  state(roomId: string, stopReason = ''): RecordingStateView {
    const r = this.running.get(roomId);
    const broadcasting = r?.recorder.isBroadcasting ?? false;
    return {
      recording: r?.recorder.isRecording ?? false,
      broadcasting,
      broadcastUrl: broadcasting && r?.broadcast ? this.broadcastUrl(r.broadcast) : '',
      stopReason,
      interrupted: r?.recorder.interrupted ?? false,
    };
  }

  isOn(roomId: string): boolean {
    const s = this.state(roomId);
    return s.recording || s.broadcasting;
  }

  broadcastUrl(b: Broadcast): string {
    return `${this.deps.publicUrl()}/b/${b.code}`;
  }

  /** Rooms with a recorder running here, for metrics. */
  get activeRooms(): number {
    return this.running.size;
  }

  /** The room's subtitles went on or off. */
  subtitlesChanged(roomId: string, state: SubtitlesState): void {
    if (state.enabled) this.subtitlesOn.set(roomId, state);
    else this.subtitlesOn.delete(roomId);
    this.running.get(roomId)?.recorder.setSubtitles(state);
  }

  /** A final subtitle line of the room: to its broadcast and recordings, if any. */
  subtitleLine(roomId: string, line: SubtitleFinal): void {
    this.running.get(roomId)?.recorder.addSubtitle(line);
  }

  async startRecording(room: Room): Promise<RecordingMeta> {
    const r = await this.runningFor(room);
    try {
      const meta = await r.recorder.startRecording();
      this.announce(r);
      return meta;
    } finally {
      this.releaseIfIdle(r);
    }
  }

  async stopRecording(room: Room): Promise<RecordingMeta> {
    const r = this.running.get(room.id);
    if (!r?.recorder.isRecording) throw new RecorderError('not-recording', 'this room is not being recorded');
    try {
      const meta = await r.recorder.stopRecording();
      this.announce(r);
      return meta;
    } finally {
      this.releaseIfIdle(r);
    }
  }

  /**
   * Goes live at the room's scheduled link, or at a new one (with the viewer
   * password, if given). The broadcast is recorded too.
   */
  async startBroadcast(room: Room, password?: string): Promise<Broadcast> {
    if (this.running.get(room.id)?.recorder.isBroadcasting) {
      throw new RecorderError('already-broadcasting', 'this room is already broadcasting');
    }
    if (!this.deps.store.hasRoom())
      throw new RecorderError('disk-full', 'not enough free disk space to record');
    const r = await this.runningFor(room);
    const scheduled = this.deps.broadcasts.forRoom(room.id);
    const b = scheduled ?? this.deps.broadcasts.create(room.id, room.definition.title, password);
    try {
      const live = await r.recorder.startBroadcast();
      this.deps.broadcasts.goLive(b, live, r.recorder.broadcastRecording?.id ?? null);
      r.broadcast = b;
      this.announce(r);
      this.deps.log.info({ room: room.id, broadcast: b.code }, 'broadcast live');
      return b;
    } catch (err) {
      if (!scheduled) this.deps.broadcasts.discard(b);
      throw err;
    } finally {
      this.releaseIfIdle(r);
    }
  }

  /** Ends the live stream; its link plays the recording from now on. */
  async stopBroadcast(room: Room): Promise<RecordingMeta | null> {
    const r = this.running.get(room.id);
    if (!r?.recorder.isBroadcasting)
      throw new RecorderError('not-broadcasting', 'this room is not broadcasting');
    try {
      const meta = await r.recorder.stopBroadcast();
      if (r.broadcast) this.deps.broadcasts.end(r.broadcast);
      r.broadcast = null;
      this.announce(r);
      return meta;
    } finally {
      this.releaseIfIdle(r);
    }
  }

  /** The call ended (or the server is stopping): recordings are finished, the broadcast ends. */
  stopAll(room: Room | string, reason: string): Promise<void> {
    const roomId = typeof room === 'string' ? room : room.id;
    this.subtitlesOn.delete(roomId);
    const r = this.running.get(roomId);
    if (!r) return Promise.resolve();
    this.running.delete(roomId);
    this.freePlace(r);
    r.source.close();
    const stopped = r.recorder
      .close(reason)
      .catch((err) => this.deps.log.error({ err, room: roomId }, 'recorder did not close cleanly'))
      .then(() => {
        if (r.broadcast) this.deps.broadcasts.end(r.broadcast);
        this.deps.log.info({ room: roomId, reason }, 'recording and broadcast stopped');
      })
      .finally(() => this.stopping.delete(stopped));
    this.stopping.add(stopped);
    return stopped;
  }

  /** Stops every room's recorder and waits for all recordings (also those already stopping) to be finished. */
  async closeAll(reason: string): Promise<void> {
    for (const id of [...this.running.keys()]) void this.stopAll(id, reason);
    await Promise.all([...this.stopping]);
  }

  private async runningFor(room: Room): Promise<Running> {
    let r = this.running.get(room.id);
    if (r) return r;
    // Per host: what it protects is this host's CPU.
    if (this.running.size >= this.deps.maxAtOnce) {
      // Counted by the session, as every typed refusal (school_call_signaling_rejected_total).
      throw new RecorderError(
        'too-many',
        `this server records ${this.deps.maxAtOnce} lessons at once already`,
      );
    }
    // Per school, on every host together (sharedLimits.ts); a room with no school has the host's cap only.
    const school = room.definition.owner?.school;
    let place: Running['place'] = null;
    if (school) {
      const { places, max } = this.deps.perSchool;
      const held = await places.hold(room.id, [{ key: school, max }]);
      if (!('renew' in held)) {
        throw new RecorderError('too-many', `this school records ${max} lessons at once already`);
      }
      const renewal = setInterval(() => void held.renew().catch(() => undefined), SCHOOL_PLACE_RENEW_MS);
      renewal.unref();
      place = { slot: held, renewal };
    }
    // Someone else started it while the place was asked for: theirs holds the same place (by room).
    r = this.running.get(room.id);
    if (r) {
      if (place && !r.place) r.place = place;
      else if (place) clearInterval(place.renewal);
      return r;
    }
    const source = new MainRoomTap(room);
    const recorder = new RoomRecorder(source, this.deps.store, this.deps.workDir, this.deps.log);
    const subtitles = this.subtitlesOn.get(room.id);
    if (subtitles) recorder.setSubtitles(subtitles);
    const created: Running = { room, source, recorder, broadcast: null, place };
    recorder.on('recordingStopped', (meta, reason) => {
      this.deps.log.warn({ room: room.id, recording: meta.id, reason }, 'recording stopped by itself');
      this.deps.interrupted?.(reason || 'unknown');
      this.announce(created, reason);
      this.releaseIfIdle(created);
    });
    // Everyone is told the recording is interrupted, and when it goes on (hosts get a notice).
    recorder.on('pipelineDown', () => {
      this.deps.interrupted?.('pipeline-down');
      this.announce(created);
    });
    recorder.on('pipelineBack', () => this.announce(created));
    r = created;
    this.running.set(room.id, r);
    return r;
  }

  /** A recorder with nothing left to do goes (its pipeline has already finished). */
  private releaseIfIdle(r: Running): void {
    if (r.recorder.isRecording || r.recorder.isBroadcasting || this.running.get(r.room.id) !== r) return;
    this.running.delete(r.room.id);
    this.freePlace(r);
    r.source.close();
    void r.recorder.close('idle').catch((err) => this.deps.log.warn({ err }, 'idle recorder close failed'));
  }

  private freePlace(r: Running): void {
    if (!r.place) return;
    clearInterval(r.place.renewal);
    void r.place.slot
      .release()
      .catch((err) => this.deps.log.warn({ err }, 'cannot free a school recording place'));
    r.place = null;
  }

  private announce(r: Running, stopReason = ''): void {
    this.deps.announce(r.room, this.state(r.room.id, stopReason));
  }
}
