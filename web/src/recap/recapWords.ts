// How a lesson's times and people read on its page: dates and times in the
// interface's language, durations in words, roles as the call names them.
import { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { type Key, lang, t } from '../i18n/index.js';

import cpb = schoolcall.chat.v1;

export { cpb };

const locale = () => (lang.value === 'ru' ? 'ru-RU' : 'en-GB');

/** "7 декабря 2026, 09:30–10:15" (the end left off while the lesson runs). */
export function lessonWhen(startedAt: number, endedAt: number): string {
  const from = new Date(startedAt);
  const day = from.toLocaleDateString(locale(), { day: 'numeric', month: 'long', year: 'numeric' });
  // Word joiners: the range never breaks at its dash.
  return endedAt ? `${day}, ${hhmm(startedAt)}\u2060–\u2060${hhmm(endedAt)}` : `${day}, ${hhmm(startedAt)}`;
}

export function hhmm(ms: number): string {
  return ms ? new Date(ms).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' }) : '';
}

/** "1 ч 5 мин", "45 мин", "меньше минуты". */
export function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return t('recap.underMinute');
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return t('recap.minutes', { count: m });
  return m
    ? `${t('recap.hours', { count: h })} ${t('recap.minutes', { count: m })}`
    : t('recap.hours', { count: h });
}

const ROLE_KEYS: Record<number, Key> = {
  [cpb.LessonRole.LESSON_ROLE_HOST]: 'recap.role.host',
  [cpb.LessonRole.LESSON_ROLE_CO_HOST]: 'recap.role.coHost',
  [cpb.LessonRole.LESSON_ROLE_PARTICIPANT]: 'recap.role.participant',
  [cpb.LessonRole.LESSON_ROLE_GUEST]: 'recap.role.guest',
};

export function roleWord(a: cpb.ILessonAttendee): string {
  if (a.guest) return t('recap.role.guest');
  return t(ROLE_KEYS[a.role ?? 0] ?? 'recap.role.participant');
}
