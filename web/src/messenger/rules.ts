// A chat's rules as the messenger reads them to decide which buttons to
// show (the server decides again): who may do what, and a chat's title.
import { cpb } from '../protocol/wire.js';

const R = cpb.MemberRole;

export function isChatAdmin(role: cpb.MemberRole | null | undefined): boolean {
  return role === R.MEMBER_ROLE_ADMIN || role === R.MEMBER_ROLE_CREATOR;
}

export function permits(
  rule: cpb.Permission | null | undefined,
  role: cpb.MemberRole | null | undefined,
): boolean {
  if (rule === cpb.Permission.PERMISSION_EVERYONE) return true;
  if (rule === cpb.Permission.PERMISSION_CREATOR) return role === R.MEMBER_ROLE_CREATOR;
  return isChatAdmin(role);
}

/** A direct chat is called by the other person's name. */
export function chatTitle(c: cpb.IChat): string {
  return c.kind === cpb.ChatKind.CHAT_KIND_DIRECT ? (c.peer?.displayName ?? '') : (c.title ?? '');
}
