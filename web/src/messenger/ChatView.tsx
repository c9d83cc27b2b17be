import { useEffect } from 'preact/hooks';
import { chatAwardAction } from '../awards/AwardButtons.js';
// One chat in the messenger: its title and members (the way to its people
// and rules), what kind of chat it is, its messages and the composer, both
// the shared chat components (web/src/chat/) given this chat's actions; or
// why the person cannot write here.
import { Composer } from '../chat/Composer.js';
import { PinnedBar, showMessage } from '../chat/PinnedBar.js';
import { Thread } from '../chat/Thread.js';
import { chatHomeworkAction } from '../homework/HomeworkButtons.js';
import { t } from '../i18n/index.js';
import { ArrowLeft, Users } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { ChatCallButtons, scheduleLessonAction } from '../lessons/ChatCallButtons.js';
import { ChatHeadActions } from './ChatHeadActions.js';
import { composerActions, threadActions } from './chatActions.js';
import { type MessengerStore, cpb } from './messengerStore.js';
import { chatTitle } from './rules.js';
import { ChatExtras } from './schoolParts.js';

export function ChatView({ store, chatId }: { store: MessengerStore; chatId: string }) {
  const c = store.chats.value.get(chatId);
  if (!c) return null;
  const list = store.list(chatId);
  // A channel with comments on takes its subscribers' replies to posts.
  const commenting =
    c.kind === cpb.ChatKind.CHAT_KIND_CHANNEL &&
    c.settings?.comments === cpb.CommentsMode.COMMENTS_MODE_ON &&
    !!store.replyTo.value;
  const readOnly =
    (c.settings?.whoMayWrite === cpb.Permission.PERMISSION_ADMINS &&
      c.myRole === cpb.MemberRole.MEMBER_ROLE_MEMBER &&
      !commenting) ||
    !!c.settings?.archived;
  const members =
    c.kind === cpb.ChatKind.CHAT_KIND_CHANNEL
      ? t('school.subscribers', { count: c.memberCount ?? 0 })
      : t('chat.members', { count: c.memberCount ?? 0 });
  const aboutLabel = `${t('msgr.about')}: ${members}`;
  const openInfo = () => {
    store.sheet.value = 'info';
  };
  return (
    <section class="chat-view" aria-label={chatTitle(c)}>
      <header class="chat-head">
        <button
          type="button"
          class="ghost back"
          aria-label={t('chat.back')}
          onClick={() => {
            store.selected.value = null;
          }}
        >
          <ArrowLeft aria-hidden="true" />
        </button>
        <h2 {...userText()} title={chatTitle(c)}>
          {chatTitle(c)}
        </h2>
        <ChatCallButtons store={store} chat={c} readOnly={readOnly} />
        <ChatHeadActions
          actions={[
            scheduleLessonAction(store, c, readOnly),
            chatHomeworkAction(store, c),
            chatAwardAction(store, c),
          ]}
          menuOnly={[{ id: 'chat-info', label: aboutLabel, icon: Users, open: openInfo }]}
        />
        {/* On a phone it is the «⋯» menu's first item: the title keeps the room. */}
        <button
          type="button"
          class="ghost chat-info-button wide-only"
          id="chat-info-button"
          aria-label={aboutLabel}
          onClick={openInfo}
        >
          <Users aria-hidden="true" />
          <small>{members}</small>
        </button>
      </header>
      <ChatExtras store={store} chat={c} />
      <ChatPins store={store} chat={c} />
      <Thread
        key={chatId}
        messages={list}
        actions={threadActions(store, chatId)}
        label={chatTitle(c)}
        hasOlder={store.hasOlder(chatId)}
        older={() => store.older(chatId)}
      />
      {readOnly ? (
        <p class="read-only">{t(c.settings?.archived ? 'msgr.archivedChannel' : 'chat.readOnly')}</p>
      ) : (
        <Composer actions={composerActions(store, chatId)} state={store} idPrefix="composer" labelledSend />
      )}
    </section>
  );
}

/** The chat's pinned bar: its pins as the chat lists them, named from what we hold or fetched. */
function ChatPins({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const chatId = chat.chatId ?? '';
  const seqs = chat.pinned ?? [];
  const key = seqs.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: fetched again when the pins change
  useEffect(() => {
    if (seqs.length) void store.loadPins(chatId);
  }, [chatId, key]);
  return (
    <PinnedBar
      pins={seqs.map((seq) => ({ seq, m: store.held(chatId, seq) }))}
      jump={(seq) => void store.reveal(chatId, seq).then(() => requestAnimationFrame(() => showMessage(seq)))}
    />
  );
}
