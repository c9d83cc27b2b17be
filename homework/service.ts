// The rules of homework collections: who creates (a teacher or admin of the
// school who is in the chat), who must hand in (pupils of that chat), who
// sees what (the teacher everyone, a pupil only their own hand-in, a parent
// only their children's), what a hand-in may hold (the pupil's own finished
// uploads for that chat, of the allowed types and size), and when (files are
// replaced until the deadline; a first hand-in after it counts as late; a
// returned one may be handed in again). Anyone else is told "not found".
import { randomBytes } from 'node:crypto';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { ChatError, ChatErrorCode, forbidden, invalid } from '../messaging/errors.js';
import type { FileLinks } from '../messaging/fileLinks.js';
import type { Messenger } from '../messaging/messenger.js';
import type { Caller } from '../messaging/permissions.js';
import * as check from '../messaging/validate.js';
import type { WindowLimit } from '../signaling/security/sharedLimits.js';
import type { AssigneeRecord, CollectionRecord, HandedFile, HomeworkStore } from './store.js';

import cpb = schoolcall.chat.v1;

const TITLE_MAX = 200;
const DESCRIPTION_MAX = 4000;
const FILES_MAX = 20;
const TYPES_MAX = 20;
const PUPILS_MAX = 1000;
const EXTENSION = /^[a-z0-9]{1,10}$/;
const COLLECTION_ID = /^hw_[A-Za-z0-9_-]{16,40}$/;

/** «Напомнить несдавшим» once per collection in 10 minutes (on every host): each tap messages every pupil missing. */
const REMINDERS = { name: 'homework_reminders', limit: 1, windowMs: 10 * 60_000 };

const notFound = () => new ChatError(ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER, 'no such collection');

/** A parent's children (the school's directory says; none when it does not know the person). */
export type ChildrenOf = (caller: Caller) => Promise<string[]>;

