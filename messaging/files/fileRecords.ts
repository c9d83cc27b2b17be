// Uploaded files: their records (in PostgreSQL, store/fileStore.ts) and their
// bytes. A file becomes an attachment only once its upload finished; the
// messages holding it are recorded in the send's transaction. When the last
// message holding it goes (deleted for everyone, a forward is a message too),
// the file is marked for removal in that transaction and its bytes, preview
// and record are removed here after the commit; so is an upload that never
// made it into a message (swept when old). A host that dies before removing
// the bytes leaves the mark, and the sweep finishes the job.
import type { Logger } from '../../common/log.js';
import type { Postgres } from '../../common/postgres/connect.js';
import type { FileStorage } from '../../common/storage/fileStorage.js';
import { ChatError, ChatErrorCode } from '../errors.js';
import type { AttachmentSource } from '../messages.js';
import type { Caller } from '../permissions.js';
import type { StoredAttachment } from '../records.js';
import { type FileRecord, FileStore, type NewFile } from '../store/fileStore.js';
import { previewKey } from './previews.js';
import { forgetStaged } from './staging.js';

export type { FileRecord } from '../store/fileStore.js';

export function toAttachment(f: FileRecord): StoredAttachment {
  const a: StoredAttachment = { id: f.id, name: f.name, type: f.type, size: f.size };
  if (f.preview) Object.assign(a, { preview: true, w: f.width, h: f.height });
  return a;
}

const notFound = (id: string) =>
  new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, `no finished upload ${id}`);

/** Whether a person may download a file held outside chat messages (a part above the messenger decides). */
export type FileReader = (fileId: string, userId: string) => Promise<boolean>;

/**
 * Where a part above the messenger keeps uploads that are for no chat (a
 * person's «Документы»): its uploads carry tus metadata `place` instead of
 * `chatId`, and their record's chat is `placeChat(key)`.
 */
export interface UploadPlace {
  readonly key: string;
  /** Before a byte is stored: throws a ChatError if `caller` may not upload `size` bytes here. */
  admit(caller: Caller, size: number): Promise<void>;
  /**
   * The name this file of the place goes into a message under, if `caller`
   * may attach it (to any chat they may write in); null if not. The message
   * keeps that name (a document renamed later keeps the name it was sent with).
   */
  attachAs(fileId: string, caller: Caller): Promise<string | null>;
  /** Whether the place still keeps the file: then its last message going does not remove it. */
  keeps(fileId: string): Promise<boolean>;
}

/** The record's chat of an upload for a place: never a chat id (those have no colon). */
export const placeChat = (key: string) => `place:${key}`;

export class FileRecords implements AttachmentSource {
  readonly store: FileStore;
  /** Parts that hold files in no message (homework submissions) say who may read them. */
  private readonly readers: FileReader[] = [];
  private readonly places = new Map<string, UploadPlace>();

  constructor(
    db: Postgres,
    /** Where finished uploads' bytes and previews are kept. */
    private readonly storage: FileStorage,
    /** Where uploads arrive (tus's bytes and metadata until they finish). */
    private readonly uploadDir: string,
    private readonly log: Logger,
  ) {
    this.store = new FileStore(db);
  }

  /** A part registers the read rule of the files it holds outside messages. */
  addReader(reader: FileReader): void {
    this.readers.push(reader);
  }

  /** A part registers a place its uploads go to instead of a chat. */
  addPlace(place: UploadPlace): void {
    this.places.set(placeChat(place.key), place);
  }

  /** The place an upload is for, by tus metadata `place` or by its record's chat. */
  place(keyOrChat: string): UploadPlace | null {
    return this.places.get(keyOrChat) ?? this.places.get(placeChat(keyOrChat)) ?? null;
  }

  /** Whether a registered part lets `userId` read the file. */
  async readableElsewhere(fileId: string, userId: string): Promise<boolean> {
    for (const reader of this.readers) if (await reader(fileId, userId)) return true;
    return false;
  }

  create(f: NewFile): Promise<void> {
    return this.store.create(f);
  }

  /** The upload is complete; `type` is what its bytes turned out to be (uploads.ts). */
  finish(id: string, preview: { width: number; height: number } | null, type: string): Promise<void> {
    return this.store.finish(id, preview, type);
  }

  async get(id: string): Promise<FileRecord | null> {
    const f = await this.store.get(id);
    return f && f.state !== 'removing' ? f : null;
  }

  async resolve(caller: Caller, chatId: string, fileIds: string[]): Promise<StoredAttachment[]> {
    const records = await this.store.getMany([...new Set(fileIds)]);
    const attachments: StoredAttachment[] = fileIds.map((id) => {
      const f = records.get(id);
      if (!f || f.state !== 'ready') throw notFound(id);
      // One's own upload for this chat; files already in the chat may be attached again.
      if (f.owner !== caller.user.id) throw notFound(f.id);
      if (f.chat !== chatId && !this.places.has(f.chat)) throw notFound(f.id);
      return toAttachment(f);
    });
    // One's own file kept by a place (a document): that place says whether it
    // may go into a message, and under which name (the document's own today).
    for (const a of attachments) {
      const place = this.places.get(records.get(a.id)!.chat);
      if (!place) continue;
      const name = await place.attachAs(a.id, caller);
      if (name === null) throw notFound(a.id);
      a.name = name;
    }
    return attachments;
  }

  /**
   * Removes uploads that began before `olderThan` (ms since the epoch) and
   * are in no message, and finishes removals a host left undone. Idempotent,
   * so every host may sweep. Resolves with how many files went.
   */
  async sweepUnsent(olderThan: number, batch = 100): Promise<number> {
    await this.store.claimUnsent(olderThan, batch);
    return this.removeMarked(await this.store.removing(batch));
  }

  /** After a commit that released these files: removes those now marked for removal. */
  async released(fileIds: string[]): Promise<void> {
    await this.removeMarked(await this.store.removing(fileIds.length, fileIds));
  }

  private async removeMarked(ids: string[]): Promise<number> {
    let removed = 0;
    for (const id of ids) {
      // A document shared into a chat outlives the chat's message: its place still keeps it.
      const f = await this.store.get(id);
      const place = f ? this.places.get(f.chat) : undefined;
      if (place && (await place.keeps(id))) {
        await this.store.restore(id);
        continue;
      }
      if (await this.removeFile(id)) removed++;
    }
    return removed;
  }

  /** The bytes first (a failure leaves the mark, so the sweep tries again). */
  private async removeFile(id: string): Promise<boolean> {
    try {
      // Already gone is what we want: removing is idempotent everywhere.
      await this.storage.remove(id);
      await this.storage.remove(previewKey(id));
      await forgetStaged(this.uploadDir, id);
      await this.store.forget(id);
      return true;
    } catch (err) {
      this.log.warn({ err, file: id }, "cannot remove a deleted message's file");
      return false;
    }
  }

  /** Finished uploads another part keeps (homework/): see FileStore.keep. */
  keep(ids: string[], owner: string, chatId: string): Promise<FileRecord[]> {
    return this.store.keep([...new Set(ids)], owner, chatId);
  }

  /** Files another part lets go: removed now unless a message holds them. */
  async discard(ids: string[]): Promise<void> {
    await this.store.discard(ids);
    await this.released(ids);
  }

  /** Seqs of the messages of one chat that hold the file. */
  holdersIn(fileId: string, chatId: string): Promise<number[]> {
    return this.store.holdersIn(fileId, chatId);
  }

  holders(fileId: string): Promise<{ chatId: string; seq: number }[]> {
    return this.store.holders(fileId);
  }
}
