// Where «Сбор файлов» opens: a group chat's header (its collections; a
// teacher creates one there), and the messenger's header for parents and
// pupils (the collections that concern them or their children).
import { t } from '../i18n/index.js';
import { ClipboardList } from '../kit/icons.js';
import { type MessengerStore, cpb } from '../messenger/messengerStore.js';
import { homeworkScreen } from './homeworkActions.js';

export function ChatHomeworkButton({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  if (chat.kind !== cpb.ChatKind.CHAT_KIND_GROUP) return null;
  return (
    <button
      type="button"
      class="ghost icon-only hw-button"
      id="chat-homework"
      aria-label={t('hw.ofChat')}
      title={t('hw.ofChat')}
      onClick={() => {
        homeworkScreen.value = { kind: 'list' };
        store.sheet.value = 'homework';
      }}
    >
      <ClipboardList aria-hidden="true" />
    </button>
  );
}

export function MyHomeworkButton({ store }: { store: MessengerStore }) {
  const role = store.me.value?.role;
  if (role !== cpb.UserRole.USER_ROLE_PARENT && role !== cpb.UserRole.USER_ROLE_STUDENT) return null;
  return (
    <button
      type="button"
      class="ghost my-homework-button"
      id="my-homework-button"
      aria-label={t('hw.title')}
      title={t('hw.title')}
      onClick={() => {
        homeworkScreen.value = { kind: 'list' };
        store.selected.value = null;
        store.sheet.value = 'homework-all';
      }}
    >
      <ClipboardList aria-hidden="true" />
      <span class="wide-only">{t('hw.title')}</span>
    </button>
  );
}