/** How the caller stands to a collection. */
type Standing = { kind: 'teacher' } | { kind: 'family'; pupils: string[] };

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export class HomeworkService {
  private readonly reminders: WindowLimit;

  constructor(
    private readonly store: HomeworkStore,
    private readonly messenger: Messenger,
    private readonly childrenOf: ChildrenOf,
    private readonly now: () => number = Date.now,
  ) {
    this.reminders = messenger.limits.window(REMINDERS);
  }

  async create(caller: Caller, req: cpb.ICreateCollectionRequest): Promise<cpb.ICollectionView> {
    if (caller.guest || (caller.user.role !== 'teacher' && caller.user.role !== 'admin')) {
      throw forbidden('only teachers collect files');
    }
    const { chat } = await this.messenger.chats.access(req.chatId ?? '', caller);
    if (chat.kind !== 'group') throw forbidden('files are collected in a class or group chat');
    const title = check.shortText(req.title, 'title', TITLE_MAX, true);
    const description = check.shortText(req.description, 'description', DESCRIPTION_MAX, false);
    const deadline = Number(req.deadline ?? 0);
    if (!Number.isFinite(deadline) || deadline <= this.now())
      throw invalid('the deadline must be in the future');
    const types = [
      ...new Set((req.allowedTypes ?? []).map((t) => t.trim().toLowerCase().replace(/^\./, ''))),
    ];
    if (types.length > TYPES_MAX || types.some((t) => !EXTENSION.test(t))) {
      throw invalid(`allowed types are up to ${TYPES_MAX} file name extensions`);
    }
    const limit = this.messenger.config.maxUploadBytes;
    const maxBytes = Number(req.maxBytes ?? 0) || limit;
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > limit) {
      throw invalid(`the size limit is between 1 and ${limit} bytes`);
    }
    // Who must hand in: pupils of this chat (all of them, or those named).
    const members = await this.messenger.chatStore.allMembers(chat.id);
    const people = await this.messenger.chatStore.users([...members.keys()]);
    const pupils = [...people.values()].filter((u) => u.role === 'student');
    const named = check.userIds(req.pupilIds, PUPILS_MAX);
    const chosen = named.length ? pupils.filter((p) => named.includes(p.id)) : pupils;
    if (named.length && chosen.length !== named.length)
      throw invalid('everyone named must be a pupil of the chat');
    if (chosen.length === 0) throw invalid('the chat has no pupils to collect from');
    // Each collection may remind every pupil missing: collections per hour are capped (personLimits.ts).
    await this.messenger.perPerson.collection(caller.user.id);
    const c: CollectionRecord = {
      id: `hw_${randomBytes(12).toString('base64url')}`,
      school: caller.user.school,
      chatId: chat.id,
      teacherId: caller.user.id,
      teacherName: caller.user.name,
      title,
      description,
      deadline,
      allowedTypes: types,
      maxBytes,
      createdAt: this.now(),
    };
    await this.store.create(
      c,
      chosen.map((p) => ({ id: p.id, name: p.name })),
    );
    // The class hears of it in the chat (and by push, through notifications/).
    await this.messenger.messages.send(caller, {
      chatId: chat.id,
      clientMessageId: `hw-${c.id}`,
      text: `Сбор файлов: «${title}». Сдать до ${moscowTime(deadline)} (время московское). Откройте «Сбор файлов» в шапке чата.`,
    });
    return this.view(caller, c.id);
  }

  async list(caller: Caller, req: cpb.IListCollectionsRequest): Promise<cpb.ICollectionList> {
    let found: CollectionRecord[];
    if (req.chatId) {
      await this.messenger.chats.access(req.chatId, caller);
      found = await this.store.ofChat(req.chatId);
    } else {
      const family = caller.user.role === 'parent' ? await this.childrenOf(caller) : [caller.user.id];
      found = await this.store.concerning(caller.user.id, family);
    }
    const standings = await Promise.all(found.map((c) => this.standing(caller, c).catch(() => null)));
    const visible = found.filter((_, i) => standings[i] !== null);
    const counts = await this.store.counts(visible.map((c) => c.id));
    const titles = await this.chatTitles(visible.map((c) => c.chatId));
    return {
      collections: visible.map((c) =>
        wire(c, caller, titles.get(c.chatId) ?? '', counts.get(c.id) ?? { assigned: 0, submitted: 0 }),
      ),
    };
  }

  async view(caller: Caller, collectionId: string | null | undefined): Promise<cpb.ICollectionView> {
    const c = await this.collection(collectionId);
    const standing = await this.standing(caller, c);
    const rows = await this.store.assignees(c.id, standing.kind === 'teacher' ? null : standing.pupils);
    const counts = (await this.store.counts([c.id])).get(c.id) ?? { assigned: 0, submitted: 0 };
    const titles = await this.chatTitles([c.chatId]);
    return {
      collection: wire(c, caller, titles.get(c.chatId) ?? '', counts),
      submissions: rows.map((r) => submissionOf(r)),
    };
  }

  async submit(caller: Caller, req: cpb.ISubmitFilesRequest): Promise<cpb.ICollectionView> {
    const c = await this.collection(req.collectionId);
    const standing = await this.standing(caller, c);
    if (standing.kind !== 'family' || !standing.pupils.includes(caller.user.id)) throw notFound();
    const [own] = await this.store.assignees(c.id, [caller.user.id]);
    if (!own) throw notFound();
    const now = this.now();
    const late = now > c.deadline;
    if (late && own.submission && !own.submission.returned) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_DEADLINE_PASSED, 'the deadline has passed');
    }
    const ids = [...new Set(req.fileIds ?? [])];
    if (ids.length === 0 || ids.length > FILES_MAX) throw invalid(`hand in 1 to ${FILES_MAX} files`);
    const kept = await this.messenger.files.keep(ids, caller.user.id, c.chatId);
    const byId = new Map(kept.map((f) => [f.id, f]));
    const files: HandedFile[] = ids.map((id) => {
      const f = byId.get(id);
      if (!f) throw new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, `no finished upload ${id}`);
      return { fileId: f.id, name: f.name, type: f.type, size: f.size };
    });
    const refused = files.find(
      (f) =>
        f.size > c.maxBytes || (c.allowedTypes.length > 0 && !c.allowedTypes.includes(extensionOf(f.name))),
    );
    if (refused)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_ALLOWED, `${refused.name} is not taken`);
    const released = await this.store.submit(c.id, caller.user.id, files, now, late);
    await this.messenger.files.discard(released);
    return this.view(caller, c.id);
  }

  async review(caller: Caller, req: cpb.IReviewSubmissionRequest): Promise<cpb.ICollectionView> {
    const c = await this.teachersOwn(caller, req.collectionId);
    const comment = check.shortText(req.comment, 'comment', DESCRIPTION_MAX, false);
    if (!(await this.store.review(c.id, check.userId(req.pupilId, 'pupil_id'), comment, !!req.returned))) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, 'nothing handed in to review');
    }
    return this.view(caller, c.id);
  }

  /** One message to each pupil who has not handed in (or was returned): a direct chat from the teacher. */
  async remind(caller: Caller, req: cpb.IRemindMissingRequest): Promise<cpb.IReminded> {
    const c = await this.teachersOwn(caller, req.collectionId);
    const turn = await this.reminders.take(c.id);
    if (!turn.ok) {
      throw new ChatError(
        ChatErrorCode.CHAT_ERROR_RATE_LIMITED,
        `reminded already; again in ${Math.ceil(turn.retryAfterMs / 60_000)} min`,
      );
    }
    const missing = (await this.store.assignees(c.id)).filter((a) => !a.submission || a.submission.returned);
    const at = this.now();
    const reached: string[] = [];
    for (const a of missing) {
      const direct = await this.messenger.chats.openDirect(caller, a.pupilId);
      await this.messenger.messages.send(caller, {
        chatId: direct.chatId ?? '',
        clientMessageId: `hw-remind-${c.id}-${a.pupilId}-${at}`.slice(0, 64),
        text: `Напоминание: сдайте «${c.title}» до ${moscowTime(c.deadline)} (время московское). Откройте «Сбор файлов» в чате «${(await this.chatTitles([c.chatId])).get(c.chatId) ?? ''}».`,
      });
      reached.push(a.pupilId);
    }
    await this.store.reminded(c.id, reached, at);
    return { count: reached.length };
  }

  /** A download link to one handed-in file, for its teacher, the pupil and the pupil's parents. */
  async fileUrl(
    caller: Caller,
    req: cpb.IGetSubmissionFileUrlRequest,
    links: FileLinks,
  ): Promise<cpb.IFileUrl> {
    const c = await this.collection(req.collectionId);
    const standing = await this.standing(caller, c);
    const pupilId = check.userId(req.pupilId, 'pupil_id');
    // The check that keeps a pupil out of a classmate's files.
    if (standing.kind !== 'teacher' && !standing.pupils.includes(pupilId)) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, 'no such file');
    }
    const [row] = await this.store.assignees(c.id, [pupilId]);
    const file = row?.submission?.files.find((f) => f.fileId === req.fileId);
    if (!file) throw new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, 'no such file');
    return links.signed(file.fileId, caller.user.id);
  }

  /**
   * Whether `userId` may download a handed-in file: the download route asks
   * (messaging's FileRecords readers), with the same rule as fileUrl above.
   */
  async maySeeHandedInFile(fileId: string, userId: string): Promise<boolean> {
    const handIns = await this.store.handInsOf(fileId);
    if (handIns.length === 0) return false;
    const user = (await this.messenger.chatStore.users([userId])).get(userId);
    if (!user) return false;
    for (const h of handIns) {
      const c = await this.store.get(h.collectionId);
      if (!c) continue;
      const standing = await this.standing({ user, guest: false }, c).catch(() => null);
      if (standing?.kind === 'teacher' || standing?.pupils.includes(h.pupilId)) return true;
    }
    return false;
  }

  /** The collection, if it exists; its teacher's standing is checked by teachersOwn. */
  async collection(id: string | null | undefined): Promise<CollectionRecord> {
    const c = COLLECTION_ID.test(id ?? '') ? await this.store.get(id ?? '') : null;
    if (!c) throw notFound();
    return c;
  }

  /** The collection, if the caller is its teacher (or an admin of its school). */
  async teachersOwn(caller: Caller, id: string | null | undefined): Promise<CollectionRecord> {
    const c = await this.collection(id);
    if ((await this.standing(caller, c)).kind !== 'teacher') throw notFound();
    return c;
  }

  /** Everything handed in, for the ZIP: its teacher only. */
  async handedIn(
    caller: Caller,
    id: string,
  ): Promise<{ collection: CollectionRecord; rows: AssigneeRecord[] }> {
    const collection = await this.teachersOwn(caller, id);
    return { collection, rows: await this.store.assignees(collection.id) };
  }

  /**
   * The one rule every homework request goes through: the collection's teacher
   * (or the school's admin), a pupil who is a member of its chat (their own row),
   * a parent of an assignee (their children's rows). Anyone else: "not found".
   */
  private async standing(caller: Caller, c: CollectionRecord): Promise<Standing> {
    if (caller.guest || caller.user.school !== c.school) throw notFound();
    if (caller.user.id === c.teacherId || caller.user.role === 'admin') return { kind: 'teacher' };
    // A pupil reads a collection of a chat they are in (listCollections' rule), never by a bare id.
    if (caller.user.role === 'student') {
      if (!(await this.messenger.chatStore.member(c.chatId, caller.user.id))) throw notFound();
      return { kind: 'family', pupils: [caller.user.id] };
    }
    if (caller.user.role === 'parent') {
      const children = await this.childrenOf(caller);
      const mine = (await this.store.assignees(c.id, children)).map((a) => a.pupilId);
      if (mine.length) return { kind: 'family', pupils: mine };
    }
    throw notFound();
  }

  private async chatTitles(ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of new Set(ids)) out.set(id, (await this.messenger.chatStore.chat(id))?.title ?? '');
    return out;
  }
}

