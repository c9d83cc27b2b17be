// Everything people put on messages besides text: reactions and who reacted,
// pins, one's own "important" marks, read marks, read receipts, one's own
// cleared history, and polls.
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { ChatService } from './chats.js';
import { ChatError, ChatErrorCode, forbidden, invalid } from './errors.js';
import type { MessageService } from './messages.js';
import { type Caller, firstReadableSeq, requireRight, rightsOf, seesPeopleOf } from './permissions.js';
import type { PersonLimits } from './personLimits.js';
import { type StoredUser, list, quizAnswerVisible, userToWire } from './records.js';
import type { ChatStore } from './store/chatStore.js';
import { type ImportantPlace, importantAcross } from './store/importantAcross.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

const REACTIONS_PER_PERSON = 3;
const LIST_MAX = 100;
const ACROSS_DEFAULT = 20;
const ACROSS_MAX = 50;

function byName(a: StoredUser, b: StoredUser): number {
  return a.sort.localeCompare(b.sort, 'ru') || a.id.localeCompare(b.id);
}

export class MessageMarks {
  constructor(
    private readonly chats: ChatService,
    private readonly chatStore: ChatStore,
    private readonly messages: MessageService,
    private readonly perPerson: PersonLimits,
  ) {}

  private get store() {
    return this.messages.store;
  }

