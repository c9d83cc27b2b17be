// The rules of a person's «Документы»: every entry is its owner's alone (any
// other person is told "not found", whatever the id); files come from the
// owner's finished uploads to the place "documents" and count against the
// school's quota per person (checked before a byte is stored, and again when
// filed); a shared file goes into a chat as a message holding the same
// upload, which the chat's members then read by the chat's rules.
import { randomBytes } from 'node:crypto';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { ChatError, ChatErrorCode, forbidden, invalid } from '../messaging/errors.js';
import { type UploadPlace, placeChat } from '../messaging/files/fileRecords.js';
import type { Messenger } from '../messaging/messenger.js';
import type { Caller } from '../messaging/permissions.js';
import * as check from '../messaging/validate.js';
import type { DocumentsStore, EntryRecord } from './store.js';

import cpb = schoolcall.chat.v1;

export const DOCUMENTS_PLACE = 'documents';
const NAME_MAX = 255;
const FILES_MAX = 20;
const ENTRY_ID = /^doc_[A-Za-z0-9_-]{16}$/;
/** A school's quota is at most this (1 TiB). */
const QUOTA_MAX = 1024 ** 4;

const notFound = () => new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, 'no such document');
const overQuota = () =>
  new ChatError(ChatErrorCode.CHAT_ERROR_QUOTA_EXCEEDED, 'the documents would exceed the quota');

export class DocumentsService implements UploadPlace {
  readonly key = DOCUMENTS_PLACE;

  constructor(
    private readonly store: DocumentsStore,
    private readonly messenger: Messenger,
    /** The quota per person until the school sets its own (config). */
    private readonly defaultQuota: number,
    private readonly now: () => number = Date.now,
  ) {}

  // ---- The one access rule ----

  /** The caller's own entry, or "not found" (a guest has no documents). */
  private async own(caller: Caller, id: string | null | undefined): Promise<EntryRecord> {
    if (caller.guest || !ENTRY_ID.test(id ?? '')) throw notFound();
    const e = await this.store.get(id ?? '');
    if (!e || e.owner !== caller.user.id) throw notFound();
    return e;
  }

  /** The caller's own folder by id; empty: the top level (null). */
  private async folder(caller: Caller, id: string | null | undefined): Promise<string | null> {
    if (caller.guest) throw notFound();
    if (!id) return null;
    const f = await this.own(caller, id);
    if (!f.folder) throw invalid('not a folder');
    return f.id;
  }

  // ---- Requests ----

  async list(caller: Caller, folderId: string | null | undefined): Promise<cpb.IDocumentList> {
    const folder = await this.folder(caller, folderId);
    const [entries, path, used, quota] = await Promise.all([
      this.store.list(caller.user.id, folder),
      folder ? this.store.path(folder) : Promise.resolve([]),
      this.store.used(caller.user.id),
      this.quota(caller.user.school),
    ]);
    return {
      folderId: folder ?? '',
      path: path.map(wire),
      entries: entries.map(wire),
      usedBytes: used,
      quotaBytes: quota,
    };
  }

  async createFolder(caller: Caller, req: cpb.ICreateDocumentFolderRequest): Promise<cpb.IDocumentList> {
    const parent = await this.folder(caller, req.parentId);
    const name = nameOf(req.name);
    await this.store.createFolder(newId(), caller.user.id, parent, name, this.now());
    return this.list(caller, parent);
  }

