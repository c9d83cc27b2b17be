// Finding people to write to or add: the messenger has no school-wide
// directory of its own (the school's systems register people), so the
// search asks the members lists of the person's own chats (surname order,
// any part of the name, ё as е) and merges them, keeping people of the same
// school only (the server refuses others anyway).
import { type MessengerStore, cpb } from './messengerStore.js';

const CHATS_ASKED = 25;
const PER_CHAT = 20;

export async function searchPeople(store: MessengerStore, query: string): Promise<cpb.IUser[]> {
  const me = store.me.value;
  const chats = store
    .sortedChats()
    .filter((c) => c.kind === cpb.ChatKind.CHAT_KIND_GROUP || c.kind === cpb.ChatKind.CHAT_KIND_LESSON)
    .slice(0, CHATS_ASKED);
  const pages = await Promise.all(
    chats.map((c) =>
      store.chat
        .request({ listMembers: { chatId: c.chatId, query, limit: PER_CHAT } })
        .then((r) => r.members?.members ?? [])
        .catch(() => [] as cpb.IMember[]),
    ),
  );
  const fold = (x: string) => x.toLocaleLowerCase('ru').replace(/ё/g, 'е');
  const q = fold(query.trim());
  const found = new Map<string, cpb.IUser>();
  const consider = (u: cpb.IUser | null | undefined) => {
    if (!u?.userId || u.userId === me?.userId || u.schoolId !== me?.schoolId) return;
    if (q && !fold(`${u.displayName ?? ''} ${u.sortName ?? ''}`).includes(q)) return;
    found.set(u.userId, u);
  };
  for (const page of pages) for (const m of page) consider(m.user);
  for (const c of store.sortedChats()) consider(c.peer);
  return [...found.values()].sort((a, b) =>
    (a.sortName || a.displayName || '').localeCompare(b.sortName || b.displayName || '', 'ru'),
  );
}
