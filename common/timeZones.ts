// Time zones as people name them: "Москва, UTC+3", never "Europe/Moscow".
// The server words a lesson's invitation with it and the browser offers the
// same list when a teacher schedules a lesson; the IANA id travels between
// them only as a value. Offsets come from Intl at the given moment, so a zone
// that changes its offset reads right on the day.

export interface ZoneName {
  /** The IANA id (a value only: never shown). */
  id: string;
  ru: string;
  en: string;
}

/** Russia's eleven zones, west to east, and the neighbours a school most often meets. */
export const ZONES: readonly ZoneName[] = [
  { id: 'Europe/Kaliningrad', ru: 'Калининград', en: 'Kaliningrad' },
  { id: 'Europe/Moscow', ru: 'Москва', en: 'Moscow' },
  { id: 'Europe/Samara', ru: 'Самара', en: 'Samara' },
  { id: 'Asia/Yekaterinburg', ru: 'Екатеринбург', en: 'Yekaterinburg' },
  { id: 'Asia/Omsk', ru: 'Омск', en: 'Omsk' },
  { id: 'Asia/Novosibirsk', ru: 'Новосибирск', en: 'Novosibirsk' },
  { id: 'Asia/Krasnoyarsk', ru: 'Красноярск', en: 'Krasnoyarsk' },
  { id: 'Asia/Irkutsk', ru: 'Иркутск', en: 'Irkutsk' },
  { id: 'Asia/Yakutsk', ru: 'Якутск', en: 'Yakutsk' },
  { id: 'Asia/Vladivostok', ru: 'Владивосток', en: 'Vladivostok' },
  { id: 'Asia/Magadan', ru: 'Магадан', en: 'Magadan' },
  { id: 'Asia/Kamchatka', ru: 'Петропавловск-Камчатский', en: 'Petropavlovsk-Kamchatsky' },
  { id: 'Europe/Minsk', ru: 'Минск', en: 'Minsk' },
  { id: 'Asia/Almaty', ru: 'Алматы', en: 'Almaty' },
  { id: 'Asia/Tashkent', ru: 'Ташкент', en: 'Tashkent' },
];

/** Offset of `tz` from UTC at instant `utcMs`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(utcMs: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** "UTC+3", "UTC+5:30", "UTC−1" (a true minus sign), "UTC" at zero. */
export function utcOffsetText(tz: string, at = Date.now()): string {
  const minutes = Math.round(zoneOffsetMs(at, tz) / 60_000);
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  const hm = abs % 60 ? `${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}` : `${abs / 60}`;
  return `UTC${minutes > 0 ? '+' : '\u2212'}${hm}`;
}

/** "Москва, UTC+3" (or "Moscow, UTC+3"); a zone not in the list reads as its offset alone. */
export function zoneText(tz: string, language: 'ru' | 'en', at = Date.now()): string {
  const zone = ZONES.find((z) => z.id === tz);
  const offset = utcOffsetText(tz, at);
  return zone ? `${zone[language]}, ${offset}` : offset;
}