function moscowTime(ms: number): string {
  return new Date(ms).toLocaleString('ru-RU', {
    timeZone: 'Europe/Moscow',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  });
}

function wire(
  c: CollectionRecord,
  caller: Caller,
  chatTitle: string,
  counts: { assigned: number; submitted: number },
): cpb.ICollection {
  return {
    collectionId: c.id,
    chatId: c.chatId,
    chatTitle,
    title: c.title,
    description: c.description,
    deadline: c.deadline,
    allowedTypes: c.allowedTypes,
    maxBytes: c.maxBytes,
    teacherId: c.teacherId,
    teacherName: c.teacherName,
    createdAt: c.createdAt,
    mine: caller.user.id === c.teacherId || caller.user.role === 'admin',
    assigned: counts.assigned,
    submitted: counts.submitted,
  };
}

function submissionOf(r: AssigneeRecord): cpb.ISubmission {
  const s = r.submission;
  const S = cpb.SubmissionState;
  const state = !s
    ? S.SUBMISSION_STATE_MISSING
    : s.returned
      ? S.SUBMISSION_STATE_RETURNED
      : s.late
        ? S.SUBMISSION_STATE_LATE
        : S.SUBMISSION_STATE_SUBMITTED;
  return {
    pupilId: r.pupilId,
    pupilName: r.pupilName,
    state,
    submittedAt: s?.submittedAt ?? 0,
    files: (s?.files ?? []).map((f) => ({ fileId: f.fileId, name: f.name, type: f.type, size: f.size })),
    comment: s?.comment ?? '',
    remindedAt: r.remindedAt ?? 0,
  };
}
