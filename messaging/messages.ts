// Writing and reading messages: send (text, replies, mentions, attachments,
// polls), edit within the window, delete for everyone, forward, history.
import { createHash } from 'node:crypto';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { ChatService } from './chats.js';
import type { MessagingConfig } from './config.js';
import { ChatError, ChatErrorCode, invalid } from './errors.js';
import {
  type Caller,
  type Reader,
  isChatAdmin,
  mayReadSeq,
  messageFor,
  requireWrite,
  rightsOf,
} from './permissions.js';
import {
  type MyFlags,
  type NewMessage,
  type StoredAttachment,
  type StoredChat,
  type StoredMember,
  type StoredMessage,
  type StoredPoll,
  list,
  messageToWire,
} from './records.js';
import type { ChatStore } from './store/chatStore.js';
import type { CommitFlag, MessageStore } from './store/messageStore.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

/** Chats of a subscriber's questions to a channel's admins (see channels.ts). */
export const QUESTION_PREFIX = 'q.';
const MENTIONS_MAX = 50;
const FILES_MAX = 10;
const FORWARD_MESSAGES_MAX = 20;
const REPLY_PREVIEW_CHARS = 120;
const HISTORY_PAGE_MAX = 100;
const POLL_OPTIONS_MAX = 10;
const CAS_ATTEMPTS = 10;

/** Voice messages' text (voiceNotes.ts): started after the message is stored. */
export interface VoiceTranscriber {
  usable(): boolean;
  transcribe(chatId: string, seq: number, file: StoredAttachment): void;
}

function voiceKind(kind: cpb.VoiceKind, files: StoredAttachment[]): 'audio' | 'video' {
  const [file] = files;
  const type = kind === cpb.VoiceKind.VOICE_KIND_AUDIO ? 'audio' : 'video';
  if (files.length !== 1 || !file || !file.type.startsWith(`${type}/`)) {
    throw invalid(`a ${type} message has exactly one ${type} attachment`);
  }
  return type;
}

/**
 * Finished uploads become attachments of a message (see uploads.ts). The
 * store records which messages hold each file in the send's transaction and
 * releases them with the message (store/fileStore.ts).
 */
export interface AttachmentSource {
  /** The caller's finished uploads for this chat; typed errors otherwise. */
  resolve(caller: Caller, chatId: string, fileIds: string[]): Promise<StoredAttachment[]>;
}

export function notFound(): ChatError {
  return new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_NOT_FOUND, 'no such message');
}

function preview(m: StoredMessage): string {
  const text = m.text || list(m.files)[0]?.name || m.poll?.q || '';
  return [...text].slice(0, REPLY_PREVIEW_CHARS).join('');
}

export class MessageService {
  /** Transcribes voice messages when a model is configured. */
  voice: VoiceTranscriber | null = null;
  /** The time (tests move it forward instead of waiting out the edit window). */
  now: () => number = Date.now;

  constructor(
    private readonly chats: ChatService,
    private readonly chatStore: ChatStore,
    readonly store: MessageStore,
    private readonly config: MessagingConfig,
    private readonly attachments: AttachmentSource,
  ) {}

  /** A message this member may see; typed errors otherwise. */
  async visible(chatId: string, seq: number, member: StoredMember): Promise<StoredMessage> {
    const m = await this.store.get(chatId, seq);
    if (!m || !mayReadSeq(member, m.seq)) throw notFound();
    return m;
  }

  /** A message in one reader's view (permissions.ts readerView); not found if they may not see it. */
  forReader(chatId: string, reader: Reader, m: StoredMessage, mine: MyFlags | null = null): cpb.IChatMessage {
    const out = messageFor(chatId, reader, m, mine);
    if (!out) throw notFound();
    return out;
  }

