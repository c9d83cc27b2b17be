// SRTP by the RFCs, written against Node's crypto, so tests can check what the
// mediasoup worker encrypts and decrypts without trusting libsrtp: the AES-CM
// key derivation of RFC 3711 §4.3, AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1,
// §4.2) and AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714 §8, §12). Key
// derivation rate 0, no MKI, rollover counter tracked per SSRC.
import {
  type CipherGCMTypes,
  createCipheriv,
  createDecipheriv,
  createHmac,
  timingSafeEqual,
} from 'node:crypto';

export type SrtpSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AEAD_AES_128_GCM' | 'AEAD_AES_256_GCM';

interface SuiteSpec {
  keyBytes: number;
  saltBytes: number;
  aead: boolean;
}

const SUITES: Record<SrtpSuite, SuiteSpec> = {
  AES_CM_128_HMAC_SHA1_80: { keyBytes: 16, saltBytes: 14, aead: false },
  AEAD_AES_128_GCM: { keyBytes: 16, saltBytes: 12, aead: true },
  AEAD_AES_256_GCM: { keyBytes: 32, saltBytes: 12, aead: true },
};

const HMAC_TAG_BYTES = 10;
const GCM_TAG_BYTES = 16;

/** Master key + salt length, as mediasoup's keyBase64 carries them. */
export function masterLength(suite: SrtpSuite): number {
  return SUITES[suite].keyBytes + SUITES[suite].saltBytes;
}

/** The AES-CM PRF of RFC 3711 §4.3.3 with a zero-padded 112-bit salt (RFC 7714 §12 for GCM). */
function derive(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  masterSalt.copy(iv, 0);
  iv[7] = iv[7]! ^ label;
  const cipher = createCipheriv(`aes-${masterKey.length * 8}-ctr`, masterKey, iv);
  return cipher.update(Buffer.alloc(length));
}

/** Session keys for RTP (labels 0-2) from a master key + salt. */
export function deriveSessionKeys(
  suite: SrtpSuite,
  master: Buffer,
): { key: Buffer; salt: Buffer; authKey: Buffer } {
  const spec = SUITES[suite];
  if (master.length !== masterLength(suite)) throw new Error(`${suite} needs ${masterLength(suite)} bytes`);
  const masterKey = master.subarray(0, spec.keyBytes);
  const masterSalt = master.subarray(spec.keyBytes);
  return {
    key: derive(masterKey, masterSalt, 0, spec.keyBytes),
    authKey: derive(masterKey, masterSalt, 1, 20),
    salt: derive(masterKey, masterSalt, 2, spec.saltBytes),
  };
}

export function headerLength(packet: Buffer): number {
  const csrcs = packet[0]! & 0x0f;
  let length = 12 + 4 * csrcs;
  if (packet[0]! & 0x10) length += 4 + 4 * packet.readUInt16BE(length + 2);
  return length;
}

/** One direction of an SRTP session (RTP only: these tests do not look at RTCP). */
export class SrtpContext {
  private readonly spec: SuiteSpec;
  private readonly key: Buffer;
  private readonly salt: Buffer;
  private readonly authKey: Buffer;
  private readonly streams = new Map<number, { roc: number; lastSeq: number }>();

  constructor(
    readonly suite: SrtpSuite,
    master: Buffer,
  ) {
    this.spec = SUITES[suite];
    ({ key: this.key, salt: this.salt, authKey: this.authKey } = deriveSessionKeys(suite, master));
  }

  /** Rollover counter for this packet (RFC 3711 §3.3.1, simplified: sequence numbers arrive in order). */
  private roc(ssrc: number, seq: number): number {
    const s = this.streams.get(ssrc);
    if (!s) {
      this.streams.set(ssrc, { roc: 0, lastSeq: seq });
      return 0;
    }
    if (seq < s.lastSeq && s.lastSeq - seq > 0x8000) s.roc++;
    s.lastSeq = seq;
    return s.roc;
  }

  private iv(ssrc: number, roc: number, seq: number): Buffer {
    if (this.spec.aead) {
      // RFC 7714 §8.1: 00 00 || SSRC || ROC || SEQ, XOR the session salt.
      const iv = Buffer.alloc(12);
      iv.writeUInt32BE(ssrc, 2);
      iv.writeUInt32BE(roc, 6);
      iv.writeUInt16BE(seq, 10);
      for (let i = 0; i < 12; i++) iv[i] = iv[i]! ^ this.salt[i]!;
      return iv;
    }
    // RFC 3711 §4.1.1: (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16).
    const iv = Buffer.alloc(16);
    this.salt.copy(iv, 0);
    iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ roc) >>> 0, 8);
    iv.writeUInt16BE(iv.readUInt16BE(12) ^ seq, 12);
    return iv;
  }

  protect(rtp: Buffer): Buffer {
    const hl = headerLength(rtp);
    const header = rtp.subarray(0, hl);
    const ssrc = rtp.readUInt32BE(8);
    const seq = rtp.readUInt16BE(2);
    const roc = this.roc(ssrc, seq);
    const bits = this.key.length * 8;
    if (this.spec.aead) {
      const c = createCipheriv(`aes-${bits}-gcm` as CipherGCMTypes, this.key, this.iv(ssrc, roc, seq), {
        authTagLength: GCM_TAG_BYTES,
      });
      c.setAAD(header);
      const body = Buffer.concat([c.update(rtp.subarray(hl)), c.final()]);
      return Buffer.concat([header, body, c.getAuthTag()]);
    }
    const c = createCipheriv(`aes-${bits}-ctr`, this.key, this.iv(ssrc, roc, seq));
    const out = Buffer.concat([header, c.update(rtp.subarray(hl))]);
    return Buffer.concat([out, this.tag(out, roc)]);
  }

  /** The plain RTP packet, or null when authentication fails. */
  unprotect(srtp: Buffer): Buffer | null {
    const hl = headerLength(srtp);
    const header = srtp.subarray(0, hl);
    const ssrc = srtp.readUInt32BE(8);
    const seq = srtp.readUInt16BE(2);
    const roc = this.roc(ssrc, seq);
    const bits = this.key.length * 8;
    if (this.spec.aead) {
      const d = createDecipheriv(`aes-${bits}-gcm` as CipherGCMTypes, this.key, this.iv(ssrc, roc, seq), {
        authTagLength: GCM_TAG_BYTES,
      });
      d.setAAD(header);
      d.setAuthTag(srtp.subarray(srtp.length - GCM_TAG_BYTES));
      try {
        const body = Buffer.concat([d.update(srtp.subarray(hl, srtp.length - GCM_TAG_BYTES)), d.final()]);
        return Buffer.concat([header, body]);
      } catch {
        return null;
      }
    }
    const authed = srtp.subarray(0, srtp.length - HMAC_TAG_BYTES);
    if (!timingSafeEqual(this.tag(authed, roc), srtp.subarray(srtp.length - HMAC_TAG_BYTES))) return null;
    const d = createDecipheriv(`aes-${bits}-ctr`, this.key, this.iv(ssrc, roc, seq));
    return Buffer.concat([header, d.update(authed.subarray(hl))]);
  }

  private tag(authed: Buffer, roc: number): Buffer {
    const r = Buffer.alloc(4);
    r.writeUInt32BE(roc);
    return createHmac('sha1', this.authKey).update(authed).update(r).digest().subarray(0, HMAC_TAG_BYTES);
  }
}
