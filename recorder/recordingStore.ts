// Recordings. While a recording runs, each pipeline run ("piece") is one
// fragmented MP4 on this host's disk (init segment, then every 1 s fragment
// appended as it is made), so a crash of the pipeline or of the whole server
// loses at most the fragment in progress. When the recording stops, the
// pieces are joined with ffmpeg's concat demuxer into one MP4 with its index
// at the front (faststart), and the finished file, its metadata and captions
// go into the recordings' FileStorage (common/storage: this directory by
// default, or the shared bucket), so every host lists and serves it.
// Layout on this host: <dir>/<id>.json (metadata) and <id>.parts/ while it
// runs; in the storage: <id>.mp4, <id>.json, <id>.vtt (captions) if
// subtitles were on. With the default storage both are the same directory.
// Over 400 lines: a recording's life on disk (pieces, join, retention, the
// restart's recovery) is one sequence, read best in one file.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import type { Logger } from '../common/log.js';
import { DirectoryStorage } from '../common/storage/directoryStorage.js';
import type { ByteSpan, FileStorage } from '../common/storage/fileStorage.js';

const run = promisify(execFile);

export type RecordingKind = 'lesson' | 'broadcast';
export type RecordingStatus = 'recording' | 'finalizing' | 'ready' | 'failed';

export interface RecordingMeta {
  id: string;
  roomId: string;
  title: string;
  kind: RecordingKind;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number;
  sizeBytes: number;
  status: RecordingStatus;
  /** Why it stopped when nobody asked it to ('disk-full', 'call-ended'). */
  stopReason?: string;
  /**
   * Where the recording lacks part of the lesson (its pipeline died and was
   * replaced): `atSeconds` into the file, `missingSeconds` of the lesson not recorded.
   */
  gaps?: RecordingGap[];
}

export interface RecordingGap {
  atSeconds: number;
  missingSeconds: number;
}

/** Recording ids are 20 lowercase letters and digits: never a path. */
export const RECORDING_ID = /^[a-z0-9]{20}$/;

export function isRecordingId(value: unknown): value is string {
  return typeof value === 'string' && RECORDING_ID.test(value);
}

export interface RecordingStoreOptions {
  dir: string;
  retentionDays: number;
  /** Below this much free space a running recording stops rather than fill the disk. */
  minFreeBytes: number;
  /** Where finished recordings are kept (default: `dir` itself). */
  files?: FileStorage;
}

/** A finished file in the storage: its size, and its bytes streamed (a span of them). */
export interface StoredFile {
  size: number;
  read(span?: ByteSpan): Promise<Readable>;
}

/** A recording of several pieces with no room on the disk to join them. */
class NoRoomToJoin extends Error {}

/** The joined file could not be put into the storage (the bucket is away): tried again later. */
class StorageAway extends Error {}

export class RecordingStore {
  /** Recordings left 'finalizing' because the disk had no room to join them. */
  private readonly waitingForRoom = new Set<string>();
  readonly files: FileStorage;
  /** The storage is this directory: a finished recording's metadata stays where it is. */
  private readonly filesHere: boolean;
  /** Finished recordings' metadata read from the storage (it does not change; deletion is seen in the listing). */
  private readonly finished = new Map<string, RecordingMeta>();

  constructor(
    readonly options: RecordingStoreOptions,
    private readonly log: Logger,
  ) {
    mkdirSync(options.dir, { recursive: true });
    this.files = options.files ?? new DirectoryStorage(options.dir);
    this.filesHere =
      this.files instanceof DirectoryStorage && resolve(this.files.dir) === resolve(options.dir);
  }

  freeBytes(): number {
    const s = statfsSync(this.options.dir);
    return s.bavail * s.bsize;
  }

  /** Free space above the minimum, and `reserve` more (a running recording keeps room to be joined). */
  hasRoom(reserve = 0): boolean {
    return this.freeBytes() >= this.options.minFreeBytes + reserve;
  }

