// The people panel: for teachers the waiting room and the numbered hand
// queue first, then everyone sorted by surname, searchable and paged from the
// server (so it works at 2000), each with their microphone, camera and hand,
// and for teachers one menu of actions per person.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { GraduationCap, Hand, Mic, MicOff, Search, Users, Video, VideoOff } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { pb } from '../protocol/wire.js';
import { useStore } from '../state/storeContext.js';
import { HandsQueue } from './HandsQueue.js';
import { PersonMenu } from './PersonMenu.js';
import { WaitingList } from './WaitingList.js';
import type { PanelDef } from './panelDef.js';
import { mediaState, useRosterPage } from './roster.js';

const PAGE_SIZE = 50;

function roleTag(role: pb.Role | null | undefined): string {
  if (role === pb.Role.ROLE_HOST) return t('people.roleHost');
  if (role === pb.Role.ROLE_CO_HOST) return t('people.roleCoHost');
  if (role === pb.Role.ROLE_GUEST) return t('people.roleGuest');
  return '';
}

function PersonRow({ p }: { p: pb.IParticipant }) {
  const store = useStore();
  const id = p.participantId ?? '';
  const self = id === store.roster.self.value?.participantId;
  const { mic, camera } = mediaState(store, p);
  const here = (p.location ?? '') === store.roster.location.value;
  const breakout = (store.breakouts.state.value.breakouts ?? []).find((b) => b.id === p.location);
  const tags = [
    roleTag(p.role),
    self ? t('people.you') : '',
    here ? '' : breakout ? t('people.inBreakout', { name: breakout.name ?? '' }) : t('people.inMain'),
  ].filter(Boolean);
  const micText = mic.blocked ? t('people.micBlocked') : mic.on ? t('people.micOn') : t('people.micOff');
  const cameraText = camera.blocked
    ? t('people.cameraBlocked')
    : camera.on
      ? t('people.cameraOn')
      : t('people.cameraOff');
  const talking = store.stage.speakingNow.value.has(id);
  const moderator = store.roster.isModerator;
  const targetIsHost = p.role === pb.Role.ROLE_HOST;
  return (
    <li
      data-participant={id}
      class={`${talking ? 'talking' : ''} ${store.stage.activeSpeakerId.value === id ? 'speaking' : ''}`}
    >
      <div class="who">
        <span class="person-name">
          {p.role === pb.Role.ROLE_HOST || p.role === pb.Role.ROLE_CO_HOST ? (
            <GraduationCap aria-hidden="true" class="teacher-mark" />
          ) : null}
          <span {...userText()}>{p.displayName}</span>
        </span>
        {tags.length ? <span class="tags">{tags.join(' · ')}</span> : null}
        {p.asksToSpeak ? <span class="tags asks">{t('tile.asks')}</span> : null}
      </div>
      <span class="states">
        {p.handRaisedAt ? (
          <span class="state hand" role="img" aria-label={t('tile.hand')} title={t('tile.hand')}>
            <Hand aria-hidden="true" />
          </span>
        ) : null}
        <span
          class={`state ${mic.on ? 'on' : 'off'} ${mic.blocked ? 'blocked' : ''}`}
          role="img"
          aria-label={micText}
          title={micText}
        >
          {mic.on ? <Mic aria-hidden="true" /> : <MicOff aria-hidden="true" />}
        </span>
        <span
          class={`state ${camera.on ? 'on' : 'off'} ${camera.blocked ? 'blocked' : ''}`}
          role="img"
          aria-label={cameraText}
          title={cameraText}
        >
          {camera.on ? <Video aria-hidden="true" /> : <VideoOff aria-hidden="true" />}
        </span>
      </span>
      {moderator && !self && (!targetIsHost || store.roster.isHost) ? (
        <PersonMenu p={p} mic={mic} camera={camera} />
      ) : null}
    </li>
  );
}

function PeoplePanelBody() {
  const store = useStore();
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const [allRooms, setAllRooms] = useState(false);
  const rooms = store.breakouts.state.value.breakouts ?? [];
  // Inside breakout rooms each list shows its own room; teachers may ask for all.
  const hereOnly = rooms.length > 0 && !(store.roster.isModerator && allRooms);
  const page = useRosterPage({ offset, limit: PAGE_SIZE, query, hereOnly });
  const total = page?.total ?? 0;
  useEffect(() => {
    if (page && offset > 0 && offset >= total) setOffset(Math.max(0, total - PAGE_SIZE));
  }, [page, offset, total]);
  const list = page?.participants ?? [];
  // In a breakout room (or the main room while rooms are open), the list is of that room.
  const hereRoom = hereOnly
    ? (rooms.find((b) => b.id === store.roster.location.value) ?? { name: t('breakouts.main') })
    : null;
  const c = page?.counts ?? {};
  const size = PAGE_SIZE;

  return (
    <>
      {store.roster.isModerator ? (
        <>
          <WaitingList />
          <HandsQueue />
        </>
      ) : null}
      <section class="panel-section" aria-labelledby="people-heading">
        <h3 id="people-heading">
          <Users aria-hidden="true" /> {hereRoom ? hereRoom.name : t('people.everyone')}
        </h3>
        <p class="muted" id="people-counts">
          {hereRoom
            ? t('header.people', { count: total })
            : [
                t('people.teachers', { count: (c.hosts ?? 0) + (c.coHosts ?? 0) }),
                t('people.pupils', { count: c.participants ?? 0 }),
                t('people.guests', { count: c.guests ?? 0 }),
              ].join(' · ')}
        </p>
        <label class="search">
          <Search aria-hidden="true" />
          <input
            id="people-search"
            type="search"
            placeholder={t('people.search')}
            aria-label={t('people.search')}
            value={query}
            onInput={(e) => {
              setQuery((e.target as HTMLInputElement).value);
              setOffset(0);
            }}
          />
        </label>
        {store.roster.isModerator && rooms.length > 0 ? (
          <label class="check">
            <input
              type="checkbox"
              checked={allRooms}
              onChange={(e) => setAllRooms((e.target as HTMLInputElement).checked)}
            />
            {t('people.allRooms')}
          </label>
        ) : null}
        <ul id="people-list" class="people">
          {list.map((p) => (
            <PersonRow key={p.participantId} p={p} />
          ))}
        </ul>
        {page && list.length === 0 ? <p class="muted">{t('people.nobody')}</p> : null}
        {total > size ? (
          <div class="pager-row">
            <button
              type="button"
              id="people-prev"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - size))}
            >
              {t('people.prev')}
            </button>
            <span class="muted" id="people-page">
              {t('people.page', { from: offset + 1, to: offset + (page?.participants?.length ?? 0), total })}
            </span>
            <button
              type="button"
              id="people-next"
              disabled={offset + size >= total}
              onClick={() => setOffset(offset + size)}
            >
              {t('people.next')}
            </button>
          </div>
        ) : null}
      </section>
    </>
  );
}

export const peoplePanel: PanelDef = {
  id: 'people',
  title: 'people.title',
  short: 'ctl.people',
  icon: Users,
  component: PeoplePanelBody,
  place: 'bar',
  available: () => true,
  // For teachers: who waits to be let in and who wants the floor.
  badge: (store) =>
    store.roster.isModerator ? store.waitingRoom.waiting.value.length + store.hands.raised.value : 0,
};
