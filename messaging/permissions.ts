// Who may do what in a chat. The server decides from the stored membership;
// nothing the client says about roles is trusted.
import { ChatError, ChatErrorCode, forbidden } from './errors.js';
import type { MemberRoleName, PermissionName, StoredChat, StoredMember, StoredUser } from './records.js';

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

/**
 * The first message a member may read: history before they joined is hidden
 * when the chat says so (`visibleFrom`). The read rule for messages, their
 * files and search (which searches from here on in each of one's chats).
 */
export function firstReadableSeq(member: StoredMember): number {
  return Math.max(1, member.visibleFrom);
}

/** The member may read the message numbered `seq` (see firstReadableSeq). */
export function mayReadSeq(member: StoredMember, seq: number): boolean {
  return seq >= firstReadableSeq(member);
}

/** The same rules as send.lua; `reply`: the message answers another (a channel's comments). */
export function requireWrite(chat: StoredChat, member: StoredMember, caller: Caller, reply = false): void {
  if (chat.settings.archived) {
    throw new ChatError(ChatErrorCode.CHAT_ERROR_READ_ONLY, 'the channel is archived');
  }
  if (chat.kind === 'channel' && chat.settings.comments === 'on' && reply) return;
  if (chat.kind === 'lesson' && caller.guest && !chat.settings.guestsWrite && !isChatAdmin(member.role)) {
    throw new ChatError(
      ChatErrorCode.CHAT_ERROR_GUESTS_MAY_NOT_WRITE,
      'the teacher has not let guests write',
    );
  }
  if (chat.kind === 'comments' && chat.settings.comments === 'off' && !isChatAdmin(member.role)) {
    throw new ChatError(ChatErrorCode.CHAT_ERROR_COMMENTS_OFF, 'comments are off');
  }
  if (!permits(chat.settings.write, member.role)) {
    throw new ChatError(ChatErrorCode.CHAT_ERROR_READ_ONLY, 'only the chat admins write here');
  }
}

export function requirePermission(permission: PermissionName, member: StoredMember, what: string): void {
  if (!permits(permission, member.role)) throw forbidden(`you may not ${what} in this chat`);
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
