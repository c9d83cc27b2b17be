// The text of a school file as the IT person's program saved it: UTF-8
// (with or without a byte-order mark), UTF-16 with a mark (Excel's "Unicode
// text"), or Windows-1251, which Russian Excel uses for "CSV" by default.
// Cyrillic in Windows-1251 is almost never valid UTF-8, so bytes that do not
// decode as UTF-8 are read as Windows-1251 (iconv-lite); a statistical
// detector would add guesses (KOI8-R, Mac Cyrillic) no school exports.
import iconv from 'iconv-lite';

export type FileEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1251';

export function decodeSchoolFile(bytes: Uint8Array): { text: string; encoding: FileEncoding } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b[0] === 0xff && b[1] === 0xfe)
    return { text: iconv.decode(b.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (b[0] === 0xfe && b[1] === 0xff)
    return { text: iconv.decode(b.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(b);
    return { text: text.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(b, 'win1251'), encoding: 'windows-1251' };
  }
}
