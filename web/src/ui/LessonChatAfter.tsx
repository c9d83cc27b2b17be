// On the end screen: the lesson's chat stays readable after the call, in the
// school messenger (its members are everyone who was in the call), and the
// messages this page holds can be saved as a text file right away (guests
// have no messenger account).
import { t } from '../i18n/index.js';
import { Download, MessageSquare } from '../kit/icons.js';
import { saveFile } from '../kit/saveFile.js';
import { pb } from '../protocol/wire.js';
import type { CallStore } from '../state/callStore.js';

export function LessonChatAfter({ store }: { store: CallStore }) {
  const chat = store.chat.chat.value;
  if (!chat?.chatId || store.chat.state.value !== 'ready') return null;
  // A guest has no messenger to open: only the text file is theirs to keep.
  const guest = store.roster.self.value?.role === pb.Role.ROLE_GUEST;
  const save = () =>
    saveFile(
      `${chat.title || t('chat.lessonTitle')}.txt`,
      store.chat.transcript(),
      'text/plain;charset=utf-8',
    );
  return (
    <section class="chat-after" id="chat-after" aria-labelledby="chat-after-title">
      <h2 id="chat-after-title">
        <MessageSquare aria-hidden="true" /> {t('chat.afterTitle')}
      </h2>
      <p>{guest ? t('chat.afterTextGuest') : t('chat.afterText')}</p>
      <div class="chat-after-actions">
        {guest ? null : (
          <a class="button" id="chat-after-open" href={`/messenger#chat=${encodeURIComponent(chat.chatId)}`}>
            {t('chat.openInMessenger')}
          </a>
        )}
        {store.chat.messages.value.size > 0 ? (
          <button type="button" id="chat-after-download" onClick={save}>
            <Download aria-hidden="true" /> {t('chat.download')}
          </button>
        ) : null}
      </div>
    </section>
  );
}
