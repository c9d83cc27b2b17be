// The pinned messages of a chat in a bar above its messages (outside the
// scrolling list, so a pinned announcement never scrolls away): the newest
// pin, "n of N" when there are several; a tap goes to the message and the
// bar steps to the pin before it (an older one, then round again). With several pins, a list of them all in a
// window. Used by the call's chat and the messenger.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Dialog } from '../kit/Dialog.js';
import { List, Pin } from '../kit/icons.js';
import { type Msg, preview, time } from './format.js';

export interface PinnedItem {
  seq: number;
  /** The message, when it is known (loaded, or fetched with the list of pins). */
  m?: Msg;
}

export function PinnedBar({
  pins,
  jump,
}: {
  /** Newest first, as the chat lists them. */
  pins: PinnedItem[];
  /** Shows the message with this seq in the thread. */
  jump: (seq: number) => void;
}) {
  const [index, setIndex] = useState(0);
  const [listOpen, setListOpen] = useState(false);
  const key = pins.map((p) => p.seq).join(',');
  // A new pin (or one taken off) shows the newest again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the set of pins changes
  useEffect(() => setIndex(0), [key]);
  if (pins.length === 0) return null;
  const i = Math.min(Math.max(index, 0), pins.length - 1);
  const shown = pins[i]!;
  const text = (p: PinnedItem) => (p.m ? preview(p.m) : `#${p.seq}`);
  return (
    <div class="pinned-bar" id="chat-pinned">
      <button
        type="button"
        class="ghost pinned-current"
        data-seq={shown.seq}
        onClick={() => {
          jump(shown.seq);
          setIndex((i + 1) % pins.length);
        }}
      >
        <Pin aria-hidden="true" />
        <span class="pinned-lines">
          <strong>
            {pins.length > 1 ? t('chat.pinnedOf', { n: i + 1, count: pins.length }) : t('chat.pinned')}
          </strong>
          <span class="pinned-text">{text(shown)}</span>
        </span>
      </button>
      {pins.length > 1 ? (
        <button
          type="button"
          class="ghost icon-only"
          id="chat-pins-list"
          aria-label={t('chat.pinsAll')}
          title={t('chat.pinsAll')}
          onClick={() => setListOpen(true)}
        >
          <List aria-hidden="true" />
        </button>
      ) : null}
      {listOpen ? (
        <Dialog title={t('chat.pinsAll')} onClose={() => setListOpen(false)} id="pins-dialog">
          <ul class="pins-list">
            {pins.map((p) => (
              <li key={p.seq}>
                <button
                  type="button"
                  class="ghost"
                  data-seq={p.seq}
                  onClick={() => {
                    setListOpen(false);
                    jump(p.seq);
                  }}
                >
                  <span class="pins-list-who">
                    {p.m?.senderName ?? ''} {p.m ? time(p.m.sentAt) : ''}
                  </span>
                  <span>{text(p)}</span>
                </button>
              </li>
            ))}
          </ul>
        </Dialog>
      ) : null}
    </div>
  );
}

/** Shows a message of the thread in the middle of the list and marks it for a moment. */
export function showMessage(seq: number): boolean {
  const el = document.getElementById(`msg-${seq}`);
  if (!el) return false;
  el.scrollIntoView({ block: 'center' });
  el.classList.add('flash');
  setTimeout(() => el.classList.remove('flash'), 1600);
  return true;
}
