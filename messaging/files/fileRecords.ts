// Records of uploaded files in Redis: who uploaded what for which chat, and
// the chats it was posted in (downloads are for their members). A file
// becomes an attachment only once its upload finished.
import type { Redis } from 'ioredis';
import { ChatError, ChatErrorCode } from '../errors.js';
import type { AttachmentSource } from '../messages.js';
import type { Caller } from '../permissions.js';
import type { StoredAttachment } from '../records.js';
import { keys } from '../store/keys.js';

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

export class FileRecords implements AttachmentSource {
  constructor(private readonly redis: Redis) {}

  async create(f: Omit<FileRecord, 'state' | 'preview' | 'width' | 'height' | 'createdAt'>): Promise<void> {
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

  async finish(id: string, preview: { width: number; height: number } | null): Promise<void> {
    const fields: Record<string, string | number> = { state: 'ready' };
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

  async postedIn(chatId: string, files: StoredAttachment[]): Promise<void> {
    const multi = this.redis.multi();
    for (const f of files) multi.sadd(keys.fileChats(f.id), chatId);
    await multi.exec();
  }

  async isIn(fileId: string, chatId: string): Promise<boolean> {
    return (await this.redis.sismember(keys.fileChats(fileId), chatId)) === 1;
  }

  async chatsOf(fileId: string): Promise<string[]> {
    return this.redis.smembers(keys.fileChats(fileId));
  }
}
