// For teachers: breakout rooms. Create them, rename them, assign pupils
// (evenly, guests staying in the main room unless chosen, or one by one),
// open them with a timer, write to all rooms, visit one, and bring everyone
// back. Each room shows how many are in it (while open: who is there now).
import { useState } from 'preact/hooks';
import { clock, t } from '../i18n/index.js';
import { ArrowLeft, Check, DoorOpen, Pencil, Send, Shuffle, Split, Timer, Users, X } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { pb } from '../protocol/wire.js';
import { useStore } from '../state/storeContext.js';
import type { PanelDef } from './panelDef.js';

function BreakoutsPanelBody() {
  const store = useStore();
  const state = store.breakouts.state.value;
  const rooms = state.breakouts ?? [];
  const [count, setCount] = useState('2');
  const [minutes, setMinutes] = useState('10');
  const [message, setMessage] = useState('');
  const [withGuests, setWithGuests] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const breakouts = store.breakouts;
  const nameOf = (id: string) =>
    id === store.roster.self.value?.participantId
      ? (store.roster.self.value?.displayName ?? '')
      : (store.roster.participants.value.get(id)?.displayName ?? '…');
  const assigned = new Set(rooms.flatMap((b) => b.participantIds ?? []));
  const pupils = [...store.roster.participants.value.values()].filter(
    (p) => p.role === pb.Role.ROLE_PARTICIPANT || p.role === pb.Role.ROLE_GUEST,
  );
  const unassigned = pupils.filter((p) => !assigned.has(p.participantId ?? ''));
  const left = state.open && state.endsAt ? (Number(state.endsAt) - store.breakouts.now.value) / 1000 : 0;

  const create = () => {
    const n = Math.max(1, Math.min(50, Number(count) || 1));
    const names = Array.from({ length: n }, (_, i) => t('breakouts.name', { n: i + 1 }));
    void breakouts.create(n, names);
  };

  return (
    <>
      <section class="panel-section" id="breakout-section">
        {state.open ? (
          <p class="timer-line" id="breakout-status">
            <Timer aria-hidden="true" />{' '}
            {left > 0 ? t('breakouts.timer', { time: clock(left) }) : t('breakouts.noTimer')}
          </p>
        ) : (
          <div class="form-row">
            <label>
              {t('breakouts.count')}
              <input
                id="breakout-count"
                type="number"
                min="1"
                max="50"
                value={count}
                onInput={(e) => setCount((e.target as HTMLInputElement).value)}
              />
            </label>
            <button type="button" id="breakout-create" onClick={create}>
              <Split aria-hidden="true" /> {t('breakouts.create')}
            </button>
          </div>
        )}
        {rooms.length === 0 ? <p class="muted">{t('breakouts.none')}</p> : null}
        {rooms.length > 0 ? (
          <>
            <div class="form-row">
              {/* While the groups work, a reshuffle would move everyone mid-task: moves go one by one. */}
              <button
                type="button"
                id="breakout-auto"
                disabled={!!state.open}
                aria-describedby={state.open ? 'breakout-auto-why' : undefined}
                onClick={() => void breakouts.assign([], true, withGuests)}
              >
                <Shuffle aria-hidden="true" /> {t('breakouts.auto')}
              </button>
            </div>
            {state.open ? (
              <p class="muted small-text" id="breakout-auto-why">
                {t('breakouts.autoWhileOpen')}
              </p>
            ) : null}
            {/* It only shapes «Распределить поровну», which waits until everyone is back. */}
            {state.open ? null : (
              <label class="check">
                <input
                  type="checkbox"
                  id="breakout-guests"
                  checked={withGuests}
                  onChange={(e) => setWithGuests((e.target as HTMLInputElement).checked)}
                />
                {t('breakouts.includeGuests')}
              </label>
            )}
            {withGuests ? null : <p class="muted small-text">{t('breakouts.guestsStay')}</p>}
          </>
        ) : null}
        <ul id="breakout-list" class="rooms">
          {rooms.map((b) => {
            const members = (b.participantIds ?? []).map(nameOf);
            const here = store.roster.location.value === b.id;
            if (renaming === b.id) {
              return (
                <li key={b.id} data-breakout={b.id}>
                  <form
                    class="room-head"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const name = newName.trim();
                      if (!name) return;
                      void breakouts.rename(b.id ?? '', name).then((ok) => ok && setRenaming(null));
                    }}
                  >
                    <input
                      class="room-rename"
                      aria-label={t('breakouts.newName', { name: b.name ?? '' })}
                      maxLength={100}
                      value={newName}
                      // biome-ignore lint/a11y/noAutofocus: the teacher just asked to type the name.
                      autoFocus
                      onInput={(e) => setNewName((e.target as HTMLInputElement).value)}
                      onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
                    />
                    <button
                      type="submit"
                      class="icon-only small"
                      aria-label={t('common.save')}
                      title={t('common.save')}
                    >
                      <Check aria-hidden="true" />
                    </button>
                    <button
                      type="button"
                      class="icon-only small ghost"
                      aria-label={t('common.cancel')}
                      title={t('common.cancel')}
                      onClick={() => setRenaming(null)}
                    >
                      <X aria-hidden="true" />
                    </button>
                  </form>
                  <p class="members">{members.length ? members.join(', ') : t('breakouts.nobody')}</p>
                </li>
              );
            }
            return (
              <li key={b.id} data-breakout={b.id}>
                <div class="room-head">
                  <strong {...userText('room-name')}>{b.name}</strong>
                  <button
                    type="button"
                    class="icon-only small ghost"
                    data-rename={b.id}
                    aria-label={t('breakouts.rename', { name: b.name ?? '' })}
                    title={t('breakouts.rename', { name: b.name ?? '' })}
                    onClick={() => {
                      setNewName(b.name ?? '');
                      setRenaming(b.id ?? null);
                    }}
                  >
                    <Pencil aria-hidden="true" />
                  </button>
                  <span
                    class="muted room-count"
                    title={t('breakouts.people', { count: members.length })}
                    aria-label={t('breakouts.people', { count: members.length })}
                  >
                    <Users aria-hidden="true" /> {members.length}
                  </span>
                  {state.open && !here ? (
                    <button
                      type="button"
                      class="small"
                      data-visit={b.id}
                      onClick={() => void breakouts.moveTo(b.id ?? '')}
                    >
                      <DoorOpen aria-hidden="true" /> {t('breakouts.visit')}
                    </button>
                  ) : null}
                </div>
                <p class="members">{members.length ? members.join(', ') : t('breakouts.nobody')}</p>
              </li>
            );
          })}
        </ul>
        {rooms.length > 0 && unassigned.length > 0 ? (
          <div class="unassigned">
            <h3>{t('breakouts.unassigned')}</h3>
            <ul class="people">
              {unassigned.map((p) => {
                const id = p.participantId ?? '';
                return (
                  <li key={id}>
                    <div class="who">
                      <span {...userText('person-name')}>{p.displayName}</span>
                      {p.role === pb.Role.ROLE_GUEST ? (
                        <span class="tags">{t('people.roleGuest')}</span>
                      ) : null}
                    </div>
                    <select
                      data-assign={id}
                      aria-label={t('breakouts.assign', { name: p.displayName ?? '' })}
                      value=""
                      onChange={(e) =>
                        void breakouts.assign([
                          { participantId: id, breakoutId: (e.target as HTMLSelectElement).value },
                        ])
                      }
                    >
                      <option value="">{t('breakouts.main')}</option>
                      {rooms.map((b) => (
                        <option key={b.id} value={b.id ?? ''} {...userText()}>
                          {b.name}
                        </option>
                      ))}
                    </select>
                  </li>
                );
              })}
            </ul>
          </div>
        ) : null}
      </section>
      {rooms.length > 0 && state.open ? (
        <section class="panel-section">
          <form
            class="form-row"
            onSubmit={(e) => {
              e.preventDefault();
              const text = message.trim();
              if (!text) return;
              void breakouts.messageAll(text).then((ok) => ok && setMessage(''));
            }}
          >
            <label class="grow">
              {t('breakouts.message')}
              <input
                id="breakout-message"
                maxLength={200}
                value={message}
                onInput={(e) => setMessage((e.target as HTMLInputElement).value)}
              />
            </label>
            <button type="submit" id="breakout-send" aria-label={t('common.send')} title={t('common.send')}>
              <Send aria-hidden="true" />
            </button>
          </form>
        </section>
      ) : null}
      {rooms.length > 0 ? (
        // Kept at the panel's foot while the list scrolls: a phone reaches them without scrolling.
        <section class="panel-section breakout-actions" id="breakout-actions">
          {state.open ? (
            <>
              {store.roster.location.value ? (
                <button
                  type="button"
                  id="back-to-main"
                  class="wide"
                  onClick={() => void breakouts.moveTo('')}
                >
                  <ArrowLeft aria-hidden="true" /> {t('breakouts.back')}
                </button>
              ) : null}
              <button
                type="button"
                id="breakout-close"
                class="wide danger"
                onClick={() => void breakouts.close()}
              >
                {t('breakouts.close')}
              </button>
            </>
          ) : (
            <div class="form-row">
              <label>
                {t('breakouts.minutes')}
                <input
                  id="breakout-minutes"
                  type="number"
                  min="0"
                  max="240"
                  value={minutes}
                  onInput={(e) => setMinutes((e.target as HTMLInputElement).value)}
                />
              </label>
              <button
                type="button"
                id="breakout-open"
                class="primary"
                onClick={() => void breakouts.open(Math.round((Number(minutes) || 0) * 60))}
              >
                {t('breakouts.open')}
              </button>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}

export const breakoutsPanel: PanelDef = {
  id: 'breakouts',
  title: 'breakouts.title',
  short: 'breakouts.title',
  icon: Split,
  component: BreakoutsPanelBody,
  place: 'more',
  available: (store) => store.roster.isModerator,
};
