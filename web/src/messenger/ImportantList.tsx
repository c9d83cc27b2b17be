// «Важные»: the messages one marked important, from all one's chats, newest
// first, a page at a time («Показать ещё»). A message opens in its chat,
// scrolled to it; «Снять отметку» takes it off the list. The server lists
// only what the person may read now (its read rule).
import { useEffect, useState } from 'preact/hooks';
import { preview } from '../chat/format.js';
import { lang, t } from '../i18n/index.js';
import { Sheet } from '../kit/Sheet.js';
import { Star } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { followLink } from './messageLinks.js';
import type { MessengerStore, cpb } from './messengerStore.js';
import { chatTitle } from './rules.js';

const PAGE = 30;

function when(m: cpb.IChatMessage): string {
  const locale = lang.value === 'ru' ? 'ru-RU' : 'en-GB';
  const at = new Date(m.sentAt ?? 0);
  return `${at.toLocaleDateString(locale, { day: 'numeric', month: 'short' })}, ${at.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })}`;
}

/** Over the chat list: the way into the list of important messages. */
export function ImportantButton({ store }: { store: MessengerStore }) {
  return (
    <button
      type="button"
      class="ghost important-button"
      id="important-button"
      aria-pressed={store.sheet.value === 'important'}
      onClick={() => {
        store.sheet.value = 'important';
      }}
    >
      <Star aria-hidden="true" /> {t('important.open')}
    </button>
  );
}

/** The page after `after` (the first when null); null when refused (the store says why). */
async function fetchPage(store: MessengerStore, after: cpb.IChatMessage | null) {
  const r = await store.run(() =>
    store.chat.request({
      listAllImportant: {
        limit: PAGE,
        after: after ? { chatId: after.chatId, seq: after.seq, sentAt: after.sentAt } : null,
      },
    }),
  );
  return r?.important ?? null;
}

export function ImportantList({ store }: { store: MessengerStore }) {
  const [messages, setMessages] = useState<cpb.IChatMessage[] | null>(null);
  const [more, setMore] = useState(false);
  const load = async (after: cpb.IChatMessage | null) => {
    const page = await fetchPage(store, after);
    if (!page) return;
    setMessages((had) => (after && had ? [...had, ...(page.messages ?? [])] : (page.messages ?? [])));
    setMore(page.more ?? false);
  };
  useEffect(() => {
    void fetchPage(store, null).then((page) => {
      if (!page) return;
      setMessages(page.messages ?? []);
      setMore(page.more ?? false);
    });
  }, [store]);
  const unmark = async (m: cpb.IChatMessage) => {
    const r = await store.run(() =>
      store.chat.request({ markImportant: { chatId: m.chatId, seq: m.seq, important: false } }),
    );
    if (!r?.message) return;
    setMessages((had) => (had ?? []).filter((x) => !(x.chatId === m.chatId && x.seq === m.seq)));
    store.say(t('important.removed'), 'done');
  };
  return (
    <Sheet
      id="important-list"
      title={t('important.title')}
      backLabel={t('chat.back')}
      onBack={() => {
        store.sheet.value = null;
      }}
    >
      <div class="sheet-body">
        {messages === null ? null : messages.length === 0 ? (
          <p class="important-none">{t('important.none')}</p>
        ) : (
          <ul class="important-items" aria-label={t('important.title')}>
            {messages.map((m) => {
              const chat = store.chats.value.get(m.chatId ?? '');
              return (
                <li
                  key={`${m.chatId}/${m.seq}`}
                  class="important-item"
                  data-important={`${m.chatId}/${m.seq}`}
                >
                  <button
                    type="button"
                    class="important-open"
                    onClick={() => void followLink(store, { chatId: m.chatId ?? '', seq: m.seq ?? 0 })}
                  >
                    <span class="important-where">
                      <span {...userText()}>{chat ? chatTitle(chat) : ''}</span> ·{' '}
                      <span {...userText()}>{m.senderName}</span> · {when(m)}
                    </span>
                    <span class="important-text">{preview(m)}</span>
                  </button>
                  <button type="button" class="ghost important-unmark" onClick={() => void unmark(m)}>
                    {t('important.unmark')}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        {more && messages && (
          <button
            type="button"
            class="ghost important-more"
            onClick={() => void load(messages.at(-1) ?? null)}
          >
            {t('important.more')}
          </button>
        )}
      </div>
    </Sheet>
  );
}