  create(roomId: string, title: string, kind: RecordingKind): RecordingWriter {
    const id = newId();
    const meta: RecordingMeta = {
      id,
      roomId,
      title,
      kind,
      startedAt: new Date().toISOString(),
      endedAt: null,
      durationSeconds: 0,
      sizeBytes: 0,
      status: 'recording',
    };
    mkdirSync(this.partsDir(id), { recursive: true });
    this.save(meta);
    return new RecordingWriter(this, meta, this.log);
  }

  /** A recording this host is writing or finishing (its metadata on this host's disk). */
  local(id: string): RecordingMeta | null {
    if (!isRecordingId(id)) return null;
    try {
      return JSON.parse(readFileSync(this.metaPath(id), 'utf8')) as RecordingMeta;
    } catch {
      return null;
    }
  }

  /** Any host's recording: one this host is writing, or a finished one in the storage. */
  async get(id: string): Promise<RecordingMeta | null> {
    if (!isRecordingId(id)) return null;
    const here = this.local(id);
    if (here) return here;
    if ((await this.files.size(`${id}.json`)) === null) return null;
    return JSON.parse(await text(await this.files.read(`${id}.json`))) as RecordingMeta;
  }

  /** Recordings this host is writing or finishing. */
  private localList(): RecordingMeta[] {
    const out: RecordingMeta[] = [];
    for (const name of readdirSync(this.options.dir)) {
      const meta = name.endsWith('.json') ? this.local(name.slice(0, -5)) : null;
      if (meta) out.push(meta);
    }
    return out;
  }

