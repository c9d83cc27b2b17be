import { describe, expect, it } from 'vitest';
import {
  PASSWORD_ALPHABET,
  generateCode,
  generatePassword,
  normalizeCode,
  passwordMatches,
} from '../../signaling/domain/joinCodes.js';
import { SlidingWindowLimiter } from '../../signaling/rateLimiter.js';

describe('short codes and passwords', () => {
  it('codes read as 3-3-1 digits and accept spaces or no separators', () => {
    for (let i = 0; i < 100; i++) expect(generateCode()).toMatch(/^\d{3}-\d{3}-\d$/);
    expect(normalizeCode('148 118 3')).toBe('148-118-3');
    expect(normalizeCode('1481183')).toBe('148-118-3');
    expect(normalizeCode('148-118')).toBeNull();
    expect(normalizeCode('abc-def-g')).toBeNull();
  });

  it('passwords avoid characters people confuse', () => {
    for (const ch of '0Oo1lIi5S2Z8B') expect(PASSWORD_ALPHABET).not.toContain(ch);
    for (let i = 0; i < 100; i++) {
      const p = generatePassword();
      expect(p).toHaveLength(6);
      for (const ch of p) expect(PASSWORD_ALPHABET).toContain(ch);
    }
  });

  it('passwords match exactly, forgiving surrounding spaces', () => {
    expect(passwordMatches('MSDb3D', 'MSDb3D')).toBe(true);
    expect(passwordMatches('MSDb3D', ' MSDb3D\n')).toBe(true);
    expect(passwordMatches('MSDb3D', 'msdb3d')).toBe(false);
    expect(passwordMatches('MSDb3D', 'MSDb3')).toBe(false);
  });
});

describe('sliding window limiter', () => {
  it('limits within the window and forgets after it', () => {
    const l = new SlidingWindowLimiter(2, 1000);
    l.record('k', 0);
    expect(l.isLimited('k', 10)).toBe(false);
    l.record('k', 20);
    expect(l.isLimited('k', 30)).toBe(true);
    expect(l.isLimited('other', 30)).toBe(false);
    expect(l.isLimited('k', 1025)).toBe(false);
  });
});
