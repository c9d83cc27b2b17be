// Boards in Redis: each live board is a snapshot plus a list of the updates
// applied after it (appending a stroke costs one RPUSH), compacted into a new
// snapshot from time to time; its pictures are a hash. Finished lessons are
// kept, newest first, for a number of days. Writes go out in order on one
// connection. An update or a picture is acknowledged only once Redis has it
// (the drawing path awaits it, and the client resends what was refused);
// the other writes (state, compaction) are not awaited and failures are logged.
import type { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { openRedis } from '../signaling/redisClients.js';
import type { BoardMeta } from './board.js';
import type { BoardFile } from './boardFiles.js';
import type { BoardStore, LessonSummary, StoredBoard } from './boardStore.js';

import pb = schoolcall.v1;

const PREFIX = 'school-call:wb';
const MAIN_KEY = 'main';
const loc = (location: string) => location || MAIN_KEY;
const boardsKey = (room: string) => `${PREFIX}:${room}:boards`;
const metaKey = (room: string, location: string) => `${PREFIX}:${room}:${loc(location)}:meta`;
const snapKey = (room: string, location: string) => `${PREFIX}:${room}:${loc(location)}:snap`;
const logKey = (room: string, location: string) => `${PREFIX}:${room}:${loc(location)}:log`;
const filesKey = (room: string, location: string) => `${PREFIX}:${room}:${loc(location)}:files`;
const archivedKey = (room: string) => `${PREFIX}:${room}:archived`;
const lessonsKey = (room: string) => `${PREFIX}:${room}:lessons`;
const lessonKey = (room: string, id: string) => `${PREFIX}:${room}:lesson:${id}`;

export class RedisBoardStore implements BoardStore {
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    private readonly keep: number,
    private readonly keepDays: number,
    private readonly log: Logger,
  ) {
    this.redis = openRedis(redisUrl, 'whiteboard', log);
  }

  available(): boolean {
    return this.redis.status === 'ready';
  }

  async loadLive(roomId: string): Promise<StoredBoard[]> {
    const locations = await this.redis.smembers(boardsKey(roomId));
    const out: StoredBoard[] = [];
    for (const l of locations) {
      const location = l === MAIN_KEY ? '' : l;
      const [meta, snap, log, files] = await Promise.all([
        this.redis.get(metaKey(roomId, location)),
        this.redis.getBuffer(snapKey(roomId, location)),
        this.redis.lrangeBuffer(logKey(roomId, location), 0, -1),
        this.redis.hgetallBuffer(filesKey(roomId, location)),
      ]);
      if (!meta) continue;
      const fileMap = new Map<string, BoardFile>();
      for (const [id, bytes] of Object.entries(files)) {
        const f = pb.SavedWhiteboardFile.decode(bytes);
        fileMap.set(id, { mimeType: f.mimeType, data: f.data });
      }
      out.push({
        location,
        meta: JSON.parse(meta) as BoardMeta,
        updates: [...(snap ? [snap] : []), ...log],
        files: fileMap,
      });
    }
    return out;
  }

  saveMeta(roomId: string, location: string, meta: BoardMeta): void {
    this.run(
      this.redis
        .multi()
        .sadd(boardsKey(roomId), loc(location))
        .set(metaKey(roomId, location), JSON.stringify(meta))
        .exec(),
    );
  }

  async appendUpdate(roomId: string, location: string, update: Uint8Array): Promise<void> {
    await this.redis.rpush(logKey(roomId, location), Buffer.from(update));
  }

  compact(roomId: string, location: string, snapshot: Uint8Array): void {
    this.run(
      this.redis
        .multi()
        .set(snapKey(roomId, location), Buffer.from(snapshot))
        .del(logKey(roomId, location))
        .exec(),
    );
  }

  async putFile(roomId: string, location: string, fileId: string, file: BoardFile): Promise<void> {
    const bytes = pb.SavedWhiteboardFile.encode({
      fileId,
      mimeType: file.mimeType,
      data: file.data,
    }).finish();
    await this.redis.hset(filesKey(roomId, location), fileId, Buffer.from(bytes));
  }

  dropBoard(roomId: string, location: string): void {
    this.run(
      this.redis
        .multi()
        .srem(boardsKey(roomId), loc(location))
        .del(
          metaKey(roomId, location),
          snapKey(roomId, location),
          logKey(roomId, location),
          filesKey(roomId, location),
        )
        .exec(),
    );
  }

  dropLive(roomId: string): void {
    void this.redis
      .smembers(boardsKey(roomId))
      .then((locations) => {
        const keys = locations.flatMap((l) => {
          const location = l === MAIN_KEY ? '' : l;
          return [
            metaKey(roomId, location),
            snapKey(roomId, location),
            logKey(roomId, location),
            filesKey(roomId, location),
          ];
        });
        return this.redis.del(boardsKey(roomId), ...keys);
      })
      .catch((err) => this.log.warn({ room: roomId, err }, 'cannot drop live boards'));
  }

  archive(roomId: string, board: Uint8Array): void {
    this.run(this.redis.rpush(archivedKey(roomId), Buffer.from(board)));
  }

  async loadArchived(roomId: string): Promise<Uint8Array[]> {
    return this.redis.lrangeBuffer(archivedKey(roomId), 0, -1);
  }

  async saveLesson(roomId: string, summary: LessonSummary, lesson: Uint8Array): Promise<void> {
    const ttl = this.keepDays * 24 * 3600;
    const removed = await this.redis.lrange(lessonsKey(roomId), this.keep - 1, -1);
    const m = this.redis
      .multi()
      .set(lessonKey(roomId, summary.id), Buffer.from(lesson), 'EX', ttl)
      .lpush(lessonsKey(roomId), JSON.stringify(summary))
      .ltrim(lessonsKey(roomId), 0, this.keep - 1)
      .expire(lessonsKey(roomId), ttl)
      .del(archivedKey(roomId));
    for (const r of removed) m.del(lessonKey(roomId, (JSON.parse(r) as LessonSummary).id));
    await m.exec();
  }

  async listLessons(roomId: string): Promise<LessonSummary[]> {
    const list = await this.redis.lrange(lessonsKey(roomId), 0, -1);
    return list.map((s) => JSON.parse(s) as LessonSummary);
  }

  async getLesson(roomId: string, id: string): Promise<Uint8Array | null> {
    return this.redis.getBuffer(lessonKey(roomId, id));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private run(p: Promise<unknown>): void {
    p.catch((err) => this.log.warn({ err }, 'whiteboard store write failed'));
  }
}
