// The attendance table as a CSV file for the school's e-journal (kit/csv.ts:
// what Excel with Russian settings opens as columns); the columns are named
// in Russian whatever the interface's language (the e-journal is Russian).
import type { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { csvText } from '../kit/csv.js';

type Attendee = schoolcall.chat.v1.ILessonAttendee;

export const CSV_COLUMNS = [
  'ФИО',
  'Роль',
  'Гость',
  'Первый вход',
  'Последний выход',
  'Минут в уроке',
  'Входов',
  'Поднятых рук',
  'Сообщений в чате',
  'Ответов в опросах',
];

const ROLES = ['', 'учитель', 'помощник учителя', 'участник', 'гость'];

/** "07.12.2026 09:30" in the browser's zone. */
function stamp(ms: number | null | undefined): string {
  if (!ms) return '';
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getDate())}.${two(d.getMonth() + 1)}.${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function attendanceCsv(rows: Attendee[]): string {
  const lines: (string | number)[][] = [CSV_COLUMNS];
  for (const a of rows) {
    lines.push([
      a.name ?? '',
      a.guest ? 'гость' : (ROLES[a.role ?? 0] ?? ''),
      a.guest ? 'да' : 'нет',
      stamp(a.firstJoinedAt),
      stamp(a.lastLeftAt),
      Math.round((a.seconds ?? 0) / 60),
      a.visits ?? 0,
      a.handsRaised ?? 0,
      a.messages ?? 0,
      a.pollAnswers ?? 0,
    ]);
  }
  return csvText(lines);
}