  /** Every host's recordings, newest first; one room's when `roomId` is given. */
  async list(roomId?: string): Promise<RecordingMeta[]> {
    const byId = new Map<string, RecordingMeta>();
    const ids = (await this.files.list())
      .filter((k) => k.endsWith('.json'))
      .map((k) => k.slice(0, -5))
      .filter(isRecordingId);
    const seen = new Set(ids);
    for (const id of this.finished.keys()) if (!seen.has(id)) this.finished.delete(id);
    for (const id of ids) {
      let meta = this.finished.get(id) ?? null;
      if (!meta) {
        meta = this.filesHere ? this.local(id) : await this.get(id).catch(() => null);
        if (meta && (meta.status === 'ready' || meta.status === 'failed')) this.finished.set(id, meta);
      }
      if (meta) byId.set(id, meta);
    }
    if (!this.filesHere) for (const meta of this.localList()) byId.set(meta.id, meta);
    return [...byId.values()]
      .filter((m) => roomId === undefined || m.roomId === roomId)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** The finished file of a ready recording, from the storage. */
  async media(id: string): Promise<StoredFile | null> {
    const meta = await this.get(id);
    return meta?.status === 'ready' ? this.stored(`${id}.mp4`) : null;
  }

  /** The captions (WebVTT) of a ready recording, if it has any. */
  async captions(id: string): Promise<StoredFile | null> {
    const meta = await this.get(id);
    return meta?.status === 'ready' ? this.stored(`${id}.vtt`) : null;
  }

  private async stored(key: string): Promise<StoredFile | null> {
    const size = await this.files.size(key);
    return size === null ? null : { size, read: (span) => this.files.read(key, span) };
  }

  /** Writes a recording's captions next to its file. */
  async writeCaptions(id: string, vtt: string): Promise<void> {
    if (!isRecordingId(id)) return;
    await this.files.write(`${id}.vtt`, vtt);
  }

  async delete(id: string): Promise<boolean> {
    const meta = await this.get(id);
    if (!meta || meta.status === 'recording' || meta.status === 'finalizing') return false;
    await this.remove(id);
    this.log.info({ recording: id, room: meta.roomId }, 'recording deleted');
    return true;
  }

  /** Removes a recording's files whatever its state (the metadata last: until then it is listed). */
  async remove(id: string): Promise<void> {
    if (!isRecordingId(id)) return;
    this.finished.delete(id);
    await rm(this.mediaPath(id), { force: true });
    await rm(this.partsDir(id), { recursive: true, force: true });
    await this.files.remove(`${id}.mp4`);
    await this.files.remove(`${id}.vtt`);
    await this.files.remove(`${id}.json`);
    await rm(this.metaPath(id), { force: true });
  }

  /** Deletes finished recordings older than the retention period. */
  async sweep(now = Date.now()): Promise<string[]> {
    const cutoff = now - this.options.retentionDays * 86_400_000;
    const gone: string[] = [];
    for (const meta of await this.list()) {
      const ended = Date.parse(meta.endedAt ?? meta.startedAt);
      if (
        (meta.status === 'ready' || meta.status === 'failed') &&
        ended < cutoff &&
        (await this.delete(meta.id))
      ) {
        gone.push(meta.id);
      }
    }
    return gone;
  }

  /** Joins the pieces of recordings a crash left unfinished. */
  async recover(): Promise<string[]> {
    const done: string[] = [];
    for (const meta of this.localList()) {
      // Finished here but not yet in the storage when the server stopped.
      if (!this.filesHere && (meta.status === 'ready' || meta.status === 'failed')) {
        if (meta.status === 'ready' && existsSync(this.mediaPath(meta.id)))
          await this.files.adopt(`${meta.id}.mp4`, this.mediaPath(meta.id));
        await this.publish(meta);
        continue;
      }
      if (meta.status !== 'recording' && meta.status !== 'finalizing') continue;
      this.log.warn({ recording: meta.id }, 'finishing a recording left by a previous run');
      await this.finalize({ ...meta, stopReason: meta.stopReason ?? 'server-restarted' });
      done.push(meta.id);
    }
    return done;
  }

  partsDir(id: string): string {
    return join(this.options.dir, `${id}.parts`);
  }

  /** Where the joined file is made on this host before it goes into the storage. */
  mediaPath(id: string): string {
    return join(this.options.dir, `${id}.mp4`);
  }

  private metaPath(id: string): string {
    return join(this.options.dir, `${id}.json`);
  }

  save(meta: RecordingMeta): void {
    const path = this.metaPath(meta.id);
    const text = JSON.stringify(meta, null, 1);
    try {
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC' || !existsSync(path)) throw err;
      // A full disk has no room for a second copy: rewrite the file in place
      // (truncating it gives its blocks back first), not atomic but not lost.
      rmSync(`${path}.tmp`, { force: true });
      writeFileSync(path, text);
    }
  }

  /**
   * The pieces the concat demuxer can join: a piece with other streams (one
   * the pipeline wrote with only audio, say) would be paired by index with
   * the others' video and garble the whole file, so it is left out and logged.
   */
  private async joinable(meta: RecordingMeta, pieces: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const piece of pieces) {
      const streams = await streamTypes(piece).catch(() => 'unreadable');
      if (streams === PIECE_STREAMS) out.push(piece);
      else this.log.warn({ recording: meta.id, piece, streams }, 'piece left out of the recording');
    }
    return out;
  }

  /** Pieces into one faststart MP4; the metadata gets its duration and size. */
  async finalize(meta: RecordingMeta): Promise<RecordingMeta> {
    meta.status = 'finalizing';
    meta.endedAt ??= new Date().toISOString();
    this.save(meta);
    const parts = this.partsDir(meta.id);
    const found = existsSync(parts)
      ? readdirSync(parts)
          .filter((n) => /^piece-\d+\.mp4$/.test(n))
          .sort()
          .map((n) => join(parts, n))
          .filter((p) => hasMedia(p))
      : [];
    const out = this.mediaPath(meta.id);
    try {
      const pieces = await this.joinable(meta, found);
      if (pieces.length === 0) throw new Error('nothing was recorded');
      await this.join(meta, parts, pieces, out);
      meta.durationSeconds = await probeDuration(out);
      meta.sizeBytes = statSync(out).size;
      await this.files.adopt(`${meta.id}.mp4`, out).catch((err) => {
        throw new StorageAway('the storage did not take the recording', { cause: err });
      });
      meta.status = 'ready';
      await rm(parts, { recursive: true, force: true });
    } catch (err) {
      await rm(`${out}.tmp`, { force: true });
      if (err instanceof NoRoomToJoin) {
        // Its pieces stay; it is joined once there is room (finishWaiting), not lost.
        this.log.warn({ recording: meta.id }, 'no room to join the recording; it waits for room');
        this.waitingForRoom.add(meta.id);
      } else if (err instanceof StorageAway) {
        // The pieces and the joined file stay here; it is tried again (finishWaiting), not lost.
        this.log.error({ err, recording: meta.id }, 'the storage did not take the recording; it waits');
        this.waitingForRoom.add(meta.id);
      } else {
        this.log.error({ err, recording: meta.id }, 'recording could not be finished');
        meta.status = 'failed';
      }
    }
    this.save(meta);
    if (meta.status === 'ready' || meta.status === 'failed') await this.publish(meta);
    return meta;
  }

