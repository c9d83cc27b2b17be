// The messenger page: the list of chats (ChatList) and, beside it, a chat
// (ChatView), a new chat or a chat's people and rules. On a phone one of
// the two shows at a time.
import { AwardBoardSheet } from '../awards/AwardBoard.js';
import { MyAwardsButton } from '../awards/AwardButtons.js';
import { ClassAwards } from '../awards/ClassAwards.js';
import { DocumentsSheet, MyDocumentsButton } from '../documents/DocumentsSheet.js';
import { MyHomeworkButton } from '../homework/HomeworkButtons.js';
import { HomeworkSheet } from '../homework/HomeworkSheet.js';
import { t } from '../i18n/index.js';
import { ConfirmHost } from '../kit/Confirm.js';
import { LanguageSwitch } from '../kit/LanguageSwitch.js';
import { House, MessageSquarePlus } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { LessonReminder } from '../lessons/LessonReminder.js';
import { MyLessons, MyLessonsButton } from '../lessons/MyLessons.js';
import { Ringing } from '../lessons/Ringing.js';
import { ScheduleLesson } from '../lessons/ScheduleLesson.js';
import { ChatInfo } from './ChatInfo.js';
import { ChatList } from './ChatList.js';
import { ChatView } from './ChatView.js';
import { ImportantList } from './ImportantList.js';
import { NewChat } from './NewChat.js';
import type { MessengerStore } from './messengerStore.js';
import { notice } from './schoolParts.js';

/** The right side (the whole screen on a phone): a new chat, a chat's people and rules, or the chat. */
function Side({ store }: { store: MessengerStore }) {
  const selected = store.selected.value;
  const sheet = store.sheet.value;
  if (sheet === 'new') return <NewChat store={store} />;
  if (sheet === 'lessons') return <MyLessons store={store} />;
  if (sheet === 'homework-all') return <HomeworkSheet store={store} chatId={null} />;
  if (sheet === 'awards') return <AwardBoardSheet store={store} />;
  if (sheet === 'documents') return <DocumentsSheet store={store} />;
  if (sheet === 'important') return <ImportantList store={store} />;
  if (!selected) return <p class="no-chat">{t('chat.choose')}</p>;
  if (sheet === 'info') return <ChatInfo key={selected} store={store} chatId={selected} />;
  const chat = store.chats.value.get(selected);
  if (sheet === 'schedule' && chat) return <ScheduleLesson key={selected} store={store} chat={chat} />;
  if (sheet === 'class-awards' && chat) return <ClassAwards key={selected} store={store} chat={chat} />;
  if (sheet === 'homework' && chat) return <HomeworkSheet key={selected} store={store} chatId={selected} />;
  return <ChatView store={store} chatId={selected} />;
}

/** `home`: the page runs on a signed-in session, whose home (lessons, devices, signing out) is a tap away. */
export function Messenger({ store, home = false }: { store: MessengerStore; home?: boolean }) {
  const open = Boolean(store.selected.value || store.sheet.value);
  return (
    <main class={`messenger${open ? ' has-chat' : ''}`}>
      <header class="messenger-head">
        {home && (
          <a class="button ghost home-link" href="/" aria-label={t('msgr.home')} title={t('msgr.home')}>
            <House aria-hidden="true" />
          </a>
        )}
        <h1>{t('chat.title')}</h1>
        <span {...userText('me wide-only')}>{store.me.value?.displayName}</span>
        <button
          type="button"
          class="ghost new-chat-button"
          id="new-chat-button"
          aria-label={t('msgr.newChat')}
          title={t('msgr.newChat')}
          onClick={() => {
            store.sheet.value = 'new';
          }}
        >
          <MessageSquarePlus aria-hidden="true" />
          <span class="wide-only">{t('msgr.newChat')}</span>
        </button>
        <MyLessonsButton store={store} />
        <MyHomeworkButton store={store} />
        <MyAwardsButton store={store} />
        <MyDocumentsButton store={store} />
        <LanguageSwitch />
      </header>
      {!store.connected.value && <p class="offline">{t('chat.connecting')}</p>}
      <Ringing store={store} />
      <LessonReminder store={store} />
      {notice.value && <output class="notice">{notice.value}</output>}
      <div class="messenger-body">
        <ChatList store={store} />
        <Side store={store} />
      </div>
      {store.notice.value ? (
        <div
          class={store.noticeTone.value === 'done' ? 'msgr-notice done' : 'msgr-notice'}
          role={store.noticeTone.value === 'done' ? 'status' : 'alert'}
          id="msgr-notice"
        >
          {store.notice.value}
        </div>
      ) : null}
      <ConfirmHost />
    </main>
  );
}
