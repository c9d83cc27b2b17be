// One's own archive of chats: «В архив» in a chat moves it out of the list
// (nobody else sees it; its messages and notifications stay as they were),
// «Архив: N» under the list shows the archived ones, «Из архива» brings one back.
import { signal } from '@preact/signals';
import { t } from '../i18n/index.js';
import type { MessengerStore, cpb } from './messengerStore.js';
import { prefs } from './prefsState.js';

/** Whether the list shows the archive instead of the other chats. */
export const archiveOpen = signal(false);

export const isArchived = (chatId: string | null | undefined) =>
  (prefs.value.archivedChats ?? []).includes(chatId ?? '');

/** In a chat: «В архив» or «Из архива». */
export function ArchiveButton({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const archived = isArchived(chat.chatId);
  const toggle = async () => {
    const r = await store.run(() =>
      store.chat.request({ archiveChat: { chatId: chat.chatId, archived: !archived } }),
    );
    if (!r?.prefs) return;
    prefs.value = r.prefs;
    store.say(archived ? t('archive.restored') : t('archive.moved'), 'done');
  };
  return (
    <button type="button" class="ghost" onClick={() => void toggle()}>
      {archived ? t('archive.restore') : t('archive.move')}
    </button>
  );
}

/** Under the list: the way into the archive (while it holds anything) and back. */
export function ArchiveToggle({ store }: { store: MessengerStore }) {
  const ids = prefs.value.archivedChats ?? [];
  const mine = ids.filter((id) => store.chats.value.has(id));
  if (!mine.length && !archiveOpen.value) return null;
  const unread = mine.reduce((n, id) => n + (store.chats.value.get(id)?.unread ?? 0), 0);
  return (
    <button
      type="button"
      class="ghost archive-toggle"
      aria-pressed={archiveOpen.value}
      onClick={() => {
        archiveOpen.value = !archiveOpen.value;
      }}
    >
      {archiveOpen.value ? t('archive.close') : t('archive.open', { count: mine.length })}
      {!archiveOpen.value && unread > 0 ? (
        <span class="badge muted" aria-label={t('chat.unread', { count: unread })}>
          {unread}
        </span>
      ) : null}
    </button>
  );
}
