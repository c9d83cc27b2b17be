// Who may do what in a chat. The server decides from the stored membership;
// nothing the client says about roles is trusted.
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { ChatError, ChatErrorCode, forbidden } from './errors.js';
import {
  type MemberRoleName,
  type MyFlags,
  type PermissionName,
  type StoredChat,
  type StoredMember,
  type StoredMessage,
  type StoredUser,
  messageToWire,
} from './records.js';

import cpb = schoolcall.chat.v1;

export function isChatAdmin(role: MemberRoleName): boolean {
  return role === 'admin' || role === 'creator';
}

export function permits(permission: PermissionName, role: MemberRoleName): boolean {
  switch (permission) {
    case 'everyone':
      return true;
    case 'admins':
      return isChatAdmin(role);
    case 'creator':
      return role === 'creator';
  }
}

/** Someone reading or writing through the messenger or a call. */
export interface Caller {
  user: StoredUser;
  /** In a call by code and password, without an account. */
  guest: boolean;
}

export function requireMember(
  chat: StoredChat | null,
  member: StoredMember | null,
): asserts chat is StoredChat {
  if (!chat) throw new ChatError(ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND, 'no such chat');
  if (!member) throw new ChatError(ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER, 'you are not in this chat');
}

/** Who reads a chat: from which message on (a member's `visibleFrom`). */
export type Reader = Pick<StoredMember, 'visibleFrom'>;

/**
 * The first message a member may read: history before they joined is hidden
 * when the chat says so (`visibleFrom`; a guest of a lesson sees that
 * lesson's only). The read rule for messages, their files and search (which
 * searches from here on in each of one's chats).
 */
export function firstReadableSeq(member: Reader): number {
  return Math.max(1, member.visibleFrom);
}

/** The member may read the message numbered `seq` (see firstReadableSeq). */
export function mayReadSeq(member: Reader, seq: number): boolean {
  return seq >= firstReadableSeq(member);
}

/**
 * A message as `reader` may see it, or null if they may not see it at all:
 * a reply keeps its preview of the replied message only if the reader may
 * read that one too (a newcomer would get earlier history through replies).
 * Every path that hands a message to someone goes through this (messageFor):
 * history, live events, catch-up, pins, search, the call's lesson chat.
 */
export function readerView(reader: Reader, m: StoredMessage): StoredMessage | null {
  if (!mayReadSeq(reader, m.seq)) return null;
  if (m.reply && !mayReadSeq(reader, m.reply.seq)) {
    const { reply: _hidden, ...rest } = m;
    return rest;
  }
  return m;
}

/** The wire form of a message for one reader (readerView), or null. */
export function messageFor(
  chatId: string,
  reader: Reader,
  m: StoredMessage,
  mine: MyFlags | null = null,
): cpb.IChatMessage | null {
  const view = readerView(reader, m);
  return view ? messageToWire(chatId, view, mine) : null;
}

/**
 * Whose membership and marks (reactions, poll votes, reads) a member may see
 * by name: everyone's, except in a channel, whose subscribers (a school's
 * pupils and parents) are listed to its admins only; a subscriber sees
 * themselves. Members lists, who reacted, who voted and read receipts all
 * ask this.
 */
export function seesPeopleOf(chat: StoredChat, member: StoredMember): 'all' | 'self' {
  return chat.kind === 'channel' && !isChatAdmin(member.role) ? 'self' : 'all';
}

/** What a member may do in a chat: the one table of the chat's rules (see rightsOf). */
export interface ChatRights {
  /** Post a message (not counting comments under a channel's posts). */
  write: boolean;
  /** Reply to a channel's posts (its comments). */
  comment: boolean;
  pin: boolean;
  /** Delete anyone's message for everyone, close anyone's poll, see who read anyone's message. */
  moderate: boolean;
  invite: boolean;
  editInfo: boolean;
  appointAdmins: boolean;
  changeSettings: boolean;
  /** Hand the chat over to another member (its creator only). */
  transfer: boolean;
}

/**
 * Why `role` (a guest of a lesson, if `guest`) may not post in `chat` (a
 * reply, if `reply`), or null if they may. The write rule, used by every
 * path that posts and by rightsOf.
 */
