// The attendance CSV for the e-journal (web/src/recap/attendanceCsv.ts): BOM,
// semicolons and Russian columns for Excel with Russian settings; a name a
// spreadsheet would run as a formula is written as text; a name with a
// semicolon or quote stays one cell.
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, attendanceCsv } from '../../web/src/recap/attendanceCsv.js';

const at = new Date(2026, 11, 7, 9, 30).getTime();
const row = (name: string, extra: Record<string, unknown> = {}) => ({
  userId: name,
  name,
  role: 3,
  guest: false,
  firstJoinedAt: at,
  lastLeftAt: at + 45 * 60_000,
  seconds: 44 * 60 + 31,
  visits: 2,
  handsRaised: 1,
  messages: 3,
  pollAnswers: 1,
  ...extra,
});

describe('attendance CSV', () => {
  it('opens in Russian Excel: BOM, semicolons, Russian columns, local times', () => {
    const text = attendanceCsv([row('Петя Иванов'), row('Бабушка', { guest: true, role: 4 })]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(';'));
    expect(lines[1]).toBe('Петя Иванов;участник;нет;07.12.2026 09:30;07.12.2026 10:15;45;2;1;3;1');
    expect(lines[2]!.split(';').slice(0, 3)).toEqual(['Бабушка', 'гость', 'да']);
  });

  it('writes a name that looks like a formula as text, and keeps odd names in one cell', () => {
    const lines = attendanceCsv([row('=HYPERLINK("http://x";"y")'), row('-2+3'), row('Анна; "Ко"')])
      .slice(1)
      .trimEnd()
      .split('\r\n');
    expect(lines[1]!.startsWith(`"'=HYPERLINK(""http://x"";""y"")";`)).toBe(true);
    expect(lines[2]!.startsWith("'-2+3;")).toBe(true);
    expect(lines[3]!.startsWith('"Анна; ""Ко""";')).toBe(true);
  });
});
