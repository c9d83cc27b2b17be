// Search of one's messages over the chat list: words in Russian (the server
// stems them, so "урок" finds "уроки"), best matches first, the matched
// words highlighted; a hit opens its chat. Only what the person may read
// comes back (the server's read rule).
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { userText } from '../kit/userText.js';
import { chatErrorText } from './chatErrors.js';
import type { MessengerStore, cpb } from './messengerStore.js';
import { chatTitle } from './rules.js';

const MIN_CHARS = 2;
const WAIT_MS = 300;

/** The snippet with its marked stretches as <mark>. */
function Snippet({ hit }: { hit: cpb.ISearchHit }) {
  const text = hit.snippet ?? '';
  const parts = [];
  let at = 0;
  for (const m of hit.marks ?? []) {
    const start = m.start ?? 0;
    const end = start + (m.length ?? 0);
    if (start < at || end > text.length) continue;
    parts.push(text.slice(at, start), <mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(text.slice(at));
  return <span class="msg-search-snippet">{parts}</span>;
}

export function MessageSearch({ store }: { store: MessengerStore }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<cpb.ISearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const words = query.trim();
  // Asked once the person stops typing; a later answer replaces an earlier one only.
  useEffect(() => {
    setError(null);
    if ([...words].length < MIN_CHARS) {
      setHits(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      store.chat
        .request({ searchMessages: { query: words, limit: 30 } })
        .then((r) => current && setHits(r.searchResults?.hits ?? []))
        .catch((err: unknown) => current && setError(chatErrorText(err)));
    }, WAIT_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [words, store]);

  return (
    <div class="msg-search">
      <input
        type="search"
        id="message-search"
        value={query}
        placeholder={t('search.placeholder')}
        aria-label={t('search.label')}
        onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
      />
      {error && <p class="msg-search-note">{error}</p>}
      {hits && hits.length === 0 && <p class="msg-search-note">{t('search.nothing')}</p>}
      {hits && hits.length > 0 && (
        <ul class="msg-search-hits" aria-label={t('search.results')}>
          {hits.map((h) => {
            const m = h.message ?? {};
            const chat = store.chats.value.get(m.chatId ?? '');
            return (
              <li key={`${m.chatId}/${m.seq}`}>
                <button
                  type="button"
                  class="msg-search-hit"
                  data-hit={`${m.chatId}/${m.seq}`}
                  onClick={() => {
                    setQuery('');
                    void store.open(m.chatId ?? '');
                  }}
                >
                  <span class="msg-search-where">
                    <span {...userText()}>{chat ? chatTitle(chat) : ''}</span> ·{' '}
                    <span {...userText()}>{m.senderName}</span>
                  </span>
                  <Snippet hit={h} />
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
