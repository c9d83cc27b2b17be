// Where «Сбор файлов» opens: a group chat's header (its collections; a
// teacher creates one there), and the messenger's header for parents and
// pupils (the collections that concern them or their children).
import { t } from '../i18n/index.js';
import { type SheetAction, SheetButton } from '../kit/SheetButton.js';
import { ClipboardList } from '../kit/icons.js';
import { type MessengerStore, cpb } from '../messenger/messengerStore.js';
import { homeworkScreen } from './homeworkActions.js';

/** «Сбор файлов» of a group chat, for the chat's header (messenger/ChatHeadActions.tsx). */
export function chatHomeworkAction(store: MessengerStore, chat: cpb.IChat): SheetAction | null {
  if (chat.kind !== cpb.ChatKind.CHAT_KIND_GROUP) return null;
  return {
    id: 'chat-homework',
    label: t('hw.ofChat'),
    icon: ClipboardList,
    open: () => {
      homeworkScreen.value = { kind: 'list' };
      store.sheet.value = 'homework';
    },
  };
}

export function MyHomeworkButton({ store }: { store: MessengerStore }) {
  const role = store.me.value?.role;
  if (role !== cpb.UserRole.USER_ROLE_PARENT && role !== cpb.UserRole.USER_ROLE_STUDENT) return null;
  return (
    <SheetButton
      id="my-homework-button"
      label={t('hw.title')}
      icon={ClipboardList}
      place="messenger"
      onOpen={() => {
        homeworkScreen.value = { kind: 'list' };
        store.selected.value = null;
        store.sheet.value = 'homework-all';
      }}
    />
  );
}
