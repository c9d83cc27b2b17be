// Short room codes and passwords that survive being read aloud or copied
// from paper: codes are digits in groups (148-118-3), passwords avoid glyphs
// people confuse (0/O/o, 1/l/I, 5/S, 2/Z, 8/B).
import { randomInt, timingSafeEqual } from 'node:crypto';

const CODE_DIGITS = 7;
const PASSWORD_LENGTH = 6;
export const PASSWORD_ALPHABET = 'ACDEFGHJKMNPQRTUVWXYabcdefghjkmnpqrstuvwxyz34679';

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

/** Constant-time comparison; surrounding spaces from copy and paste are forgiven. */
export function passwordMatches(expected: string, typed: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(typed.trim());
  return a.length === b.length && timingSafeEqual(a, b);
}
