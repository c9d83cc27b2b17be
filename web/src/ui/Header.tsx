// The header, always on screen: lesson title, how many are here (in a
// breakout room, in that room), and the states that concern everyone
// (locked, recording, breakout rooms and timer).
import { clock, t } from '../i18n/index.js';
import { CircleDot, Lock, MonitorUp, Radio, Split, Timer, Users } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { useStore } from '../state/storeContext.js';

export function Header() {
  const store = useStore();
  const breakouts = store.breakouts.state.value;
  const rec = store.recording.state.value;
  const here = (breakouts.breakouts ?? []).find((b) => b.id === store.roster.location.value);
  // In a breakout room: the people of this room, not the whole lesson.
  const count = Math.max(here ? (here.participantIds ?? []).length : store.roster.participantCount.value, 1);
  const left =
    breakouts.open && breakouts.endsAt ? (Number(breakouts.endsAt) - store.breakouts.now.value) / 1000 : 0;
  const timer = left > 0 ? clock(left) : '';
  return (
    <header class="call-header">
      <h1 class="room-title" id="room-title">
        {store.roster.roomTitle.value}
      </h1>
      <span class="count" id="count" title={t('header.people', { count })}>
        <Users aria-hidden="true" />
        <span class="wide-only">{t('header.people', { count })}</span>
        <span class="narrow-only" aria-hidden="true">
          {count}
        </span>
      </span>
      {store.local.sharing.value ? (
        <span class="badge sharing" id="sharing-badge" title={t('header.sharing')}>
          <MonitorUp aria-hidden="true" /> <span class="wide-only">{t('header.sharing')}</span>
        </span>
      ) : null}
      {rec.recording ? (
        <span class="badge recording" id="recording-badge" title={t('header.recording')}>
          <CircleDot aria-hidden="true" /> <span class="wide-only">{t('header.recording')}</span>
        </span>
      ) : null}
      {rec.broadcasting ? (
        <span class="badge recording" id="broadcast-badge" title={t('header.broadcasting')}>
          <Radio aria-hidden="true" /> <span class="wide-only">{t('header.broadcasting')}</span>
        </span>
      ) : null}
      {store.roster.settings.value.locked ? (
        <span class="badge locked" id="locked-badge" title={t('header.locked')}>
          <Lock aria-hidden="true" /> <span class="wide-only">{t('header.locked')}</span>
        </span>
      ) : null}
      {here ? (
        <span
          class="badge info"
          id="location"
          title={timer ? `${here.name}, ${t('header.timeLeft', { time: timer })}` : (here.name ?? '')}
        >
          <Split aria-hidden="true" /> <span {...userText('badge-text')}>{here.name}</span>
          {timer ? (
            <span class="timer">
              <span class="wide-only"> · {t('header.timeLeft', { time: timer })}</span>
              <span class="narrow-only"> {timer}</span>
            </span>
          ) : null}
        </span>
      ) : breakouts.open && store.roster.isModerator ? (
        <span class="badge info" id="breakout-timer">
          <Timer aria-hidden="true" /> <span class="wide-only">{t('header.breakoutsOpen')}</span>
          {timer ? (
            <span class="timer">
              <span class="wide-only"> · {t('header.timeLeft', { time: timer })}</span>
              <span class="narrow-only"> {timer}</span>
            </span>
          ) : null}
        </span>
      ) : null}
    </header>
  );
}
