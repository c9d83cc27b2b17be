// Who has read a message, for its sender (and the chat's admins): on a
// message sent with read confirmation, "Прочитали 12 из 25" under it, asked
// when it is shown; a tap opens the lists, those who have not read it first
// (the school's announcement: whom to remind). The same window answers
// "Кто прочитал" from the message's menu.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Dialog } from '../kit/Dialog.js';
import { CheckCheck } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import type { Readers } from './actions.js';

export function ReadersDialog({ readers, onClose }: { readers: Readers; onClose: () => void }) {
  const more = (shown: number, total: number) =>
    total > shown ? <li class="more">{t('chat.readers.more', { count: total - shown })}</li> : null;
  return (
    <Dialog title={t('chat.whoRead')} onClose={onClose} id="readers-dialog">
      <div class="read-by">
        <h3>{t('chat.notReadBy', { count: readers.unreadCount })}</h3>
        <ul class="people-list not-read">
          {readers.unread.map((name) => (
            <li key={name} {...userText()}>
              {name}
            </li>
          ))}
          {more(readers.unread.length, readers.unreadCount)}
        </ul>
        <h3>{t('chat.readBy', { count: readers.readCount })}</h3>
        <ul class="people-list has-read">
          {readers.read.map((name) => (
            <li key={name} {...userText()}>
              {name}
            </li>
          ))}
          {more(readers.read.length, readers.readCount)}
        </ul>
      </div>
    </Dialog>
  );
}

/** "Прочитали 12 из 25" under a message sent with read confirmation. */
export function ReadReceipt({
  ask,
  show,
}: {
  ask: () => Promise<Readers | null>;
  /** Shows the lists (asked again on a tap, so the count is current too). */
  show: (r: Readers) => void;
}) {
  const [r, setR] = useState<Readers | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: asked once when shown
  useEffect(() => {
    void ask().then(setR);
  }, []);
  if (!r) return null;
  return (
    <button
      type="button"
      class="ghost read-receipt"
      onClick={() =>
        void ask().then((fresh) => {
          if (!fresh) return;
          setR(fresh);
          show(fresh);
        })
      }
    >
      <CheckCheck aria-hidden="true" />
      {t('chat.readOf', { count: r.readCount, total: r.readCount + r.unreadCount })}
    </button>
  );
}
