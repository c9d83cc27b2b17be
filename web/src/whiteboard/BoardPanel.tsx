// For teachers: the board where they are. Open or close it for everyone,
// choose who draws (teachers, pupils called to the board, everyone), and
// call pupils to the board or send them back, found by name in the roster.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { PencilLine, Search } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import type { PanelDef } from '../panels/panelDef.js';
import { useRosterPage } from '../panels/roster.js';
import { pb } from '../protocol/wire.js';
import { useStore } from '../state/storeContext.js';

const A = pb.WhiteboardAccess;
const ACCESS: {
  value: pb.WhiteboardAccess;
  label: 'wb.accessHosts' | 'wb.accessNamed' | 'wb.accessEveryone';
}[] = [
  { value: A.WHITEBOARD_ACCESS_HOSTS, label: 'wb.accessHosts' },
  { value: A.WHITEBOARD_ACCESS_NAMED, label: 'wb.accessNamed' },
  { value: A.WHITEBOARD_ACCESS_EVERYONE, label: 'wb.accessEveryone' },
];

function isPupil(p: pb.IParticipant): boolean {
  return p.role === pb.Role.ROLE_PARTICIPANT || p.role === pb.Role.ROLE_GUEST;
}

function BoardPanelBody() {
  const store = useStore();
  const board = store.board;
  const state = board.state.value;
  const [query, setQuery] = useState('');
  const page = useRosterPage({ offset: 0, limit: 50, query, hereOnly: true });
  const named = new Set(state.named ?? []);
  const pupils = (page?.participants ?? []).filter(isPupil);
  const access = state.access || A.WHITEBOARD_ACCESS_HOSTS;
  return (
    <section class="panel-section board-panel" id="board-section">
      <p class="muted">{state.open ? t('wb.isOpen') : t('wb.isClosed')}</p>
      <button
        type="button"
        id="board-toggle"
        class={`wide ${state.open ? '' : 'primary'}`}
        onClick={() => void store.run(() => board.open(!state.open))}
      >
        <PencilLine aria-hidden="true" /> {state.open ? t('wb.close') : t('wb.open')}
      </button>
      <fieldset class="board-access">
        <legend>{t('wb.access')}</legend>
        {ACCESS.map((a) => (
          <label class="check" key={a.value}>
            <input
              type="radio"
              name="board-access"
              id={`board-access-${a.value}`}
              checked={access === a.value}
              onChange={() => void store.run(() => board.setAccess({ access: a.value }))}
            />
            {t(a.label)}
          </label>
        ))}
      </fieldset>
      <h3>{t('wb.pupils')}</h3>
      <label class="search">
        <Search aria-hidden="true" />
        <input
          type="search"
          id="board-search"
          value={query}
          placeholder={t('people.search')}
          aria-label={t('people.search')}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
      </label>
      {pupils.length === 0 ? <p class="muted">{t('wb.none')}</p> : null}
      <ul class="board-pupils" id="board-pupils">
        {pupils.map((p) => {
          const id = p.participantId ?? '';
          const at = named.has(id);
          return (
            <li key={id} data-participant={id}>
              <span class="person-name">
                <span {...userText()}>{p.displayName}</span>
                {at ? <span class="tags"> · {t('wb.atBoard')}</span> : null}
              </span>
              <button
                type="button"
                class={`small ${at ? '' : 'primary'}`}
                data-board-call={at ? 'dismiss' : 'call'}
                onClick={() => void store.run(() => board.setAccess(at ? { revoke: [id] } : { grant: [id] }))}
              >
                {at ? t('wb.dismiss') : t('wb.call')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export const boardPanel: PanelDef = {
  id: 'board',
  title: 'wb.title',
  short: 'wb.short',
  icon: PencilLine,
  component: BoardPanelBody,
  place: 'more',
  available: (store) => store.roster.isModerator,
};
