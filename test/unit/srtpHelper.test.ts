// The tests' own SRTP (test/helpers/srtp.ts) against the RFCs' published
// vectors, so a worker test that agrees with it agrees with the standard.
import { describe, expect, it } from 'vitest';
import { SrtpContext, deriveSessionKeys } from '../helpers/srtp.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('test SRTP helper', () => {
  it('derives session keys as RFC 3711 appendix B.3 does', () => {
    const master = Buffer.concat([
      hex('E1F97A0D3E018BE0D64FA32C06DE4139'),
      hex('0EC675AD498AFEEBB6960B3AABE6'),
    ]);
    const k = deriveSessionKeys('AES_CM_128_HMAC_SHA1_80', master);
    expect(k.key.toString('hex')).toBe('c61e7a93744f39ee10734afe3ff7a087');
    expect(k.salt.toString('hex')).toBe('30cbbc08863d8c85d49db34a9ae1');
    expect(k.authKey.toString('hex')).toBe('cebe321f6ff7716b6fd4ab49af256a156d38baa4');
  });

  it('round-trips each suite and refuses a tampered packet', () => {
    const rtp = Buffer.concat([hex('80 6f 12 34 00 00 00 10 ca fe ba be'), Buffer.from('hello, class')]);
    for (const [suite, len] of [
      ['AES_CM_128_HMAC_SHA1_80', 30],
      ['AEAD_AES_128_GCM', 28],
      ['AEAD_AES_256_GCM', 44],
    ] as const) {
      const master = Buffer.alloc(len, 7);
      const sealed = new SrtpContext(suite, master).protect(rtp);
      expect(sealed.subarray(12).includes(Buffer.from('hello'))).toBe(false);
      expect(new SrtpContext(suite, master).unprotect(sealed)).toEqual(rtp);
      sealed[sealed.length - 1] = sealed[sealed.length - 1]! ^ 1;
      expect(new SrtpContext(suite, master).unprotect(sealed)).toBeNull();
    }
  });
});
