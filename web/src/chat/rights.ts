// What the person may do in a chat, as the server said: each chat carries a
// row of rights per role (decided by the server's rules), and the person's
// row is the one of their role there (a lesson's guest has a row of its
// own). Views show a control only when its right is here; the server
// decides again.
import { cpb } from './format.js';

const NONE: cpb.IChatRights = {};

export function myRights(chat: cpb.IChat | null | undefined, guest = false): cpb.IChatRights {
  const rows = chat?.rights;
  if (!rows) return NONE;
  if (guest) return rows.guest ?? NONE;
  switch (chat?.myRole) {
    case cpb.MemberRole.MEMBER_ROLE_CREATOR:
      return rows.creator ?? NONE;
    case cpb.MemberRole.MEMBER_ROLE_ADMIN:
      return rows.admin ?? NONE;
    case cpb.MemberRole.MEMBER_ROLE_MEMBER:
      return rows.member ?? NONE;
    default:
      return NONE;
  }
}