  async send(caller: Caller, req: cpb.ISendMessageRequest): Promise<cpb.IChatMessage> {
    const chatId = check.chatId(req.chatId);
    const cmid = check.clientMessageId(req.clientMessageId);
    const fileIds = req.fileIds ?? [];
    if (fileIds.length > FILES_MAX) throw invalid(`at most ${FILES_MAX} attachments`);
    const text = check.messageText(req.text, this.config.maxMessageChars, fileIds.length > 0 || !!req.poll);
    const message: NewMessage = {
      kind: req.poll ? 'poll' : 'text',
      from: caller.user.id,
      name: caller.user.name,
      text,
      cmid,
    };
    if (req.poll) message.poll = newPoll(req.poll);
    if (caller.guest) message.guest = true;
    if (req.readConfirmation) message.confirm = true;
    const wanted = check.userIds(req.mentions, MENTIONS_MAX);
    let files: StoredAttachment[] = [];
    // A plain message is checked and stored by the store alone (it checks who
    // may write); replies, mentions and files need the chat read first.
    if (req.replyTo || wanted.length || fileIds.length) {
      const { chat, member } = await this.chats.access(chatId, caller);
      requireWrite(chat, member, caller, !!req.replyTo);
      if (req.replyTo) {
        const replied = await this.visible(chat.id, check.seq(req.replyTo, 'reply_to'), member);
        if (replied.deleted)
          throw new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_DELETED, 'the replied message was deleted');
        message.reply = { seq: replied.seq, name: replied.name, text: preview(replied) };
      }
      const mentions = await this.mentions(chat, member, wanted, caller.user.id);
      if (mentions.length) message.mentions = mentions;
      if (fileIds.length) {
        files = await this.attachments.resolve(caller, chat.id, fileIds);
        message.files = files;
      }
    }
    if (req.voice) {
      message.voice = voiceKind(req.voice, files);
      if (this.voice?.usable()) message.transcribing = true;
    }
    // A channel's admins answer a subscriber's question in the channel's name.
    if (chatId.startsWith(QUESTION_PREFIX)) message.name = await this.questionSenderName(chatId, caller);
    const { message: stored } = await this.store.append(chatId, caller.user.id, cmid, message, caller.guest);
    if (stored.transcribing && files[0]) this.voice?.transcribe(chatId, stored.seq, files[0]);
    return messageToWire(chatId, stored, {
      reactions: [],
      votes: [],
      important: false,
      reader: caller.user.id,
    });
  }

  private async questionSenderName(chatId: string, caller: Caller): Promise<string> {
    const [behalf, member] = await Promise.all([
      this.chatStore.field(chatId, 'behalf'),
      this.chatStore.member(chatId, caller.user.id),
    ]);
    return behalf && member && isChatAdmin(member.role) ? behalf : caller.user.name;
  }

  /** Only members the writer may see by name are mentioned (a subscriber cannot reach other subscribers). */
  private async mentions(
    chat: StoredChat,
    member: StoredMember,
    wanted: string[],
    writer: string,
  ): Promise<string[]> {
    if (wanted.length === 0) return [];
    const members = await Promise.all(wanted.map((id) => this.chatStore.member(chat.id, id)));
    const present = wanted.filter((_, i) => members[i]);
    const visible = new Set(this.chats.visibleIds(chat, member, writer, present));
    const missing = wanted.find((id) => !visible.has(id));
    if (missing) throw invalid(`mentioned ${missing} is not in this chat`);
    return wanted;
  }

  /**
   * Changes one message with compare-and-set, retrying when someone else
   * changed it in between; `change` returns null when there is nothing to do.
   */
  async mutate(
    chatId: string,
    seq: number,
    member: StoredMember,
    change: (m: StoredMessage) => { next: StoredMessage; flag: CommitFlag } | null,
  ): Promise<StoredMessage> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await this.visible(chatId, seq, member);
      const planned = change(current);
      if (!planned) return current;
      const saved = await this.store.commit(chatId, current, planned.next, planned.flag);
      if (saved) return saved;
    }
    throw new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'the message is changing too fast; try again');
  }

  async edit(caller: Caller, req: cpb.IEditMessageRequest): Promise<cpb.IChatMessage> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const seq = check.seq(req.seq);
    const mentions = await this.mentions(
      chat,
      member,
      check.userIds(req.mentions, MENTIONS_MAX),
      caller.user.id,
    );
    const saved = await this.mutate(chat.id, seq, member, (m) => {
      if (m.deleted) throw new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_DELETED, 'the message was deleted');
      if (m.from !== caller.user.id) {
        throw new ChatError(ChatErrorCode.CHAT_ERROR_NOT_YOUR_MESSAGE, 'you edit only your own messages');
      }
      if (m.kind !== 'text') throw invalid('only text messages are edited');
      if (this.now() - m.at > this.config.editWindowMs) {
        throw new ChatError(
          ChatErrorCode.CHAT_ERROR_EDIT_WINDOW_PASSED,
          'messages are edited within 24 hours',
        );
      }
      const text = check.messageText(req.text, this.config.maxMessageChars, list(m.files).length > 0);
      const next: StoredMessage = {
        ...m,
        text,
        edited: this.now(),
        mentions: mentions.length ? mentions : undefined,
      };
      return { next, flag: '' };
    });
    return this.forReader(chat.id, member, saved);
  }

  async delete(caller: Caller, req: cpb.IDeleteMessageRequest): Promise<void> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const seq = check.seq(req.seq);
    // Its files are released in the same transaction (store/fileStore.ts).
    await this.mutate(chat.id, seq, member, (m) => {
      if (m.deleted) return null;
      if (m.kind === 'system') throw invalid('notes of the chat are not deleted');
      if (m.from !== caller.user.id && !rightsOf(chat, member.role).moderate) {
        throw new ChatError(
          ChatErrorCode.CHAT_ERROR_NOT_YOUR_MESSAGE,
          "only the chat's admins delete others' messages",
        );
      }
      const next: StoredMessage = {
        seq: m.seq,
        rev: m.rev,
        at: m.at,
        kind: m.kind,
        from: m.from,
        name: m.name,
        text: '',
        deleted: true,
      };
      return { next, flag: 'deleted' };
    });
  }

  async forward(caller: Caller, req: cpb.IForwardMessagesRequest): Promise<cpb.IForwardResult> {
    const targets = [...new Set((req.toChatIds ?? []).map((id) => check.chatId(id)))];
    if (targets.length === 0) throw invalid('name at least one chat to forward to');
    if (targets.length > this.config.maxForwardTargets) {
      throw new ChatError(
        ChatErrorCode.CHAT_ERROR_TOO_MANY_TARGETS,
        `a message is forwarded to at most ${this.config.maxForwardTargets} chats at once`,
      );
    }
    const seqs = [...new Set((req.seqs ?? []).map((s) => check.seq(s)))].sort((a, b) => a - b);
    if (seqs.length === 0 || seqs.length > FORWARD_MESSAGES_MAX) {
      throw invalid(`forward 1-${FORWARD_MESSAGES_MAX} messages at once`);
    }
    const cmid = check.clientMessageId(req.clientMessageId);
    const { chat: from, member } = await this.chats.access(req.fromChatId ?? '', caller);
    const originals = await Promise.all(seqs.map((s) => this.visible(from.id, s, member)));
    for (const m of originals) {
      if (m.deleted)
        throw new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_DELETED, 'a deleted message is not forwarded');
      if (m.kind !== 'text') throw invalid('only text messages and files are forwarded');
    }
    // Every target is checked before anything is written: a refusal changes nothing.
    const access = await Promise.all(targets.map((id) => this.chats.access(id, caller)));
    for (const a of access) requireWrite(a.chat, a.member, caller);
    const out: cpb.IChatMessage[] = [];
    for (const { chat } of access) {
      for (const m of originals) {
        const copy: NewMessage = {
          kind: 'text',
          from: caller.user.id,
          name: caller.user.name,
          text: m.text,
          fwd: m.fwd ?? { chat: from.id, seq: m.seq, name: m.name, at: m.at },
        };
        if (caller.guest) copy.guest = true;
        const files = list(m.files);
        if (files.length) copy.files = files;
        const id = createHash('sha256')
          .update(`${cmid}\n${chat.id}\n${m.seq}`)
          .digest('base64url')
          .slice(0, 32);
        const { message } = await this.store.append(chat.id, caller.user.id, `fw-${id}`, copy, caller.guest);
        out.push(messageToWire(chat.id, message));
      }
    }
    return { messages: out };
  }

  async history(caller: Caller, req: cpb.IGetHistoryRequest): Promise<cpb.IMessagePage> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const limit = check.limit(req.limit, 50, HISTORY_PAGE_MAX);
    const first = member.visibleFrom;
    let lo: number;
    let hi: number;
    if (req.fromSeq) {
      lo = Math.max(first, req.fromSeq);
      hi = Math.min(chat.seq, lo + limit - 1);
    } else {
      hi = Math.min(chat.seq, (req.beforeSeq || chat.seq + 1) - 1);
      lo = Math.max(first, hi - limit + 1);
    }
    const seqs: number[] = [];
    for (let s = lo; s <= hi; s++) seqs.push(s);
    return {
      chatId: chat.id,
      messages: await this.withFlags(chat.id, caller.user.id, member, seqs),
      atStart: lo <= first,
    };
  }

  /** Messages as one person sees them (permissions.ts readerView), with their own flags. */
  async withFlags(
    chatId: string,
    userId: string,
    reader: Reader,
    seqs: number[],
  ): Promise<cpb.IChatMessage[]> {
    const [messages, flags] = await Promise.all([
      this.store.getMany(chatId, seqs),
      this.store.flags(chatId, userId, seqs),
    ]);
    return messages.flatMap((m, i) => {
      const out = m ? messageFor(chatId, reader, m, flags[i]!) : null;
      return out ? [out] : [];
    });
  }
}

function newPoll(p: cpb.INewPoll): StoredPoll {
  const q = check.shortText(p.question, 'poll question', 300, true);
  const options = (p.options ?? []).map((o) => check.shortText(o, 'poll option', 100, true));
  if (options.length < 2 || options.length > POLL_OPTIONS_MAX) {
    throw invalid(`a poll has 2-${POLL_OPTIONS_MAX} options`);
  }
  const quiz = p.quiz ?? false;
  const correct = p.correctOption ?? -1;
  if (quiz && (p.multiple || !Number.isInteger(correct) || correct < 0 || correct >= options.length)) {
    throw invalid('a quiz has one right option among its options and single choice');
  }
  const closesAt = p.closesAt ?? 0;
  if (
    closesAt !== 0 &&
    (!Number.isFinite(closesAt) || closesAt <= Date.now() || closesAt > Date.now() + 366 * 86400_000)
  ) {
    throw invalid('closes_at must be a time within the next year');
  }
  return {
    q,
    opts: options.map((t) => ({ t, n: 0 })),
    anon: p.anonymous ?? false,
    multi: p.multiple ?? false,
    closesAt,
    closed: false,
    quiz,
    correct: quiz ? correct : -1,
    voters: 0,
  };
}
