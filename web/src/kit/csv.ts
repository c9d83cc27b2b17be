// CSV files for the school's spreadsheets (the attendance of a lesson, the
// activity figures): UTF-8 with a byte order mark and semicolons, which is
// what Excel with Russian settings opens as columns. A cell a spreadsheet
// would read as a formula ("=", "+", "-", "@" first) is written as text.
import { saveFile } from './saveFile.js';

export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The file's text: a header row and the rows. */
export function csvText(rows: (string | number)[][]): string {
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

/** Hands the browser a CSV file to save. */
export function downloadCsv(name: string, text: string): void {
  saveFile(name, text, 'text/csv;charset=utf-8');
}
