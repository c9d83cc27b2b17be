// The mediasoup worker we build does SRTP with libsrtp's OpenSSL backends
// (AES-NI AES-CM and AES-GCM, OpenSSL's HMAC-SHA1), linked statically, not
// Debian's NSS-backed shared libsrtp2: proven from the binary's links and
// symbols, from a running worker's memory map, and by real SRTP through it in
// each suite, checked against an independent implementation of the RFCs.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type Socket, createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import * as mediasoup from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SrtpContext, type SrtpSuite, headerLength, masterLength } from '../helpers/srtp.js';

const bin = mediasoup.workerBin;
let worker: mediasoup.types.Worker;

beforeAll(async () => {
  worker = await mediasoup.createWorker({ logLevel: 'warn' });
});

afterAll(() => {
  worker?.close();
});

describe('the worker’s SRTP', () => {
  it('links OpenSSL’s AES and HMAC into a static libsrtp, with no shared libsrtp2 or NSS', () => {
    const ldd = execFileSync('ldd', [bin], { encoding: 'utf8' });
    expect(ldd).toMatch(/libcrypto\.so\.3/);
    expect(ldd).not.toMatch(/libsrtp|libnss3/);

    // What libsrtp's OpenSSL backends import from libcrypto.
    const imports = execFileSync('nm', ['-D', '--undefined-only', bin], { encoding: 'utf8' });
    for (const symbol of [
      'EVP_aes_128_ctr',
      'EVP_aes_128_gcm',
      'EVP_aes_256_gcm',
      'EVP_sha1',
      'HMAC_Init_ex',
    ]) {
      expect(imports).toMatch(new RegExp(`\\b${symbol}\\b`));
    }
    const own = execFileSync('nm', [bin], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(own).toMatch(/\bsrtp_aes_icm_openssl_encrypt\b/);
    expect(own).toMatch(/\bsrtp_aes_gcm_openssl_encrypt\b/);
    expect(own).toMatch(/\bsrtp_protect\b/);
    // libsrtp's own table-driven AES and the NSS backend are not in it.
    expect(own).not.toMatch(/\bsrtp_aes_expand_encryption_key\b|_nss_/);
  });

  it('a running worker has libcrypto mapped, and no libsrtp2 or NSS', () => {
    const maps = readFileSync(`/proc/${worker.pid}/maps`, 'utf8');
    expect(maps).toMatch(/libcrypto\.so\.3/);
    expect(maps).not.toMatch(/libsrtp|libnss3/);
  });

  for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'] as const) {
    it(`${suite}: decrypts what we encrypt, forwards it, and encrypts it again as the RFC says`, async () => {
      const { sent, opened, failed } = await roundTrip(suite);
      expect(failed).toBe(0);
      expect(opened.length).toBe(sent.length);
      const sentPayloads = new Set(sent.map((p) => p.toString('hex')));
      for (const payload of opened) expect(sentPayloads.has(payload.toString('hex'))).toBe(true);
    });
  }
});

/**
 * Sends 30 Opus-sized RTP packets, SRTP-encrypted by us, into a plain
 * transport producer; a consumer on a second SRTP plain transport sends them
 * to a socket where we decrypt with the worker's key.
 */
async function roundTrip(suite: SrtpSuite): Promise<{ sent: Buffer[]; opened: Buffer[]; failed: number }> {
  const router = await worker.createRouter({
    mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
  });
  const sockets: Socket[] = [];
  try {
    const inKey = randomBytes(masterLength(suite));
    const sendT = await router.createPlainTransport({
      listenIp: '127.0.0.1',
      comedia: true,
      enableSrtp: true,
      srtpCryptoSuite: suite,
    });
    await sendT.connect({ srtpParameters: { cryptoSuite: suite, keyBase64: inKey.toString('base64') } });
    const ssrc = 0x5c001;
    const producer = await sendT.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc }],
      },
    });

    const sink = createSocket('udp4');
    sockets.push(sink);
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    const recvT = await router.createPlainTransport({
      listenIp: '127.0.0.1',
      enableSrtp: true,
      srtpCryptoSuite: suite,
    });
    await recvT.connect({
      ip: '127.0.0.1',
      port: sink.address().port,
      srtpParameters: { cryptoSuite: suite, keyBase64: randomBytes(masterLength(suite)).toString('base64') },
    });
    const workerKey = Buffer.from(recvT.srtpParameters!.keyBase64, 'base64');
    expect(recvT.srtpParameters!.cryptoSuite).toBe(suite);
    const opener = new SrtpContext(suite, workerKey);
    const opened: Buffer[] = [];
    let failed = 0;
    sink.on('message', (msg) => {
      if (((msg[1] ?? 0) & 0x7f) >= 72 && ((msg[1] ?? 0) & 0x7f) <= 78) return; // SRTCP
      const rtp = opener.unprotect(msg);
      if (!rtp) {
        failed++;
        return;
      }
      opened.push(rtp.subarray(headerLength(rtp)));
    });
    await recvT.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });

    const source = createSocket('udp4');
    sockets.push(source);
    const sealer = new SrtpContext(suite, inKey);
    const sent: Buffer[] = [];
    for (let i = 0; i < 30; i++) {
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = 100;
      header.writeUInt16BE((0xfff0 + i) & 0xffff, 2); // crosses a sequence-number wrap: the rollover counter counts
      header.writeUInt32BE(960 * i, 4);
      header.writeUInt32BE(ssrc, 8);
      const payload = randomBytes(80 + i);
      sent.push(payload);
      source.send(sealer.protect(Buffer.concat([header, payload])), sendT.tuple.localPort, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    return { sent, opened, failed };
  } finally {
    for (const s of sockets) s.close();
    router.close();
  }
}
