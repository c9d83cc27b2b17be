// One's own marks on a chat, which nobody else sees: «Отметить
// непрочитанным» / «Отметить прочитанным» from the chat list (the server
// keeps the mark in one's prefs, so every device shows it; opening the chat
// takes it off), and «Очистить историю» (the messages so far disappear for
// this person only, on every device; the others keep them).
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Menu, MenuItem } from '../kit/Menu.js';
import { EllipsisVertical, Trash2 } from '../kit/icons.js';
import type { MessengerStore, cpb } from './messengerStore.js';
import { prefs } from './prefsState.js';
import { chatTitle } from './rules.js';

export const isMarkedUnread = (chatId: string | null | undefined) =>
  (prefs.value.markedUnread ?? []).includes(chatId ?? '');

async function setMark(store: MessengerStore, chatId: string, unread: boolean): Promise<void> {
  const r = await store.run(() => store.chat.request({ markUnread: { chatId, unread } }));
  if (r?.prefs) prefs.value = r.prefs;
}

/** Opening a chat marked unread takes the mark off. */
export function openedChat(store: MessengerStore, chatId: string): void {
  if (isMarkedUnread(chatId)) void setMark(store, chatId, false);
}

/** The dot a chat marked unread shows in the list (when it has no count). */
export function UnreadMark({ chat }: { chat: cpb.IChat }) {
  if (!isMarkedUnread(chat.chatId) || (chat.unread ?? 0) > 0) return null;
  return <span class="badge unread-mark" role="img" aria-label={t('marks.marked')} />;
}

/** Beside a chat in the list: mark it unread, or read (its messages and any mark). */
export function ChatListMenu({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const chatId = chat.chatId ?? '';
  const unread = isMarkedUnread(chatId) || (chat.unread ?? 0) > 0;
  const markRead = async () => {
    if ((chat.unread ?? 0) > 0 && chat.lastSeq) {
      const r = await store.run(() => store.chat.request({ markRead: { chatId, seq: chat.lastSeq } }));
      if (r?.read)
        store.putChat({ chatId, readSeq: r.read.seq, unread: r.read.unread ?? 0, unreadMentions: 0 });
    }
    if (isMarkedUnread(chatId)) await setMark(store, chatId, false);
  };
  return (
    <Menu
      label={t('marks.actions', { title: chatTitle(chat) })}
      class="ghost icon-only chat-item-menu"
      data={{ 'data-chat-menu': chatId }}
      button={<EllipsisVertical aria-hidden="true" />}
    >
      {(close) =>
        unread ? (
          <MenuItem close={close} onSelect={() => void markRead()}>
            {t('marks.markRead')}
          </MenuItem>
        ) : (
          <MenuItem close={close} onSelect={() => void setMark(store, chatId, true)}>
            {t('marks.markUnread')}
          </MenuItem>
        )
      }
    </Menu>
  );
}

/** In a chat's people and settings: clear its history for oneself, after a word of what that means. */
export function ClearHistory({ store, chatId }: { store: MessengerStore; chatId: string }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="ghost wide" onClick={() => setAsking(true)}>
        <Trash2 aria-hidden="true" /> {t('marks.clear')}
      </button>
    );
  }
  const clear = async () => {
    const r = await store.run(() => store.chat.request({ clearHistory: { chatId } }));
    setAsking(false);
    if (!r?.chat) return;
    await store.historyCleared(r.chat);
    store.say(t('marks.cleared'), 'done');
  };
  return (
    <div class="row-actions" role="alert">
      <span>{t('marks.clearConfirm')}</span>
      <button type="button" class="ghost" onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
      <button type="button" class="danger" onClick={() => void clear()}>
        {t('marks.clearNow')}
      </button>
    </div>
  );
}
