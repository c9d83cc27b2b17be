// The chat header's call buttons (#24): an audio call and a video call; for
// teachers in a group chat, "Запланировать урок" among the header's part
// actions. Not in channels, archived chats or chats the person only reads.
import { t } from '../i18n/index.js';
import type { SheetAction } from '../kit/SheetButton.js';
import { CalendarPlus, Phone, Video } from '../kit/icons.js';
import { type MessengerStore, cpb } from '../messenger/messengerStore.js';
import { maySchedule, startCall } from './callActions.js';

export function ChatCallButtons({
  store,
  chat,
  readOnly,
}: { store: MessengerStore; chat: cpb.IChat; readOnly: boolean }) {
  const kind = chat.kind;
  if (readOnly || (kind !== cpb.ChatKind.CHAT_KIND_GROUP && kind !== cpb.ChatKind.CHAT_KIND_DIRECT))
    return null;
  const chatId = chat.chatId ?? '';
  return (
    <span class="chat-call-buttons">
      <button
        type="button"
        class="ghost icon-only"
        id="call-audio"
        aria-label={t('call.audio')}
        title={t('call.audio')}
        onClick={() => void startCall(store, chatId, true)}
      >
        <Phone aria-hidden="true" />
      </button>
      <button
        type="button"
        class="ghost icon-only"
        id="call-video"
        aria-label={t('call.video')}
        title={t('call.video')}
        onClick={() => void startCall(store, chatId, false)}
      >
        <Video aria-hidden="true" />
      </button>
    </span>
  );
}

/** «Запланировать урок» in a group chat, for teachers: in the chat's header (messenger/ChatHeadActions.tsx). */
export function scheduleLessonAction(
  store: MessengerStore,
  chat: cpb.IChat,
  readOnly: boolean,
): SheetAction | null {
  if (readOnly || chat.kind !== cpb.ChatKind.CHAT_KIND_GROUP || !maySchedule(store)) return null;
  return {
    id: 'schedule-lesson',
    label: t('lesson.schedule'),
    icon: CalendarPlus,
    open: () => {
      store.sheet.value = 'schedule';
    },
  };
}
