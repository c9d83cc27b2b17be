// Scheduled meetings: a title, a start in the organiser's time zone, a
// duration and an optional weekly recurrence, with the invitation text a
// teacher pastes into a chat. Times are computed per occurrence in the time
// zone, so a weekly 09:00 lesson stays at 09:00 across daylight-saving changes.
import { zoneOffsetMs, zoneText } from '../../common/timeZones.js';

/** The language of a meeting's invitation (and of whoever reads it): Russian unless chosen. */
export type MeetingLanguage = 'ru' | 'en';

export interface MeetingInput {
  title: string;
  /** Local date and time in `timeZone`, "YYYY-MM-DDTHH:mm". */
  startsAtLocal: string;
  durationMinutes: number;
  timeZone: string;
  /** Number of weekly occurrences, 1 for a one-off meeting. */
  weeklyCount: number;
  /** Absent in meetings stored before it existed: Russian. */
  language?: MeetingLanguage;
  /** Scheduled as a broadcast: the public link viewers without an account watch at. */
  broadcastUrl?: string;
}

export interface Meeting extends MeetingInput {
  id: string;
  roomId: string;
  createdAt: Date;
  /** Scheduled by a teacher from the interface (absent: the admin API). */
  organiser?: { id: string; name: string; schoolId: string };
  /** The chat its invitation was posted to (the class's, or the people's). */
  chatId?: string;
}

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The UTC instant of a wall-clock time in a time zone (the later one in a DST overlap). */
export function zonedToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  tz: string,
): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wall - zoneOffsetMs(wall, tz);
  guess = wall - zoneOffsetMs(guess, tz);
  return new Date(guess);
}

export function parseLocal(value: string): [number, number, number, number, number] | null {
  const m = LOCAL_PATTERN.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const check = new Date(Date.UTC(y, mo - 1, d, h, mi));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return null;
  return [y, mo, d, h, mi];
}

/** Start instants of every occurrence, in order. */
export function occurrences(m: MeetingInput): Date[] {
  const parsed = parseLocal(m.startsAtLocal);
  if (!parsed) return [];
  const [y, mo, d, h, mi] = parsed;
  const out: Date[] = [];
  for (let week = 0; week < m.weeklyCount; week++) {
    // Day arithmetic in UTC on the calendar date, then back into the zone.
    const date = new Date(Date.UTC(y, mo - 1, d + 7 * week));
    out.push(zonedToUtc(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), h, mi, m.timeZone));
  }
  return out;
}

function formatInZone(date: Date, tz: string, locale: string, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(locale, { timeZone: tz, ...options }).format(date);
}

// "Every Tuesday" in Russian depends on the weekday's gender; "on Tuesdays" does not.
const RU_WEEKLY = [
  'по воскресеньям',
  'по понедельникам',
  'по вторникам',
  'по средам',
  'по четвергам',
  'по пятницам',
  'по субботам',
];

function ruTimes(n: number): string {
  const form = new Intl.PluralRules('ru').select(n);
  return `${n} ${form === 'one' ? 'раз' : form === 'few' ? 'раза' : 'раз'}`;
}

interface InvitationWords {
  locale: string;
  weekly(weekday: string, weekdayIndex: number, count: number): string;
  join: string;
  code: string;
  password: string;
  broadcast: string;
}

const WORDS: Record<MeetingLanguage, InvitationWords> = {
  ru: {
    locale: 'ru-RU',
    weekly: (_w, i, n) => {
      const text = `${RU_WEEKLY[i] ?? ''}, ${ruTimes(n)}`;
      return text.charAt(0).toLocaleUpperCase('ru') + text.slice(1);
    },
    join: 'Войти',
    code: 'Код встречи',
    password: 'Пароль (латинские буквы и цифры)',
    broadcast: 'Трансляция (без входа и регистрации)',
  },
  en: {
    locale: 'en-GB',
    weekly: (weekday, _i, n) => `Every ${weekday}, ${n} times`,
    join: 'Join',
    code: 'Meeting code',
    password: 'Password',
    broadcast: 'Watch the broadcast (no account needed)',
  },
};

/** Text to paste into a chat, in the meeting's language: what, when, and how to join from a phone or from paper. */
export function invitationText(
  m: MeetingInput,
  join: { shortLink: string; code: string; password: string },
): string {
  const [first] = occurrences(m);
  if (!first) return '';
  const words = WORDS[m.language ?? 'ru'];
  const end = new Date(first.getTime() + m.durationMinutes * 60_000);
  const day = formatInZone(first, m.timeZone, words.locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const time = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
  const from = formatInZone(first, m.timeZone, words.locale, time);
  const to = formatInZone(end, m.timeZone, words.locale, time);
  const weekday = formatInZone(first, m.timeZone, words.locale, { weekday: 'long' });
  const weekdayIndex = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(
    formatInZone(first, m.timeZone, 'en-US', { weekday: 'short' }),
  );
  const lines = [
    m.title,
    `${day}, ${from}–${to} (${zoneText(m.timeZone, m.language ?? 'ru', first.getTime())})`,
  ];
  if (m.weeklyCount > 1) lines.push(words.weekly(weekday, weekdayIndex, m.weeklyCount));
  lines.push(
    '',
    `${words.join}: ${join.shortLink}`,
    `${words.code}: ${join.code}`,
    `${words.password}: ${join.password}`,
  );
  if (m.broadcastUrl) lines.push('', `${words.broadcast}: ${m.broadcastUrl}`);
  return lines.join('\n');
}

/** Where meetings are kept (the deployment's RoomStore). */
export interface MeetingStore {
  saveMeeting(m: Meeting): Promise<void>;
  deleteMeeting(id: string): Promise<void>;
  loadAllMeetings(): Promise<Meeting[]>;
}

/** Scheduled meetings by id (the id of their room too), kept in the store. */
export class MeetingBook {
  private readonly meetings = new Map<string, Meeting>();

  constructor(private readonly store: MeetingStore) {}

  async restore(): Promise<void> {
    for (const m of await this.store.loadAllMeetings()) this.meetings.set(m.id, m);
  }

  async add(meeting: Meeting): Promise<void> {
    await this.store.saveMeeting(meeting);
    this.meetings.set(meeting.id, meeting);
  }

  get(id: string): Meeting | undefined {
    return this.meetings.get(id);
  }

  async delete(id: string): Promise<boolean> {
    await this.store.deleteMeeting(id);
    return this.meetings.delete(id);
  }

  all(): Meeting[] {
    return [...this.meetings.values()];
  }
}