  async react(caller: Caller, req: cpb.IReactRequest): Promise<cpb.IChatMessage> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const seq = check.seq(req.seq);
    const emoji = check.emoji(req.emoji);
    await this.messages.visible(chat.id, seq, member);
    // Each reaction is an update to every member: counted per person and chat, on every host.
    await this.perPerson.reaction(caller.user.id, chat.id);
    const { message, mine } = await this.store.react(
      chat.id,
      seq,
      caller.user.id,
      emoji,
      req.add ?? false,
      REACTIONS_PER_PERSON,
    );
    return this.messages.forReader(chat.id, member, message, mine);
  }

  async reactions(caller: Caller, req: cpb.IGetReactionsRequest): Promise<cpb.IReactionsResult> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const seq = check.seq(req.seq);
    await this.messages.visible(chat.id, seq, member);
    const byUser = await this.store.reactionsOf(chat.id, seq);
    if (seesPeopleOf(chat, member) === 'self') {
      for (const id of [...byUser.keys()]) if (id !== caller.user.id) byUser.delete(id);
    }
    const users = await this.chatStore.users([...byUser.keys()]);
    return {
      reactions: [...users.values()]
        .sort(byName)
        .map((u) => ({ user: userToWire(u), emojis: byUser.get(u.id) ?? [] })),
    };
  }

  async pin(caller: Caller, req: cpb.IPinMessageRequest): Promise<cpb.IChatMessage> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    requireRight(chat, member, 'pin', 'pin messages');
    const pin = req.pin ?? false;
    const saved = await this.messages.mutate(chat.id, check.seq(req.seq), member, (m) => {
      if (m.deleted) throw new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_DELETED, 'the message was deleted');
      if ((m.pinned ?? false) === pin) return null;
      return { next: { ...m, pinned: pin }, flag: pin ? 'pinned' : 'unpinned' };
    });
    return this.messages.forReader(chat.id, member, saved);
  }

  async listPinned(caller: Caller, req: cpb.IListPinnedRequest): Promise<cpb.IMessagePage> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const seqs = (await this.chatStore.pins(chat.id, LIST_MAX)).filter((s) => s >= member.visibleFrom);
    return {
      chatId: chat.id,
      messages: await this.messages.withFlags(chat.id, caller.user.id, member, seqs),
    };
  }

  async markImportant(caller: Caller, req: cpb.IMarkImportantRequest): Promise<cpb.IChatMessage> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const seq = check.seq(req.seq);
    const m = await this.messages.visible(chat.id, seq, member);
    const mine = await this.store.setImportant(chat.id, seq, caller.user.id, req.important ?? false);
    return this.messages.forReader(chat.id, member, m, mine);
  }

  async listImportant(caller: Caller, req: cpb.IListImportantRequest): Promise<cpb.IMessagePage> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const seqs = (await this.store.importantSeqs(chat.id, caller.user.id, LIST_MAX)).filter(
      (s) => s >= member.visibleFrom,
    );
    return {
      chatId: chat.id,
      messages: await this.messages.withFlags(chat.id, caller.user.id, member, seqs),
    };
  }

  /**
   * One's important messages across all one's chats, newest first, a page
   * at a time: from each chat only what the read rule lets one read now
   * (firstReadableSeq for the range, messageFor for each message).
   */
  async listAllImportant(caller: Caller, req: cpb.IListAllImportantRequest): Promise<cpb.IImportantPage> {
    const limit = check.limit(req.limit, ACROSS_DEFAULT, ACROSS_MAX);
    let after: ImportantPlace | null = null;
    if (req.after) {
      const at = req.after.sentAt;
      if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) {
        throw invalid('after.sent_at must be a time');
      }
      after = { chatId: check.chatId(req.after.chatId), seq: check.seq(req.after.seq, 'after.seq'), at };
    }
    const members = await this.chatStore.memberships(caller.user.id);
    const ranges = [...members].map(([chatId, member]) => ({ chatId, from: firstReadableSeq(member) }));
    const places = await importantAcross(this.store.db, caller.user.id, ranges, after, limit + 1);
    const page = places.slice(0, limit);
    const byChat = new Map<string, number[]>();
    for (const p of page) byChat.set(p.chatId, [...(byChat.get(p.chatId) ?? []), p.seq]);
    const found = new Map<string, cpb.IChatMessage>();
    await Promise.all(
      [...byChat].map(async ([chatId, seqs]) => {
        const member = members.get(chatId)!;
        for (const m of await this.messages.withFlags(chatId, caller.user.id, member, seqs)) {
          found.set(`${chatId}/${m.seq}`, m);
        }
      }),
    );
    return {
      messages: page.flatMap((p) => {
        const m = found.get(`${p.chatId}/${p.seq}`);
        return m ? [m] : [];
      }),
      more: places.length > limit,
    };
  }

  async markRead(caller: Caller, req: cpb.IMarkReadRequest): Promise<cpb.IReadMark> {
    const { chat } = await this.chats.access(req.chatId ?? '', caller);
    const { readSeq, unread } = await this.chatStore.markRead(chat.id, caller.user.id, check.seq(req.seq));
    return { chatId: chat.id, userId: caller.user.id, seq: readSeq, unread };
  }

  /**
   * Clears the chat's history for the caller alone: the messages so far go
   * below their first readable one (the one read rule, firstReadableSeq, so
   * history, search, pins and every device follow) and count as read; the
   * person's other devices are told (ChatEvent.history_cleared).
   */
  async clearHistory(caller: Caller, req: cpb.IClearHistoryRequest): Promise<cpb.IChat> {
    if (caller.guest) throw forbidden('guests keep the lesson chat as it is');
    const { chat } = await this.chats.access(req.chatId ?? '', caller);
    const hidden = await this.chatStore.hideHistoryFrom(chat.id, caller.user.id);
    if (hidden === null)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER, 'you are not in this chat');
    await this.chatStore.markRead(chat.id, caller.user.id, hidden.last);
    // After the read mark, so the other devices' summary counts nothing unread.
    await this.chatStore.historyCleared(chat.id, caller.user.id, hidden.visibleFrom);
    return this.chats.summaryFor(chat.id, caller.user.id);
  }

  /** Who has read a message and who has not: for its sender and the chat's admins. */
  async readBy(caller: Caller, req: cpb.IGetReadByRequest): Promise<cpb.IReadByResult> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const m = await this.messages.visible(chat.id, check.seq(req.seq), member);
    if (
      (m.from !== caller.user.id && !rightsOf(chat, member.role).moderate) ||
      seesPeopleOf(chat, member) === 'self'
    ) {
      throw forbidden('read receipts are for the sender and the chat admins');
    }
    const [ids, marks, members] = await Promise.all([
      this.chatStore.memberIdsByName(chat.id),
      this.chatStore.readMarks(chat.id),
      this.chatStore.allMembers(chat.id),
    ]);
    // People who joined after the message cannot read it; the sender is not counted.
    const eligible = ids.filter((id) => id !== m.from && (members.get(id)?.visibleFrom ?? 1) <= m.seq);
    const read = eligible.filter((id) => (marks.get(id) ?? 0) >= m.seq);
    const unread = eligible.filter((id) => (marks.get(id) ?? 0) < m.seq);
    const offset = req.offset ?? 0;
    const limit = check.limit(req.limit, 50, 500);
    const pageIds = [...read.slice(offset, offset + limit), ...unread.slice(offset, offset + limit)];
    const users = await this.chatStore.users(pageIds);
    const toUsers = (list: string[]) =>
      list.slice(offset, offset + limit).flatMap((id) => {
        const u = users.get(id);
        return u ? [userToWire(u)] : [];
      });
    return {
      read: toUsers(read),
      unread: toUsers(unread),
      readCount: read.length,
      unreadCount: unread.length,
    };
  }

  async vote(caller: Caller, req: cpb.IVoteRequest): Promise<cpb.IVoteResult> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const seq = check.seq(req.seq);
    const options = req.options ?? [];
    if (options.length === 0 || options.length > 16) throw invalid('choose at least one option');
    await this.messages.visible(chat.id, seq, member);
    const { message, mine } = await this.store.vote(chat.id, seq, caller.user.id, options);
    return { message: this.messages.forReader(chat.id, member, message, mine) };
  }

  async closePoll(caller: Caller, req: cpb.IClosePollRequest): Promise<cpb.IChatMessage> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const saved = await this.messages.mutate(chat.id, check.seq(req.seq), member, (m) => {
      if (m.deleted) throw new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_DELETED, 'the message was deleted');
      if (!m.poll) throw new ChatError(ChatErrorCode.CHAT_ERROR_NOT_A_POLL, 'the message is not a poll');
      if (m.from !== caller.user.id && !rightsOf(chat, member.role).moderate) {
        throw forbidden("a poll is closed by its author or the chat's admins");
      }
      if (m.poll.closed)
        throw new ChatError(ChatErrorCode.CHAT_ERROR_POLL_CLOSED, 'the poll is already closed');
      return { next: { ...m, poll: { ...m.poll, opts: list(m.poll.opts), closed: true } }, flag: '' };
    });
    return this.messages.forReader(chat.id, member, saved);
  }

  async pollVoters(caller: Caller, req: cpb.IGetPollVotersRequest): Promise<cpb.IPollVotersResult> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const m = await this.messages.visible(chat.id, check.seq(req.seq), member);
    if (!m.poll) throw new ChatError(ChatErrorCode.CHAT_ERROR_NOT_A_POLL, 'the message is not a poll');
    if (m.poll.anon) throw forbidden('the poll is anonymous');
    const option = req.option ?? 0;
    if (option >= list(m.poll.opts).length) throw invalid('no such option');
    const votes = await this.store.votesOf(chat.id, m.seq);
    // An open quiz's choices wait for one's own answer, like its counts.
    const mine = {
      reactions: [],
      votes: votes.get(caller.user.id) ?? [],
      important: false,
      reader: caller.user.id,
    };
    if (m.poll.quiz && !quizAnswerVisible(m.poll, m.from, mine))
      throw forbidden("a quiz's answers are shown after one's own");
    const self = seesPeopleOf(chat, member) === 'self';
    const ids = [...votes]
      .filter(([id, opts]) => opts.includes(option) && (!self || id === caller.user.id))
      .map(([id]) => id);
    const users = await this.chatStore.users(ids);
    return { voters: [...users.values()].sort(byName).map(userToWire) };
  }
}
