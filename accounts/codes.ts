// Personal activation codes printed on paper: 12 characters of the lesson
// passwords' alphabet (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B) in three groups,
// "KUCE-KE3H-TAXW", about 53 bits. What a person types is read the way a
// lesson password is: any case, spaces and dashes anywhere, Cyrillic letters
// that look like Latin ones taken for those. Only an HMAC of the code is
// stored, keyed by the server's secret, so a copy of the database does not
// let anyone try codes offline.
import { createHmac, randomInt } from 'node:crypto';
import { PASSWORD_ALPHABET, normalizePassword } from '../signaling/domain/joinCodes.js';

export const CODE_LENGTH = 12;

export function generateCode(): string {
  let raw = '';
  for (let i = 0; i < CODE_LENGTH; i++) raw += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return formatCode(raw);
}

export function formatCode(raw: string): string {
  return raw.match(/.{1,4}/g)!.join('-');
}

/** The code's characters as on paper, or null when it cannot be a code. */
export function normalizeCode(typed: string): string | null {
  const plain = normalizePassword(typed.replace(/[\s\-‐‑–—_.]/g, ''));
  if (plain.length !== CODE_LENGTH) return null;
  for (const ch of plain) if (!PASSWORD_ALPHABET.includes(ch)) return null;
  return plain;
}

export class CodeHasher {
  constructor(private readonly secret: string) {}

  /** The stored form of a normalised code; `kind` keeps codes of different uses apart. */
  hash(normalized: string, kind: 'person' | 'invitation' = 'person'): string {
    return createHmac('sha256', this.secret).update(`${kind}:${normalized}`).digest('base64url');
  }
}