  /**
   * A finished recording's metadata into the storage, where every host lists
   * it; this host's copy goes once the storage has it (a crash between the
   * two leaves both, and the local one is finished again at the next start).
   */
  private async publish(meta: RecordingMeta): Promise<void> {
    if (this.filesHere) return;
    try {
      await this.files.write(`${meta.id}.json`, JSON.stringify(meta, null, 1));
      await rm(this.metaPath(meta.id), { force: true });
    } catch (err) {
      this.log.error({ err, recording: meta.id }, 'the finished recording could not be put into the storage');
    }
  }

  /** Joins the recordings that waited for room, where there is room now; their ids. */
  async finishWaiting(): Promise<string[]> {
    const done: string[] = [];
    for (const id of [...this.waitingForRoom]) {
      this.waitingForRoom.delete(id);
      const meta = this.local(id);
      if (meta?.status !== 'finalizing') continue;
      if ((await this.finalize(meta)).status === 'ready') done.push(id);
    }
    return done;
  }

  /**
   * Joins the pieces into `out`. On a disk too full for the joined copy, a
   * lone piece (a fragmented MP4 that plays as it is) becomes the file.
   */
  private async join(meta: RecordingMeta, parts: string, pieces: string[], out: string): Promise<void> {
    try {
      const list = join(parts, 'pieces.txt');
      await writeFile(list, pieces.map((p) => `file '${p.replaceAll("'", "'\\''")}'\n`).join(''));
      const { stderr } = await run('ffmpeg', [
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'concat',
        '-safe',
        '0',
        '-i',
        list,
        '-c',
        'copy',
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
        `${out}.tmp`,
      ]);
      // ffmpeg (5.1) exits 0 when the disk fills while it writes the trailer
      // ("Error writing trailer"), leaving a file with no index: only a file
      // written without errors that reads back is the recording.
      if (/error/i.test(stderr)) throw new Error(`joining failed: ${stderr.trim().slice(0, 300)}`);
      const streams = await streamTypes(`${out}.tmp`).catch(() => 'unreadable');
      if (streams !== PIECE_STREAMS) throw new Error(`the joined file does not read back (${streams})`);
      renameSync(`${out}.tmp`, out);
    } catch (err) {
      await rm(`${out}.tmp`, { force: true });
      const size = pieces.reduce((n, p) => n + statSync(p).size, 0);
      if (this.hasRoom(size)) throw err;
      if (pieces.length !== 1) throw new NoRoomToJoin();
      this.log.warn(
        { err, recording: meta.id, freeBytes: this.freeBytes() },
        'no room to join the recording: its one piece is kept as it is',
      );
      renameSync(pieces[0]!, out);
    }
  }
}

/** The streams every piece must have, in this order: ffmpeg's concat demuxer pairs streams by index. */
const PIECE_STREAMS = 'video,audio';

function newId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(20), (b) => alphabet[b % 36]).join('');
}

/** A piece with more than its init segment. */
function hasMedia(path: string): boolean {
  try {
    return statSync(path).size > 4096;
  } catch {
    return false;
  }
}

/** The types of a file's streams in order, e.g. 'video,audio'. */
async function streamTypes(path: string): Promise<string> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type',
    '-of',
    'csv=p=0',
    path,
  ]);
  return stdout.trim().split('\n').join(',');
}

