// The chat header's call buttons (#24): an audio call, a video call and, for
// teachers in a group chat, "Запланировать урок". Not in channels, archived
// chats or chats the person only reads.
import { t } from '../i18n/index.js';
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
      {kind === cpb.ChatKind.CHAT_KIND_GROUP && maySchedule(store) && (
        <button
          type="button"
          class="ghost icon-only"
          id="schedule-lesson"
          aria-label={t('lesson.schedule')}
          title={t('lesson.schedule')}
          onClick={() => {
            store.sheet.value = 'schedule';
          }}
        >
          <CalendarPlus aria-hidden="true" />
        </button>
      )}
    </span>
  );
}
