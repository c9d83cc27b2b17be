// A name a file is saved under on someone's computer (an entry of the
// homework ZIP, a download's name): whatever a pupil called a file, the name
// that lands on disk is one name (no path, no `..`), shows what it is (no
// control, bidi control, zero-width or noncharacter hiding a real `.exe`
// behind «fdp.exe»), and every system can create it (no Windows reserved
// name such as CON or LPT1, with an extension or without; no characters
// Windows refuses; no trailing dot or space; not too long). Archives made
// before the edge refused such names (and extractors that trip on them) are
// what this is for.

/** Characters of a name: at most this many (file systems allow 255 bytes; Cyrillic takes two each). */
export const SAVED_NAME_MAX_CHARS = 100;
/** An extension longer than this is part of the name, not kept apart when cutting. */
const EXT_MAX_CHARS = 12;

// Controls, format characters (bidi controls, zero-width, soft hyphen), noncharacters, lone surrogates.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Noncharacter_Code_Point}\p{Cs}]/gu;
// Path separators and what Windows refuses in a name.
const REFUSED = /[\\/:*?"<>|]/g;
// CON, PRN, AUX, NUL, COM1–9, LPT1–9 (and the superscript digits Windows treats alike), whatever follows a dot.
const RESERVED = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** The name made safe to save; `fallback` when nothing of it is left. */
export function savedFileName(name: string, fallback = 'file'): string {
  let out = name
    .normalize('NFC')
    .replace(/[\p{Zs}\t\n\r\v\f\u2028\u2029]/gu, ' ')
    .replace(INVISIBLE, '')
    .replace(REFUSED, '_')
    .replace(/ {2,}/g, ' ')
    .replace(/^[ .]+|[ .]+$/g, '');
  if (!out) return fallback;
  const stem = out.split('.')[0]!.trimEnd();
  if (RESERVED.test(stem)) out = `_${out}`;
  return capped(out);
}

/** Cut to SAVED_NAME_MAX_CHARS code points, keeping a short extension. */
function capped(name: string): string {
  const chars = [...name];
  if (chars.length <= SAVED_NAME_MAX_CHARS) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? [...name.slice(dot)] : [];
  const keep = ext.length > 1 && ext.length <= EXT_MAX_CHARS + 1 ? ext : [];
  const stem = chars
    .slice(0, SAVED_NAME_MAX_CHARS - keep.length)
    .join('')
    .replace(/[ .]+$/, '');
  return `${stem}${keep.join('')}`;
}

/**
 * `name`, or «name (2).ext», «name (3).ext»… if `used` has it already (in
 * any case: Windows and macOS do not tell «Итог.pdf» from «итог.PDF»); the
 * result is added to `used`. A folder's name has no extension (`isFolder`).
 */
export function uniqueName(name: string, used: Set<string>, isFolder = false): string {
  const dot = isFolder ? -1 : name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  let out = name;
  for (let i = 2; used.has(out.toLocaleLowerCase('ru')); i++) out = capped(`${stem} (${i})${ext}`);
  used.add(out.toLocaleLowerCase('ru'));
  return out;
}
