// Where «Награды» open: «Наградить» in a group chat's header for teachers
// and the school's administrators, «Награды» in the messenger's header for
// pupils and parents (their own board, their children's).
import { t } from '../i18n/index.js';
import { Star } from '../kit/icons.js';
import { type MessengerStore, cpb } from '../messenger/messengerStore.js';

export function ChatAwardButton({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const role = store.me.value?.role;
  if (chat.kind !== cpb.ChatKind.CHAT_KIND_GROUP) return null;
  if (role !== cpb.UserRole.USER_ROLE_TEACHER && role !== cpb.UserRole.USER_ROLE_ADMIN) return null;
  return (
    <button
      type="button"
      class="ghost icon-only hw-button"
      id="chat-award"
      aria-label={t('aw.give')}
      title={t('aw.give')}
      onClick={() => {
        store.sheet.value = 'award-give';
      }}
    >
      <Star aria-hidden="true" />
    </button>
  );
}

export function MyAwardsButton({ store }: { store: MessengerStore }) {
  const role = store.me.value?.role;
  if (role !== cpb.UserRole.USER_ROLE_PARENT && role !== cpb.UserRole.USER_ROLE_STUDENT) return null;
  return (
    <button
      type="button"
      class="ghost my-homework-button"
      id="my-awards-button"
      aria-label={t('aw.title')}
      title={t('aw.title')}
      onClick={() => {
        store.selected.value = null;
        store.sheet.value = 'awards';
      }}
    >
      <Star aria-hidden="true" />
      <span class="wide-only">{t('aw.title')}</span>
    </button>
  );
}
