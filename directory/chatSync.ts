// Brings the directory's chats in line with the plan: creates missing chats,
// adds the people the directory puts in (marked "directory"), takes out those
// it put in and no longer wants, adjusts admins and titles. People who joined
// a chat by themselves or were invited stay whatever the directory says.
import { type ChatService, visibleFromFor } from '../messaging/chats.js';
import type { StoredUser } from '../messaging/records.js';
import type { ChatStore } from '../messaging/store/chatStore.js';
import type { PlannedChat } from './chatPlan.js';
import type { DirectoryStore } from './store.js';

export interface ChatSyncReport {
  created: number;
  renamed: number;
  membersAdded: number;
  membersRemoved: number;
  rolesChanged: number;
  /** Chats no longer in the plan (a class that is gone): emptied of the directory's people. */
  retired: number;
}

export interface ChatSyncDeps {
  chats: ChatService;
  chatStore: ChatStore;
  store: DirectoryStore;
}

const PARALLEL = 16;

async function inParallel<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

export async function syncChats(
  deps: ChatSyncDeps,
  school: string,
  plan: Map<string, PlannedChat>,
  users: Map<string, StoredUser>,
  apply: boolean,
): Promise<ChatSyncReport> {
  const report: ChatSyncReport = {
    created: 0,
    renamed: 0,
    membersAdded: 0,
    membersRemoved: 0,
    rolesChanged: 0,
    retired: 0,
  };
  const slots = await deps.store.slots(school);
  await inParallel([...plan.values()], async (p) => {
    const chatId = slots.get(p.slot);
    if (!chatId) {
      report.created++;
      report.membersAdded += p.members.size;
      if (!apply) return;
      const id = await deps.chats.createForDirectory({
        title: p.title,
        about: p.about,
        createdBy: 'directory',
        members: [...p.members].flatMap(([uid, role]) => {
          const user = users.get(uid);
          return user ? [{ user, role }] : [];
        }),
      });
      await deps.store.recordChat(id, { school, slot: p.slot, kind: p.kind, classId: p.classId });
      return;
    }
    await reconcile(deps, chatId, p.title, p.members, users, report, apply);
  });
  const retired = [...slots].filter(([slot]) => !plan.has(slot));
  await inParallel(retired, async ([, chatId]) => {
    const before = report.membersRemoved;
    await reconcile(deps, chatId, null, new Map(), users, report, apply);
    if (report.membersRemoved > before) report.retired++;
  });
  return report;
}

async function reconcile(
  deps: ChatSyncDeps,
  chatId: string,
  title: string | null,
  wanted: Map<string, 'admin' | 'member'>,
  users: Map<string, StoredUser>,
  report: ChatSyncReport,
  apply: boolean,
): Promise<void> {
  const [chat, members] = await Promise.all([deps.chatStore.chat(chatId), deps.chatStore.allMembers(chatId)]);
  if (!chat) return;
  if (title !== null && chat.title !== title) {
    report.renamed++;
    if (apply) await deps.chatStore.updateChat(chatId, { title });
  }
  const toAdd: { user: StoredUser; role: 'admin' | 'member'; source: 'directory' }[] = [];
  const roleChanges: [string, 'admin' | 'member'][] = [];
  for (const [uid, role] of wanted) {
    const m = members.get(uid);
    if (!m) {
      const user = users.get(uid);
      if (user) toAdd.push({ user, role, source: 'directory' });
    } else if (m.role !== 'creator' && m.role !== role && (m.source === 'directory' || role === 'admin')) {
      roleChanges.push([uid, role]);
    }
  }
  const toRemove = [...members].filter(([uid, m]) => m.source === 'directory' && !wanted.has(uid));
  report.membersAdded += toAdd.length;
  report.membersRemoved += toRemove.length;
  report.rolesChanged += roleChanges.length;
  if (!apply) return;
  if (toAdd.length) {
    await deps.chatStore.addMembers(chatId, toAdd, visibleFromFor(chat), chat.seq);
  }
  for (const [uid, role] of roleChanges) {
    await deps.chatStore.setMemberRole(chatId, uid, members.get(uid)!, role);
  }
  if (toRemove.length) {
    const known = await deps.chatStore.users(toRemove.map(([uid]) => uid));
    for (const [uid] of toRemove) {
      const user = known.get(uid) ?? users.get(uid);
      if (user) await deps.chatStore.removeMember(chatId, user, 'directory');
    }
  }
}
