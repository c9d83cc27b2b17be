// What people sign in with: a phone number first (how Russian families are
// reached), or an e-mail, or a login a pupil without either chose. Each is
// kept in one normal form, so "8 (916) 123-45-67", "+7 916 1234567" and
// "9161234567" are the same person.
export type LoginKind = 'phone' | 'email' | 'login';

export interface Login {
  kind: LoginKind;
  value: string;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;
const NAME = /^[\p{L}\p{N}._-]{3,64}$/u;

/** Russian numbers as +7XXXXXXXXXX; other international numbers with their +code. */
export function normalizePhone(typed: string): string | null {
  const trimmed = typed.trim();
  if (!/^[+\d\s()\-.]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/\D/g, '');
  const international = trimmed.startsWith('+');
  if (!international && digits.length === 11 && (digits[0] === '8' || digits[0] === '7')) {
    digits = `7${digits.slice(1)}`;
  } else if (!international && digits.length === 10 && digits[0] === '9') {
    digits = `7${digits}`;
  } else if (!international) {
    return null;
  }
  if (digits.length < 10 || digits.length > 15) return null;
  return `+${digits}`;
}

export function normalizeLogin(typed: string): Login | null {
  const text = typed.normalize('NFKC').trim();
  if (!text || text.length > 254) return null;
  const phone = normalizePhone(text);
  if (phone) return { kind: 'phone', value: phone };
  if (text.includes('@')) return EMAIL.test(text) ? { kind: 'email', value: text.toLowerCase() } : null;
  const name = text.toLocaleLowerCase('ru').replace(/ё/g, 'е');
  return NAME.test(name) ? { kind: 'login', value: name } : null;
}