export async function probeDuration(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    '-of',
    'csv=p=0',
    path,
  ]);
  return Math.round(Number.parseFloat(stdout) * 10) / 10 || 0;
}

interface WriterEvents {
  /** Writing failed or space ran out; the recording must stop. */
  mustStop: [];
}

const SPACE_CHECK_MS = 5000;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Appends one recording's pieces as segments arrive. */
export class RecordingWriter extends EventEmitter<WriterEvents> {
  private piece = -1;
  private queue: Promise<void> = Promise.resolve();
  private lastSpaceCheck = 0;
  private stopped = false;
  private recordedSeconds = 0;
  private recordedBytes = 0;
  /** Looks at the disk even when no segment comes (a writer that filled the disk may stall the pipeline). */
  private readonly spaceTimer: NodeJS.Timeout;

  constructor(
    private readonly store: RecordingStore,
    readonly meta: RecordingMeta,
    private readonly log: Logger,
  ) {
    super();
    this.spaceTimer = setInterval(() => this.checkSpace(), SPACE_CHECK_MS);
    this.spaceTimer.unref();
  }

  get seconds(): number {
    return this.recordedSeconds;
  }

  /** A pipeline run began: a new piece starts with its init segment. */
  startPiece(init: Buffer): void {
    this.piece++;
    const path = this.piecePath();
    this.recordedBytes += init.length;
    this.write(() => writeFile(path, init));
  }

  append(bytes: Buffer, durationSeconds: number): void {
    if (this.piece < 0) return;
    if (Date.now() - this.lastSpaceCheck > SPACE_CHECK_MS && !this.checkSpace()) return;
    this.recordedSeconds += durationSeconds;
    this.recordedBytes += bytes.length;
    const path = this.piecePath();
    this.write(() => appendFile(path, bytes));
  }

  /**
   * Stops the recording (disk-full) when free space falls below the minimum
   * plus what it has recorded: joining its pieces at the end needs that much.
   */
  private checkSpace(): boolean {
    this.lastSpaceCheck = Date.now();
    if (this.stopped) return false;
    let room = true;
    try {
      room = this.store.hasRoom(this.recordedBytes);
    } catch (err) {
      this.log.warn({ err, recording: this.meta.id }, 'could not read the free disk space');
    }
    if (!room) this.fail('disk-full');
    return room;
  }

  /** Notes that `missingSeconds` of the lesson are missing here; kept in the metadata on disk at once. */
  noteGap(missingSeconds: number): void {
    const gap = { atSeconds: round1(this.recordedSeconds), missingSeconds: round1(missingSeconds) };
    this.meta.gaps = [...(this.meta.gaps ?? []), gap];
    this.write(async () => this.store.save(this.meta));
  }

  /** Forgets a recording that never got going (its pipeline could not start). */
  async discard(): Promise<void> {
    this.stopped = true;
    clearInterval(this.spaceTimer);
    await this.queue;
    await this.store.remove(this.meta.id);
  }

  /** Stops writing and joins the pieces. */
  async finish(stopReason?: string): Promise<RecordingMeta> {
    this.stopped = true;
    clearInterval(this.spaceTimer);
    await this.queue;
    if (stopReason) this.meta.stopReason ??= stopReason;
    this.meta.endedAt = new Date().toISOString();
    return this.store.finalize(this.meta);
  }

  private piecePath(): string {
    return join(this.store.partsDir(this.meta.id), `piece-${String(this.piece).padStart(3, '0')}.mp4`);
  }

  private write(op: () => Promise<void>): void {
    if (this.stopped) return;
    this.queue = this.queue.then(op).catch((err: NodeJS.ErrnoException) => {
      this.log.error({ err, recording: this.meta.id }, 'recording write failed');
      this.fail(err.code === 'ENOSPC' ? 'disk-full' : 'write-failed');
    });
  }

  private fail(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.spaceTimer);
    this.meta.stopReason = reason;
    this.emit('mustStop');
  }
}
