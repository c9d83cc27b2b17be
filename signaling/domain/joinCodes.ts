// Short room codes and passwords that survive being read aloud, copied from
// paper and typed on a Russian keyboard: codes are digits in groups
// (148-118-3); passwords are 6 capital Latin letters and digits without the
// glyphs people confuse (0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B), compared without
// regard to case, with Cyrillic letters that look like Latin ones (А, В, Е,
// К, М, Н, О, Р, С, Т, У, Х, and З for 3) read as those.
import { randomInt, timingSafeEqual } from 'node:crypto';

const CODE_DIGITS = 7;
const PASSWORD_LENGTH = 6;
export const PASSWORD_ALPHABET = 'ACDEFHJKMNPRTUWXY34679';

// Cyrillic capitals (lower case is upper-cased first) and the Latin
// characters they are mistaken for on paper.
const CYRILLIC_LOOKALIKES: Record<string, string> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  Ё: 'E',
  З: '3',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
};

/** A random code formatted as 3-3-1 digits, e.g. "148-118-3". */
export function generateCode(): string {
  let digits = '';
  for (let i = 0; i < CODE_DIGITS; i++) digits += String(randomInt(10));
  return formatCode(digits);
}

export function formatCode(digits: string): string {
  return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`;
}

/** Accepts what people type: spaces, dashes or none. Returns the formatted code, or null. */
export function normalizeCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  if (!new RegExp(`^\\d{${CODE_DIGITS}}$`).test(digits)) return null;
  return formatCode(digits);
}

export function generatePassword(): string {
  let out = '';
  for (let i = 0; i < PASSWORD_LENGTH; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}

/**
 * What a typed password stands for: surrounding spaces dropped, capitals,
 * and Cyrillic look-alikes as the Latin letters on the paper.
 */
export function normalizePassword(typed: string): string {
  return Array.from(typed.normalize('NFKC').trim().toLocaleUpperCase('ru'))
    .map((ch) => CYRILLIC_LOOKALIKES[ch] ?? ch)
    .join('');
}

/**
 * Constant-time comparison of what was typed with the room's password, both
 * normalised, so "kuceke", "KUCEKE" and "КУСЕКЕ" (Cyrillic) all open a room
 * whose password reads KUCEKE. Rooms made before passwords were capitals
 * only match the same way.
 */
export function passwordMatches(expected: string, typed: string): boolean {
  const a = Buffer.from(normalizePassword(expected));
  const b = Buffer.from(normalizePassword(typed));
  return a.length === b.length && timingSafeEqual(a, b);
}
