// Weeks as the region's monitoring counts them: Monday to Sunday, Moscow
// time (schools carry no time zone of their own yet), each named by its
// Monday as "YYYY-MM-DD" (a PostgreSQL date).

const MOSCOW = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Moscow',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

const DAY_MS = 86_400_000;

/** The Monday of the week `ms` falls in, Moscow time. */
export function weekOf(ms: number): string {
  const day = MOSCOW.format(new Date(ms)); // "2026-12-07"
  const noon = Date.parse(`${day}T12:00:00Z`);
  const weekday = (new Date(noon).getUTCDay() + 6) % 7; // Monday 0
  return new Date(noon - weekday * DAY_MS).toISOString().slice(0, 10);
}

/** The `count` weeks up to and including the one `ms` falls in, oldest first. */
export function lastWeeks(ms: number, count: number): string[] {
  const monday = Date.parse(`${weekOf(ms)}T12:00:00Z`);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(new Date(monday - i * 7 * DAY_MS).toISOString().slice(0, 10));
  return out;
}
