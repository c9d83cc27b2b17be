// The messenger's list of chats: a search of one's messages, folder tabs, pinned chats first, each with
// its last message and unread count; below, the school's channels and one's
// own organisation (folders, quiet hours, saved messages). Beside each chat,
// its menu: mark it unread or read (ChatMarks.tsx).
import { preview } from '../chat/format.js';
import { t } from '../i18n/index.js';
import { userText } from '../kit/userText.js';
import { ArchiveToggle, archiveOpen } from './ChatArchive.js';
import { ChatListMenu, UnreadMark, openedChat } from './ChatMarks.js';
import { MuteMark, mutedUntil } from './ChatMute.js';
import { ImportantButton } from './ImportantList.js';
import { MessageSearch } from './MessageSearch.js';
import type { MessengerStore } from './messengerStore.js';
import { Organise } from './organise.js';
import { chatTitle } from './rules.js';
import { ChannelSearch, FolderTabs, PinMark, organisedChats } from './schoolParts.js';

export function ChatList({ store }: { store: MessengerStore }) {
  const selected = store.selected.value;
  return (
    <nav class="chat-list" aria-label={t('chat.list')}>
      <MessageSearch store={store} />
      <ImportantButton store={store} />
      {archiveOpen.value ? <h2 class="archive-title">{t('archive.title')}</h2> : <FolderTabs />}
      <ul>
        {organisedChats(store).map((c) => (
          <li key={c.chatId} class="chat-row">
            <button
              type="button"
              class={`chat-item${c.chatId === selected ? ' active' : ''}`}
              data-chat={c.chatId}
              onClick={() => {
                void store.open(c.chatId ?? '');
                openedChat(store, c.chatId ?? '');
              }}
            >
              <span class="chat-item-title">
                <PinMark chatId={c.chatId} />
                <span {...userText()}>{chatTitle(c)}</span>
                <MuteMark chatId={c.chatId} />
              </span>
              <span {...userText('chat-item-last')}>{preview(c.lastMessage)}</span>
              <span class="chat-item-badges">
                {(c.unreadMentions ?? 0) > 0 && (
                  <span
                    class="badge mention-badge"
                    title={t('chat.mentionsYou')}
                    aria-label={t('chat.mentionsYou')}
                  >
                    @
                  </span>
                )}
                {(c.unread ?? 0) > 0 && (
                  <span
                    class={`badge${mutedUntil(c.chatId) === null ? '' : ' muted'}`}
                    aria-label={t('chat.unread', { count: c.unread ?? 0 })}
                  >
                    {c.unread}
                  </span>
                )}
                <UnreadMark chat={c} />
              </span>
            </button>
            <ChatListMenu store={store} chat={c} />
          </li>
        ))}
      </ul>
      <ArchiveToggle store={store} />
      <ChannelSearch store={store} />
      <Organise store={store} />
    </nav>
  );
}
