// An incoming call while the messenger is open (#24): a call someone else
// started in one of the person's chats in the last minute and a half rings
// here (a banner and a soft chime) with "Присоединиться", until answered,
// put off or too old. Scheduled lessons' invitations (with text) do not ring.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Phone, PhoneOff } from '../kit/icons.js';
import type { MessengerStore } from '../messenger/messengerStore.js';
import { chatTitle } from '../messenger/rules.js';
import { chime } from '../state/chime.js';
import { joinCall } from './callActions.js';

const RINGS_FOR_MS = 90_000;

export function Ringing({ store }: { store: MessengerStore }) {
  const [now, setNow] = useState(Date.now());
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);
  const me = store.me.value?.userId;
  const ringing = store.sortedChats().find((c) => {
    const m = c.lastMessage;
    return (
      m?.call &&
      !m.text &&
      m.senderId !== me &&
      now - (m.sentAt ?? 0) < RINGS_FOR_MS &&
      !dismissed.has(`${c.chatId}:${m.seq}`)
    );
  });
  const key = ringing ? `${ringing.chatId}:${ringing.lastMessage?.seq}` : '';
  useEffect(() => {
    if (key) chime();
  }, [key]);
  if (!ringing?.lastMessage) return null;
  const m = ringing.lastMessage;
  return (
    <div class="ringing" role="alertdialog" aria-labelledby="ringing-text" id="ringing">
      <Phone class="ringing-icon" aria-hidden="true" />
      <p id="ringing-text">
        <strong>{m.senderName || chatTitle(ringing)}</strong>
        <span>
          {m.call?.audioOnly ? t('call.ringingAudio') : t('call.ringingVideo')} · {chatTitle(ringing)}
        </span>
      </p>
      <div class="ringing-actions">
        <button
          type="button"
          class="ghost"
          onClick={() => setDismissed(new Set(dismissed).add(key))}
          aria-label={t('call.dismiss')}
          title={t('call.dismiss')}
        >
          <PhoneOff aria-hidden="true" />
          <span>{t('call.dismiss')}</span>
        </button>
        <button type="button" class="primary" onClick={() => void joinCall(store, ringing.chatId ?? '', m)}>
          {t('call.answer')}
        </button>
      </div>
    </div>
  );
}
