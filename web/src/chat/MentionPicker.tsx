// The composer's "@" picker: while "@..." is typed, the chat's people whose
// name matches (those the server lets this person see) are offered above the
// text box; a click, or Enter/Tab on the highlighted one, puts "@Name " into
// the text and remembers who it was, so the message carries their id.
import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { userText } from '../kit/userText.js';
import type { Mentionable } from './actions.js';
import { type MentionQuery, insertMention, mentionQuery } from './mentions.js';

export interface MentionPickerState {
  /** Call after every change of the text or the caret. */
  update(text: string, caret: number): void;
  /** Handles a key while the picker is open; true when it took it. */
  key(e: KeyboardEvent): boolean;
  /** People chosen so far, by id (their names as inserted). */
  chosen: Map<string, string>;
  /** Forgets the chosen people (after sending). */
  reset(): void;
  view: JSX.Element | null;
}

export function useMentionPicker(
  find: ((query: string) => Promise<Mentionable[]>) | undefined,
  text: string,
  setText: (text: string) => void,
  box: { current: HTMLTextAreaElement | null },
  idPrefix: string,
): MentionPickerState {
  const [at, setAt] = useState<MentionQuery | null>(null);
  const [people, setPeople] = useState<Mentionable[]>([]);
  const [active, setActive] = useState(0);
  const chosen = useRef(new Map<string, string>());
  const asked = useRef(0);

  const close = () => {
    setAt(null);
    setPeople([]);
  };
  const choose = (p: Mentionable) => {
    if (!at) return;
    const next = insertMention(text, at, p.name);
    chosen.current.set(p.userId, p.name);
    setText(next.text);
    close();
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(next.caret, next.caret);
    });
  };
  const update = (value: string, caret: number) => {
    if (!find) return;
    const q = mentionQuery(value, caret);
    setAt(q);
    if (!q) {
      setPeople([]);
      return;
    }
    const n = ++asked.current;
    void find(q.query).then((found) => {
      if (n !== asked.current) return;
      setPeople(found);
      setActive(0);
    });
  };
  const open = at !== null && people.length > 0;
  const key = (e: KeyboardEvent): boolean => {
    if (!open) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((active + step + people.length) % people.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      const p = people[active];
      if (p) choose(p);
    } else if (e.key === 'Escape') {
      close();
    } else {
      return false;
    }
    e.preventDefault();
    return true;
  };
  const view = open ? (
    <ul class="mention-picker" id={`${idPrefix}-mentions`} aria-label={t('chat.mention.pick')}>
      {people.map((p, i) => (
        <li key={p.userId}>
          <button
            type="button"
            tabIndex={-1}
            class={i === active ? 'active' : ''}
            aria-current={i === active ? 'true' : undefined}
            // Keeps the focus (and the caret) in the text box.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(p)}
          >
            <span {...userText()}>{p.name}</span>
          </button>
        </li>
      ))}
    </ul>
  ) : null;
  return {
    update,
    key,
    chosen: chosen.current,
    reset: () => chosen.current.clear(),
    view,
  };
}
