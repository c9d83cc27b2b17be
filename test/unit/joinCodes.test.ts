import { describe, expect, it } from 'vitest';
import {
  PASSWORD_ALPHABET,
  generateCode,
  generatePassword,
  normalizeCode,
  normalizePassword,
  passwordMatches,
} from '../../signaling/domain/joinCodes.js';

describe('short codes and passwords', () => {
  it('codes read as 3-3-1 digits and accept spaces or no separators', () => {
    for (let i = 0; i < 100; i++) expect(generateCode()).toMatch(/^\d{3}-\d{3}-\d$/);
    expect(normalizeCode('148 118 3')).toBe('148-118-3');
    expect(normalizeCode('1481183')).toBe('148-118-3');
    expect(normalizeCode('148-118')).toBeNull();
    expect(normalizeCode('abc-def-g')).toBeNull();
  });

  it('passwords are 6 capitals and digits without characters people confuse', () => {
    for (const ch of '0OQ1IL2Z5SG8Babcdefghijklmnopqrstuvwxyz') expect(PASSWORD_ALPHABET).not.toContain(ch);
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      expect(p).toMatch(/^[A-Z0-9]{6}$/);
      for (const ch of p) expect(PASSWORD_ALPHABET).toContain(ch);
    }
  });

  it('passwords match whatever the case, forgiving surrounding spaces', () => {
    expect(passwordMatches('MKD73H', 'MKD73H')).toBe(true);
    expect(passwordMatches('MKD73H', ' mkd73h\n')).toBe(true);
    expect(passwordMatches('MKD73H', 'Mkd73H')).toBe(true);
    expect(passwordMatches('MKD73H', 'MKD73')).toBe(false);
    expect(passwordMatches('MKD73H', 'MKD74H')).toBe(false);
    // A room made before capitals-only passwords: its mixed-case password still opens it, in any case.
    expect(passwordMatches('kuCeke', 'KUCEKE')).toBe(true);
  });

  it('passwords typed with Cyrillic look-alikes on a Russian keyboard match the Latin ones', () => {
    // К, У, С, Е are Cyrillic here; T (Т), H (Н), M (М), X (Х), A (А), P (Р), 3 (З) too.
    expect(passwordMatches('KYCEKE', 'КУСЕКЕ')).toBe(true);
    expect(passwordMatches('KYCEKE', 'кусеке')).toBe(true);
    expect(passwordMatches('THMXAP', 'тнмхар')).toBe(true);
    expect(passwordMatches('MK3T4E', 'МКЗТ4Е')).toBe(true);
    // A Cyrillic letter with no Latin twin is just wrong.
    expect(passwordMatches('KYCEKE', 'КУСЕКЖ')).toBe(false);
    expect(normalizePassword(' кУсЕкЕ ')).toBe('KYCEKE');
  });
});