export function writeRefusal(
  chat: StoredChat,
  role: MemberRoleName,
  guest: boolean,
  reply: boolean,
): ChatError | null {
  if (chat.settings.archived) {
    return new ChatError(ChatErrorCode.CHAT_ERROR_READ_ONLY, 'the channel is archived');
  }
  if (chat.kind === 'channel' && chat.settings.comments === 'on' && reply) return null;
  if (chat.kind === 'lesson' && guest && !chat.settings.guestsWrite && !isChatAdmin(role)) {
    return new ChatError(
      ChatErrorCode.CHAT_ERROR_GUESTS_MAY_NOT_WRITE,
      'the teacher has not let guests write',
    );
  }
  if (chat.kind === 'comments' && chat.settings.comments === 'off' && !isChatAdmin(role)) {
    return new ChatError(ChatErrorCode.CHAT_ERROR_COMMENTS_OFF, 'comments are off');
  }
  if (!permits(chat.settings.write, role)) {
    return new ChatError(ChatErrorCode.CHAT_ERROR_READ_ONLY, 'only the chat admins write here');
  }
  return null;
}

/** `reply`: the message answers another (a channel's comments). */
export function requireWrite(chat: StoredChat, member: StoredMember, caller: Caller, reply = false): void {
  const refusal = writeRefusal(chat, member.role, caller.guest, reply);
  if (refusal) throw refusal;
}

/**
 * Everything a member of `role` may do in `chat`: what the handlers check
 * (through requireRight and requireWrite) and what clients are told, so a
 * client offers only what the server would allow.
 */
export function rightsOf(chat: StoredChat, role: MemberRoleName, guest = false): ChatRights {
  const group = chat.kind === 'group';
  const channel = chat.kind === 'channel';
  const direct = chat.kind === 'direct';
  const admin = isChatAdmin(role);
  return {
    write: writeRefusal(chat, role, guest, false) === null,
    comment: writeRefusal(chat, role, guest, true) === null,
    pin: permits(chat.settings.pin, role),
    moderate: admin,
    invite: (group || channel) && permits(chat.settings.invite, role),
    editInfo: !direct && permits(chat.settings.editInfo, role),
    appointAdmins: (group || channel) && permits(chat.settings.appoint, role),
    changeSettings: !direct && admin,
    transfer: (group || channel) && role === 'creator',
  };
}

/** Refuses unless a member of this role may do `right` in the chat. */
export function requireRight(
  chat: StoredChat,
  member: StoredMember,
  right: keyof ChatRights,
  what: string,
): void {
  if (!rightsOf(chat, member.role)[right]) throw forbidden(`you may not ${what} in this chat`);
}

/**
 * Refuses unless the caller may set how long the chat keeps messages (its
 * auto-deletion): those who change its settings, or the school's admin in
 * the chat (a member with the person role 'admin'). Not in direct chats.
 */
export function requireRetentionRight(chat: StoredChat, member: StoredMember, caller: Caller): void {
  if (mayChangeRetention(chat, member, caller)) return;
  throw forbidden('you may not change how long this chat keeps messages');
}

export function mayChangeRetention(chat: StoredChat, member: StoredMember, caller: Caller): boolean {
  if (chat.kind !== 'group' && chat.kind !== 'channel') return false;
  return rightsOf(chat, member.role).changeSettings || (caller.user.role === 'admin' && !caller.guest);
}

/** People of one school see and add each other; the directory refines this per role. */
export function requireSameSchool(caller: Caller, other: StoredUser): void {
  if (caller.user.school !== other.school) {
    throw new ChatError(ChatErrorCode.CHAT_ERROR_USER_NOT_FOUND, `no such user ${other.id}`);
  }
}

/**
 * The school's own rules on top of the chat's (the directory implements it):
 * who may reach whom, create what, and be in which chat. Each throws a typed
 * ChatError to refuse; without a policy only the same-school rule applies.
 */
export interface SchoolPolicy {
  mayReach(caller: Caller, others: StoredUser[]): Promise<void>;
  mayCreate(caller: Caller, kind: 'group' | 'channel'): Promise<void>;
  mayEnter(chatId: string, users: StoredUser[]): Promise<void>;
}
