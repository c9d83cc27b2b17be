// Choosing people by name: a search box (results as one types, surname
// order), the chosen ones as removable chips. One person only for a direct
// chat.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Check, Search, X } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import type { MessengerStore, cpb } from './messengerStore.js';
import { searchPeople } from './people.js';

export function PeoplePicker({
  store,
  chosen,
  onChange,
  single = false,
  exclude = [],
}: {
  store: MessengerStore;
  chosen: cpb.IUser[];
  onChange: (next: cpb.IUser[]) => void;
  single?: boolean;
  /** Already in the chat: not offered. */
  exclude?: string[];
}) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<cpb.IUser[] | null>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      void searchPeople(store, query).then((list) => {
        if (current) setFound(list);
      });
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [store, query]);
  const offered = found?.filter((u) => !exclude.includes(u.userId ?? '')) ?? null;
  const has = (u: cpb.IUser) => chosen.some((c) => c.userId === u.userId);
  const toggle = (u: cpb.IUser) => {
    if (has(u)) onChange(chosen.filter((c) => c.userId !== u.userId));
    else onChange(single ? [u] : [...chosen, u]);
  };
  return (
    <div class="people-picker">
      {chosen.length > 0 && !single ? (
        <ul class="chips" aria-label={t('msgr.chosen')}>
          {chosen.map((u) => (
            <li key={u.userId}>
              <button
                type="button"
                class="chip"
                aria-label={t('msgr.unchoose', { name: u.displayName ?? '' })}
                onClick={() => toggle(u)}
              >
                <span {...userText()}>{u.displayName}</span> <X aria-hidden="true" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <label class="search-box">
        <Search aria-hidden="true" />
        <input
          type="search"
          id="people-search"
          value={query}
          placeholder={t('msgr.searchPeople')}
          aria-label={t('msgr.searchPeople')}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
      </label>
      <ul class="people-found" aria-live="polite">
        {offered === null ? <li class="muted">{t('chat.connecting')}</li> : null}
        {offered?.length === 0 ? <li class="muted">{t('people.nobody')}</li> : null}
        {(offered ?? []).map((u) => (
          <li key={u.userId}>
            <button
              type="button"
              class={`person-pick${has(u) ? ' chosen' : ''}`}
              data-user={u.userId}
              aria-pressed={has(u)}
              onClick={() => toggle(u)}
            >
              <span {...userText('person-name')}>{u.displayName}</span>
              {has(u) ? <Check aria-hidden="true" /> : null}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
