// One room's recording and broadcast. A single program pipeline runs while
// either is on; its 1 s segments go to the live window (broadcast) and to
// each running recording's file. A pipeline that dies is replaced, again and
// again with back-off if replacements die too, for as long as something
// needs it (a new piece: seconds are lost, never the recording); meanwhile
// the room is told the recording is interrupted, and each recording keeps
// where and how long the gap was in its metadata (`gaps`); a
// broadcast is always recorded too, so that its link plays the whole event
// once it has ended.
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../common/log.js';
import type { SubtitleFinal } from '../signaling/domain/roomEvents.js';
import type { SubtitlesState } from './liveSubtitles.js';
import { LiveWindow } from './liveWindow.js';
import { ProgramFeed } from './programFeed.js';
import { ProgramProcess } from './programPipeline.js';
import { RecordingCaptions } from './recordingCaptions.js';
import type { RecordingKind, RecordingMeta, RecordingStore, RecordingWriter } from './recordingStore.js';
import type { RoomSource } from './roomSource.js';
import { SegmentTail } from './segmentTail.js';

export class RecorderError extends Error {
  constructor(
    readonly code:
      | 'already-recording'
      | 'not-recording'
      | 'already-broadcasting'
      | 'not-broadcasting'
      | 'disk-full'
      | 'too-many'
      | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

interface RoomRecorderEvents {
  /** A recording stopped without being asked to (disk full, write failure). */
  recordingStopped: [meta: RecordingMeta, reason: string];
  /** The pipeline died and was started again. */
  pipelineRestarted: [attempt: number];
  /** The pipeline died: nothing is recorded until a replacement runs. */
  pipelineDown: [];
  /** A replacement's first second is recorded; `missingSeconds` of the lesson are not. */
  pipelineBack: [missingSeconds: number];
}

/** Replacing a dead pipeline: first after this long, doubling up to RESTART_MAX_MS while replacements fail. */
const RESTART_DELAY_MS = 500;
const RESTART_MAX_MS = 10_000;
/** A shorter break between pipelines is not noted as a gap. */
const GAP_MIN_SECONDS = 0.5;
/**
 * From a frame reaching the pipeline to its segment being on disk, apart
 * from the segment's own length: the jitter buffer, the compositor's and
 * mixer's wait, and encoding (measured at 0.2-0.4 s here).
 */
const PIPELINE_DELAY_MS = 300;

export class RoomRecorder extends EventEmitter<RoomRecorderEvents> {
  private pipeline: ProgramProcess | null = null;
  private tail: SegmentTail | null = null;
  private starting: Promise<void> | null = null;
  private readonly feed: ProgramFeed;
  private lesson: RecordingWriter | null = null;
  private broadcastWriter: RecordingWriter | null = null;
  private liveWindow: LiveWindow | null = null;
  private init: Buffer | null = null;
  private run = 0;
  private subtitles: SubtitlesState = { enabled: false, language: 'ru' };
  /** Each running recording's captions, from the room's final subtitle lines. */
  private readonly captions = new Map<RecordingWriter, RecordingCaptions>();
  restarts = 0;
  /** Wall-clock end of the last recorded segment (ms). */
  private recordedUntil: number | null = null;
  /** Set while no pipeline runs though one is needed: when the recorded media stopped (ms). */
  private downSince: number | null = null;

  constructor(
    private readonly source: RoomSource,
    private readonly store: RecordingStore,
    private readonly workDir: string,
    private readonly log: Logger,
  ) {
    super();
    this.feed = new ProgramFeed(source, log);
  }

  get isRecording(): boolean {
    return this.lesson !== null;
  }

  /** The pipeline died and no replacement records yet. */
  get interrupted(): boolean {
    return this.downSince !== null && this.needed();
  }

  get isBroadcasting(): boolean {
    return this.liveWindow !== null && !this.liveWindow.ended;
  }

  /** Seconds of media the running lesson recording holds so far. */
  get recordedSeconds(): number {
    return this.lesson?.seconds ?? 0;
  }

  get recording(): RecordingMeta | null {
    return this.lesson?.meta ?? null;
  }

  /** The live window while broadcasting. */
  get live(): LiveWindow | null {
    return this.liveWindow;
  }

  get programProcess(): ProgramProcess | null {
    return this.pipeline;
  }

  get program() {
    return this.feed.current;
  }

  /** The room's subtitles went on or off (the broadcast's viewers are offered them while on). */
  setSubtitles(state: SubtitlesState): void {
    this.subtitles = state;
    if (this.liveWindow) this.liveWindow.subtitles.state = state;
  }

  /** A final subtitle line: to the live subtitle track, and to each recording's captions. */
  addSubtitle(line: SubtitleFinal): void {
    if (this.isBroadcasting) this.liveWindow?.subtitles.add(line);
    for (const c of this.captions.values()) c.add(line);
  }

  async startRecording(): Promise<RecordingMeta> {
    if (this.lesson) throw new RecorderError('already-recording', 'this room is already being recorded');
    const writer = this.newWriter('lesson');
    this.lesson = writer;
    await this.startOrUndo(writer, () => {
      this.lesson = null;
    });
    return writer.meta;
  }

  async stopRecording(reason?: string): Promise<RecordingMeta> {
    const writer = this.lesson;
    if (!writer) throw new RecorderError('not-recording', 'this room is not being recorded');
    await this.finishPipelineUnlessNeeded(writer);
    this.lesson = null;
    return this.finishWriter(writer, reason);
  }

  /** Goes live; the recording of the broadcast (its link plays it once it has ended) is `broadcastRecording`. */
  async startBroadcast(): Promise<LiveWindow> {
    if (this.isBroadcasting)
      throw new RecorderError('already-broadcasting', 'this room is already broadcasting');
    const writer = this.newWriter('broadcast');
    const live = new LiveWindow();
    live.subtitles.state = this.subtitles;
    this.broadcastWriter = writer;
    this.liveWindow = live;
    if (this.init) live.addInit(this.init);
    await this.startOrUndo(writer, () => {
      this.broadcastWriter = null;
      this.liveWindow = null;
    });
    return live;
  }

  /** The recording being made of the running broadcast. */
  get broadcastRecording(): RecordingMeta | null {
    return this.broadcastWriter?.meta ?? null;
  }

  /**
   * Ends the live stream; the answer is the recording its link plays from
   * now on (null if that recording had already stopped, e.g. disk full).
   */
  async stopBroadcast(): Promise<RecordingMeta | null> {
    const writer = this.broadcastWriter;
    const live = this.liveWindow;
    if (!live || live.ended) throw new RecorderError('not-broadcasting', 'this room is not broadcasting');
    live.end();
    await this.finishPipelineUnlessNeeded(...(writer ? [writer] : []));
    this.broadcastWriter = null;
    return writer ? this.finishWriter(writer) : null;
  }

  /** Stops everything (call ended, server stopping). */
  async close(reason = 'call-ended'): Promise<void> {
    const writers = this.writers();
    // The live stream ends first: a broadcast still live kept the pipeline running after the close.
    this.liveWindow?.end();
    await this.finishPipelineUnlessNeeded(...writers);
    this.lesson = null;
    this.broadcastWriter = null;
    this.feed.close();
    await Promise.all(writers.map((w) => this.finishWriter(w, reason)));
  }

  /** Starts the pipeline for a new writer; if it cannot start, the writer and its files go again. */
  private async startOrUndo(writer: RecordingWriter, undo: () => void): Promise<void> {
    try {
      await this.ensurePipeline();
    } catch (err) {
      undo();
      this.captions.delete(writer);
      await writer.discard();
      this.log.error({ err, room: this.source.roomId }, 'program pipeline could not start');
      throw new RecorderError('unavailable', 'the recording pipeline could not start on this server');
    }
  }

  private newWriter(kind: RecordingKind): RecordingWriter {
    if (!this.store.hasRoom()) throw new RecorderError('disk-full', 'not enough free disk space to record');
    const writer = this.store.create(this.source.roomId, this.source.title, kind);
    if (this.init) writer.startPiece(this.init);
    writer.once('mustStop', () => void this.writerStopped(writer));
    this.captions.set(writer, new RecordingCaptions());
    return writer;
  }

  /** Joins a recording's pieces; its captions (if any line was said) go next to it. */
  private async finishWriter(writer: RecordingWriter, reason?: string): Promise<RecordingMeta> {
    const captions = this.captions.get(writer);
    this.captions.delete(writer);
    const meta = await writer.finish(reason);
    const vtt = captions?.toVtt();
    if (vtt && meta.status === 'ready') {
      await this.store
        .writeCaptions(meta.id, vtt)
        .catch((err) => this.log.error({ err, recording: meta.id }, 'could not write the captions'));
    }
    return meta;
  }

  private async writerStopped(writer: RecordingWriter): Promise<void> {
    const reason = writer.meta.stopReason ?? 'write-failed';
    this.log.error({ recording: writer.meta.id, reason }, 'recording stopped');
    if (this.lesson === writer) this.lesson = null;
    if (this.broadcastWriter === writer) this.broadcastWriter = null;
    await this.finishPipelineUnlessNeeded();
    const meta = await this.finishWriter(writer, reason);
    this.emit('recordingStopped', meta, reason);
  }

  private writers(): RecordingWriter[] {
    return [this.lesson, this.broadcastWriter].filter((w): w is RecordingWriter => w !== null);
  }

  private needed(): boolean {
    return this.writers().length > 0 || this.isBroadcasting;
  }

  private ensurePipeline(): Promise<void> {
    if (this.pipeline) return Promise.resolve();
    this.starting ??= this.startPipeline().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async startPipeline(): Promise<void> {
    const dir = join(
      this.workDir,
      `${this.source.roomId.replace(/[^A-Za-z0-9_-]/g, '_')}-${Date.now()}-${this.run++}`,
    );
    const pipeline = await ProgramProcess.start(dir, this.log);
    this.pipeline = pipeline;
    this.init = null;
    let anchor: number | undefined;
    let elapsed = 0;
    const tail = new SegmentTail(
      dir,
      (init) => {
        this.init = init;
        for (const w of this.writers()) w.startPiece(init);
        this.liveWindow?.addInit(init);
      },
      (segment) => {
        // ffmpeg dates segments from when its muxer started, ahead of the
        // media by the pipeline's start-up; date them from when the first
        // one was ready instead, so wall clock minus a player's
        // EXT-X-PROGRAM-DATE-TIME is the real delay behind the room.
        anchor ??= Date.now() - segment.durationSeconds * 1000 - PIPELINE_DELAY_MS;
        segment.programDateTime = anchor + elapsed * 1000;
        elapsed += segment.durationSeconds;
        if (this.downSince !== null) this.cameBack(segment.programDateTime);
        this.recordedUntil = segment.programDateTime + segment.durationSeconds * 1000;
        for (const w of this.writers()) {
          this.captions.get(w)?.segment(segment.programDateTime, w.seconds);
          w.append(segment.bytes, segment.durationSeconds);
        }
        if (this.broadcastWriter) this.liveWindow?.addSegment(segment);
      },
    );
    this.tail = tail;
    tail.start();
    this.feed.attach(pipeline);
    pipeline.once('exit', ({ finished }) => void this.pipelineExited(pipeline, tail, dir, finished));
    this.log.info({ room: this.source.roomId, pids: pipeline.pids }, 'program pipeline started');
  }

  private async pipelineExited(pipeline: ProgramProcess, tail: SegmentTail, dir: string, finished: boolean) {
    await tail.stop();
    await rm(dir, { recursive: true, force: true });
    if (this.pipeline !== pipeline) return;
    this.pipeline = null;
    this.tail = null;
    this.init = null;
    this.feed.detach();
    if (finished || !this.needed()) return;
    this.restarts++;
    this.log.warn(
      { room: this.source.roomId, restarts: this.restarts },
      'program pipeline died; starting it again',
    );
    if (this.downSince === null) {
      this.downSince = this.recordedUntil ?? Date.now();
      this.emit('pipelineDown');
    }
    await this.replace();
  }

  /** Starts pipelines until one runs or nothing needs one, waiting longer after each that fails. */
  private async replace(): Promise<void> {
    for (let delay = RESTART_DELAY_MS; ; delay = Math.min(RESTART_MAX_MS, delay * 2)) {
      await new Promise((r) => setTimeout(r, delay));
      if (!this.needed() || this.pipeline) return;
      try {
        await this.ensurePipeline();
        this.emit('pipelineRestarted', this.restarts);
        return;
      } catch (err) {
        this.restarts++;
        this.log.error(
          {
            err,
            room: this.source.roomId,
            restarts: this.restarts,
            retryInMs: Math.min(RESTART_MAX_MS, delay * 2),
          },
          'program pipeline could not be started again; trying again',
        );
      }
    }
  }

  /** A replacement recorded its first second: the gap goes into each recording's metadata. */
  private cameBack(firstSegmentAt: number): void {
    const missing = Math.max(0, (firstSegmentAt - (this.downSince ?? firstSegmentAt)) / 1000);
    this.downSince = null;
    if (missing >= GAP_MIN_SECONDS) for (const w of this.writers()) w.noteGap(missing);
    this.log.warn({ room: this.source.roomId, missingSeconds: missing }, 'recording again after a gap');
    this.emit('pipelineBack', missing);
  }

  /**
   * Finishes the pipeline when nobody but `leaving` needs it. The leaving
   * writers stay attached until the last segments are drained, so a
   * recording keeps its final second.
   */
  private async finishPipelineUnlessNeeded(...leaving: RecordingWriter[]): Promise<void> {
    if (this.writers().some((w) => !leaving.includes(w)) || this.isBroadcasting) return;
    await this.starting?.catch(() => {});
    const pipeline = this.pipeline;
    if (!pipeline) return;
    await pipeline.finish();
    await this.tail?.stop();
  }
}
