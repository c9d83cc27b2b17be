// Records of uploaded files in Redis: who uploaded what for which chat, the
// chats it was posted in (downloads are for their members), and the messages
// holding it. A file becomes an attachment only once its upload finished;
// when the last message holding it is deleted for everyone (a forward is a
// message too), the file, its preview and its records are removed, and so
// is an upload that never made it into a message (swept when old).
import { rm } from 'node:fs/promises';
import { FileStore } from '@tus/file-store';
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/log.js';
import { ChatError, ChatErrorCode } from '../errors.js';
import type { AttachmentSource } from '../messages.js';
import type { Caller } from '../permissions.js';
import type { StoredAttachment } from '../records.js';
import { keys } from '../store/keys.js';
import { previewPath } from './previews.js';

export interface FileRecord {
  id: string;
  owner: string;
  chat: string;
  name: string;
  type: string;
  size: number;
  state: 'uploading' | 'ready';
  preview: boolean;
  width: number;
  height: number;
  createdAt: number;
}

function parse(hash: Record<string, string>): FileRecord | null {
  if (!hash.id) return null;
  return {
    id: hash.id,
    owner: hash.owner ?? '',
    chat: hash.chat ?? '',
    name: hash.name ?? '',
    type: hash.type ?? 'application/octet-stream',
    size: Number(hash.size ?? 0),
    state: hash.state === 'ready' ? 'ready' : 'uploading',
    preview: hash.preview === '1',
    width: Number(hash.width ?? 0),
    height: Number(hash.height ?? 0),
    createdAt: Number(hash.createdAt ?? 0),
  };
}

export function toAttachment(f: FileRecord): StoredAttachment {
  const a: StoredAttachment = { id: f.id, name: f.name, type: f.type, size: f.size };
  if (f.preview) Object.assign(a, { preview: true, w: f.width, h: f.height });
  return a;
}

const notFound = (id: string) =>
  new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, `no finished upload ${id}`);

const ref = (chatId: string, seq: number) => `${chatId}\n${seq}`;

export class FileRecords implements AttachmentSource {
  /** The uploads' own layout on disk (the bytes and tus's metadata beside them). */
  private readonly disk: FileStore;

  constructor(
    private readonly redis: Redis,
    private readonly uploadDir: string,
    private readonly log: Logger,
  ) {
    this.disk = new FileStore({ directory: uploadDir });
  }

  async create(f: Omit<FileRecord, 'state' | 'preview' | 'width' | 'height' | 'createdAt'>): Promise<void> {
    await this.redis.zadd(keys.unsentFiles(), Date.now(), f.id);
    await this.redis.hset(keys.file(f.id), {
      id: f.id,
      owner: f.owner,
      chat: f.chat,
      name: f.name,
      type: f.type,
      size: f.size,
      state: 'uploading',
      createdAt: Date.now(),
    });
  }

  /** The upload is complete; `type` is what its bytes turned out to be (uploads.ts). */
  async finish(id: string, preview: { width: number; height: number } | null, type: string): Promise<void> {
    const fields: Record<string, string | number> = { state: 'ready', type };
    if (preview) Object.assign(fields, { preview: '1', width: preview.width, height: preview.height });
    await this.redis.hset(keys.file(id), fields);
  }

  async get(id: string): Promise<FileRecord | null> {
    return parse(await this.redis.hgetall(keys.file(id)));
  }

  async resolve(caller: Caller, chatId: string, fileIds: string[]): Promise<StoredAttachment[]> {
    const records = await Promise.all([...new Set(fileIds)].map((id) => this.get(id)));
    return records.map((f, i) => {
      if (!f || f.state !== 'ready') throw notFound(fileIds[i] ?? '');
      // One's own upload for this chat; files already in the chat may be attached again.
      if (f.owner !== caller.user.id || f.chat !== chatId) throw notFound(f.id);
      return toAttachment(f);
    });
  }

  async postedIn(chatId: string, seq: number, files: StoredAttachment[]): Promise<void> {
    const multi = this.redis.multi();
    for (const f of files) {
      multi.sadd(keys.fileChats(f.id), chatId);
      multi.sadd(keys.fileRefs(f.id), ref(chatId, seq));
      multi.zrem(keys.unsentFiles(), f.id);
    }
    await multi.exec();
  }

  /**
   * Removes uploads that began before `olderThan` (ms since the epoch) and
   * are in no message: abandoned halfway, or finished and never sent.
   * Idempotent, so every host may sweep. Resolves with how many went.
   */
  async sweepUnsent(olderThan: number, batch = 100): Promise<number> {
    const ids = await this.redis.zrangebyscore(keys.unsentFiles(), 0, olderThan, 'LIMIT', 0, batch);
    let removed = 0;
    for (const id of ids) {
      if ((await this.redis.scard(keys.fileRefs(id))) === 0) {
        await this.removeFile(id);
        removed++;
      }
      await this.redis.zrem(keys.unsentFiles(), id);
    }
    return removed;
  }

  /**
   * The message no longer holds these files. A file whose last holder this
   * was is removed from disk and from Redis. Files posted before references
   * were kept have none to drop, and stay.
   */
  async released(chatId: string, seq: number, files: StoredAttachment[]): Promise<void> {
    for (const f of files) {
      const [[, dropped], [, left]] = (await this.redis
        .multi()
        .srem(keys.fileRefs(f.id), ref(chatId, seq))
        .scard(keys.fileRefs(f.id))
        .exec()) as [[null, number], [null, number]];
      if (dropped === 1 && left === 0) await this.removeFile(f.id);
    }
  }

  /** The bytes first (a failure leaves the record, so nothing points at a missing file). */
  async removeFile(id: string): Promise<void> {
    try {
      await this.disk.remove(id).catch((err: unknown) => {
        // Already gone from disk is what we want.
        if ((err as { status_code?: number }).status_code !== 404) throw err;
      });
      await rm(previewPath(this.uploadDir, id), { force: true });
      await this.redis.del(keys.file(id), keys.fileChats(id), keys.fileRefs(id));
    } catch (err) {
      this.log.warn({ err, file: id }, "cannot remove a deleted message's file");
    }
  }

  async isIn(fileId: string, chatId: string): Promise<boolean> {
    return (await this.redis.sismember(keys.fileChats(fileId), chatId)) === 1;
  }

  async chatsOf(fileId: string): Promise<string[]> {
    return this.redis.smembers(keys.fileChats(fileId));
  }
}
