// Where «Награды» open: «Награды класса» in a group chat's header for
// teachers and the school's administrators (the class's boards, «Наградить»), «Награды» in the messenger's header for
// pupils and parents (their own board, their children's).
import { t } from '../i18n/index.js';
import { type SheetAction, SheetButton } from '../kit/SheetButton.js';
import { Star } from '../kit/icons.js';
import { type MessengerStore, cpb } from '../messenger/messengerStore.js';

/** «Награды класса» of a group chat for its teachers and admins, for the chat's header. */
export function chatAwardAction(store: MessengerStore, chat: cpb.IChat): SheetAction | null {
  const role = store.me.value?.role;
  if (chat.kind !== cpb.ChatKind.CHAT_KIND_GROUP) return null;
  if (role !== cpb.UserRole.USER_ROLE_TEACHER && role !== cpb.UserRole.USER_ROLE_ADMIN) return null;
  return {
    id: 'chat-award',
    label: t('aw.class'),
    icon: Star,
    open: () => {
      store.sheet.value = 'class-awards';
    },
  };
}

export function MyAwardsButton({ store }: { store: MessengerStore }) {
  const role = store.me.value?.role;
  if (role !== cpb.UserRole.USER_ROLE_PARENT && role !== cpb.UserRole.USER_ROLE_STUDENT) return null;
  return (
    <SheetButton
      id="my-awards-button"
      label={t('aw.title')}
      icon={Star}
      place="messenger"
      onOpen={() => {
        store.selected.value = null;
        store.sheet.value = 'awards';
      }}
    />
  );
}
