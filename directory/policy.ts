// The school's rules for the messenger, from the directory: a pupil is reached
// only by the school's teachers, other pupils and their own parents; only
// teachers and admins create channels; a chat the directory built admits only
// its class's people (a parent sees the parents' chat of their own child's
// class). Schools without a directory keep the messenger's same-school rule.
import { ChatError, ChatErrorCode } from '../messaging/errors.js';
import type { Caller, SchoolPolicy } from '../messaging/permissions.js';
import type { StoredUser } from '../messaging/records.js';
import type { Placement } from './model.js';
import type { DirectoryChat, DirectoryStore } from './store.js';

const isStaff = (p: Placement | null) => p?.role === 'teacher' || p?.role === 'admin';

export class DirectoryPolicy implements SchoolPolicy {
  constructor(private readonly store: DirectoryStore) {}

  async mayReach(caller: Caller, others: StoredUser[]): Promise<void> {
    const school = caller.user.school;
    const involvesPupil = caller.user.role === 'student' || others.some((o) => o.role === 'student');
    if (!involvesPupil || !(await this.store.hasDirectory(school))) return;
    const [me, ...them] = await this.store.placements(school, [caller.user.id, ...others.map((o) => o.id)]);
    others.forEach((other, i) => {
      if (other.id === caller.user.id) return;
      const you = them[i] ?? null;
      if (!mayTalk(caller.user.id, me ?? null, other.id, you)) {
        throw new ChatError(
          ChatErrorCode.CHAT_ERROR_PUPIL_PROTECTED,
          "a pupil is reached only by the school's teachers, pupils and their own parents",
        );
      }
    });
  }

  async mayCreate(caller: Caller, kind: 'group' | 'channel'): Promise<void> {
    if (kind !== 'channel') return;
    const [me] = await this.store.placements(caller.user.school, [caller.user.id]);
    const role = me?.role ?? caller.user.role;
    if (role !== 'teacher' && role !== 'admin') {
      throw new ChatError(
        ChatErrorCode.CHAT_ERROR_ROLE_NOT_ALLOWED,
        'only teachers and admins create channels',
      );
    }
  }

  async mayEnter(chatId: string, users: StoredUser[]): Promise<void> {
    const info = await this.store.chatInfo(chatId);
    if (!info) return;
    const found = await this.store.placements(
      info.school,
      users.map((u) => u.id),
    );
    users.forEach((u, i) => {
      if (!inAudience(info, found[i] ?? null)) {
        throw new ChatError(
          ChatErrorCode.CHAT_ERROR_OUTSIDE_AUDIENCE,
          `${u.name} is not among the people of this ${info.kind} chat`,
        );
      }
    });
  }
}

/** Whether two people may write to each other directly when one of them is a pupil. */
export function mayTalk(aId: string, a: Placement | null, bId: string, b: Placement | null): boolean {
  if (!a || !b) return false;
  if (a.role !== 'student' && b.role !== 'student') return true;
  if (isStaff(a) || isStaff(b)) return true;
  if (a.role === 'student' && b.role === 'student') return true;
  const [parent, pupilId] = a.role === 'parent' ? [a, bId] : [b, aId];
  return parent.role === 'parent' && (parent.children ?? []).includes(pupilId);
}

/** Who belongs in a chat the directory built. */
export function inAudience(chat: DirectoryChat, p: Placement | null): boolean {
  if (!p) return false;
  if (isStaff(p)) return true;
  switch (chat.kind) {
    case 'teachers':
      return false;
    case 'parents':
      return p.role === 'parent' && p.classes.includes(chat.classId);
    case 'class':
    case 'subject':
      return p.role === 'student' && p.classes.includes(chat.classId);
  }
}
