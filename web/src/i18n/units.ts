// Sizes and durations as a person reads them, in the interface's language:
// "3,3 МБ" / "3.3 MB", "0:42" / "1:05:10". The one place the call, the chat
// and the messenger format a file's size or a recording's length.
import { lang, t } from './index.js';

function locale(): string {
  return lang.value === 'ru' ? 'ru-RU' : 'en-GB';
}

/** A file's size: 12 КБ, 3,3 МБ, 1,2 ГБ (binary units, one decimal at most). */
export function fileSize(bytes: number | null | undefined): string {
  const b = Math.max(0, Number(bytes) || 0);
  const n = (x: number) => x.toLocaleString(locale(), { maximumFractionDigits: 1 });
  if (b < 1024 * 1024) return t('units.kb', { n: n(Math.max(1, Math.ceil(b / 1024))) });
  if (b < 1024 * 1024 * 1024) return t('units.mb', { n: n(b / (1024 * 1024)) });
  return t('units.gb', { n: n(b / (1024 * 1024 * 1024)) });
}

/** A length as a clock: 0:42, 12:05, 1:05:10 (whole seconds). */
export function duration(ms: number | null | undefined): string {
  const total = Math.max(0, Math.floor((Number(ms) || 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