  async add(caller: Caller, req: cpb.IAddDocumentsRequest): Promise<cpb.IDocumentList> {
    const parent = await this.folder(caller, req.folderId);
    const ids = [...new Set(req.fileIds ?? [])];
    if (ids.length === 0 || ids.length > FILES_MAX) throw invalid(`add 1 to ${FILES_MAX} files`);
    // The caller's own finished uploads to this place, and not filed already.
    const kept = await this.messenger.files.keep(ids, caller.user.id, placeChat(DOCUMENTS_PLACE));
    const byId = new Map(kept.map((f) => [f.id, f]));
    const filed = await Promise.all(ids.map((id) => this.store.byFile(id)));
    if (ids.some((id, i) => !byId.has(id) || filed[i])) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, 'no such finished upload');
    }
    const files = kept.map((f) => ({ id: newId(), name: f.name, fileId: f.id, type: f.type, size: f.size }));
    const quota = await this.quota(caller.user.school);
    if (!(await this.store.addFiles(caller.user.id, parent, files, quota, this.now()))) {
      await this.messenger.files.discard(ids);
      throw overQuota();
    }
    return this.list(caller, parent);
  }

  async rename(caller: Caller, req: cpb.IRenameDocumentRequest): Promise<cpb.IDocumentList> {
    const e = await this.own(caller, req.entryId);
    await this.store.rename(e.id, nameOf(req.name));
    return this.list(caller, e.parentId);
  }

  async move(caller: Caller, req: cpb.IMoveDocumentRequest): Promise<cpb.IDocumentList> {
    const e = await this.own(caller, req.entryId);
    const target = await this.folder(caller, req.folderId);
    if (target && e.folder && (await this.store.subtree(e.id)).some((d) => d.id === target)) {
      throw invalid('a folder cannot go into itself');
    }
    await this.store.move(e.id, target);
    return this.list(caller, target);
  }

  async remove(caller: Caller, req: cpb.IDeleteDocumentRequest): Promise<cpb.IDocumentList> {
    const e = await this.own(caller, req.entryId);
    // The files go too, unless a chat's message holds them (then the chat keeps them).
    await this.messenger.files.discard(await this.store.remove(e.id));
    return this.list(caller, e.parentId);
  }

  /** Sends the document into a chat: messages.send checks the caller may write there. */
  async share(caller: Caller, req: cpb.IShareDocumentRequest): Promise<cpb.IChatMessage> {
    const e = await this.own(caller, req.entryId);
    if (!e.fileId) throw invalid('a folder cannot be sent');
    return this.messenger.messages.send(caller, {
      chatId: check.chatId(req.chatId),
      clientMessageId: `doc-${e.id}-${this.now()}`.slice(0, 64),
      text: req.text ?? '',
      fileIds: [e.fileId],
    });
  }

  async getQuota(caller: Caller): Promise<cpb.IDocumentsQuota> {
    this.schoolAdmin(caller);
    return { quotaBytes: await this.quota(caller.user.school), defaultBytes: this.defaultQuota };
  }

  async setQuota(caller: Caller, req: cpb.ISetDocumentsQuotaRequest): Promise<cpb.IDocumentsQuota> {
    this.schoolAdmin(caller);
    const bytes = Number(req.quotaBytes ?? 0);
    if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > QUOTA_MAX) {
      throw invalid(`the quota is between 1 and ${QUOTA_MAX} bytes`);
    }
    await this.store.setQuota(caller.user.school, bytes);
    return this.getQuota(caller);
  }

  // ---- The place "documents" of the messenger's uploads ----

  async admit(caller: Caller, size: number): Promise<void> {
    if (caller.guest) throw forbidden('guests have no documents');
    const [used, quota] = await Promise.all([
      this.store.used(caller.user.id),
      this.quota(caller.user.school),
    ]);
    if (used + size > quota) throw overQuota();
  }

  async attachAs(fileId: string, caller: Caller): Promise<string | null> {
    if (caller.guest) return null;
    const e = await this.store.byFile(fileId);
    return e?.owner === caller.user.id ? e.name : null;
  }

  async keeps(fileId: string): Promise<boolean> {
    return (await this.store.byFile(fileId)) !== null;
  }

  private async quota(school: string): Promise<number> {
    return (await this.store.quota(school)) ?? this.defaultQuota;
  }

  private schoolAdmin(caller: Caller): void {
    if (caller.guest || caller.user.role !== 'admin') throw forbidden("only the school's administrator");
  }
}

function newId(): string {
  return `doc_${randomBytes(12).toString('base64url')}`;
}

function nameOf(raw: string | null | undefined): string {
  const name = check.shortText(raw, 'name', NAME_MAX, true);
  if (/[/\\]|\p{Cc}/u.test(name)) throw invalid('a name has no slashes or control characters');
  return name;
}

function wire(e: EntryRecord): cpb.IDocumentEntry {
  return {
    entryId: e.id,
    parentId: e.parentId ?? '',
    folder: e.folder,
    name: e.name,
    fileId: e.fileId ?? '',
    type: e.type,
    size: e.size,
    createdAt: e.createdAt,
  };
}
