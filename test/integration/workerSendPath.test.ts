// The worker's send path, as the browser relies on it: one packet fanned out
// to many receivers arrives at each of them once, in order and intact (SRTP
// and plain), a NACK is answered with the lost packets, and a simulcast
// consumer switches layers. The worker's own patches change how it sends
// (sfu/worker-build/worker-patches/): these are the behaviours they keep.
import { randomBytes } from 'node:crypto';
import { type Socket, createSocket } from 'node:dgram';
import * as mediasoup from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTER_MEDIA_CODECS } from '../../sfu/mediaCodecs.js';
import { SrtpContext, headerLength, masterLength } from '../helpers/srtp.js';

const VP8 = { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 };
let worker: mediasoup.types.Worker;
let router: mediasoup.types.Router;
const sockets: Socket[] = [];

beforeAll(async () => {
  worker = await mediasoup.createWorker({ logLevel: 'warn' });
  router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
});

afterAll(() => {
  for (const s of sockets) s.close();
  worker?.close();
});

async function udpSocket(): Promise<Socket> {
  const s = createSocket({ type: 'udp4', recvBufferSize: 1024 * 1024 });
  sockets.push(s);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s;
}

/** RTP packets (not RTCP, not mediasoup's probation padding) arriving at `socket`, as they come. */
function collect(socket: Socket, open: (msg: Buffer) => Buffer | null = (m) => m): Buffer[] {
  const got: Buffer[] = [];
  socket.on('message', (msg) => {
    const type = (msg[1] ?? 0) & 0x7f;
    if (type >= 72 && type <= 78) return;
    if (msg.readUInt32BE(8) === 1234) return;
    const rtp = open(msg);
    if (rtp) got.push(rtp);
  });
  return got;
}

function rtp(payloadType: number, ssrc: number, seq: number, timestamp: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = payloadType;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE(timestamp >>> 0, 4);
  header.writeUInt32BE(ssrc, 8);
  return Buffer.concat([header, payload]);
}

/** A VP8 payload (descriptor with picture id and TL0PICIDX), keyframe or not, ending in `tag`. */
function vp8(pictureId: number, keyFrame: boolean, tag: number, size = 200): Buffer {
  const p = randomBytes(size);
  p[0] = 0x90; // X, S, partition 0
  p[1] = 0xc0; // I, L
  p[2] = 0x80 | ((pictureId >> 8) & 0x7f);
  p[3] = pictureId & 0xff;
  p[4] = pictureId & 0xff; // TL0PICIDX
  p[5] = keyFrame ? 0x00 : 0x01;
  p[size - 1] = tag;
  return p;
}

/** An RTCP sender report (RFC 3550) saying that RTP time `timestamp` is now. */
function senderReport(ssrc: number, timestamp: number): Buffer {
  const b = Buffer.alloc(28);
  b[0] = 0x80;
  b[1] = 200;
  b.writeUInt16BE(6, 2);
  b.writeUInt32BE(ssrc, 4);
  const ms = Date.now() + 2_208_988_800_000; // NTP counts from 1900
  b.writeUInt32BE(Math.floor(ms / 1000) >>> 0, 8);
  b.writeUInt32BE(Math.floor(((ms % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  b.writeUInt32BE(timestamp >>> 0, 16);
  return b;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function seqs(packets: Buffer[]): number[] {
  return packets.map((p) => p.readUInt16BE(2));
}

describe('the worker’s send path', () => {
  it('fans each packet out to 40 receivers once, in order and intact, with SRTP and without', async () => {
    const send = await router.createPlainTransport({ listenIp: '127.0.0.1', comedia: true });
    const ssrc = 0x51000;
    const producer = await send.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc }],
      },
    });
    const receivers: { got: Buffer[]; srtp: boolean }[] = [];
    for (let i = 0; i < 40; i++) {
      const srtp = i % 2 === 0;
      const sink = await udpSocket();
      const t = await router.createPlainTransport({
        listenIp: '127.0.0.1',
        enableSrtp: srtp,
        ...(srtp ? { srtpCryptoSuite: 'AEAD_AES_256_GCM' as const } : {}),
      });
      await t.connect({
        ip: '127.0.0.1',
        port: sink.address().port,
        ...(srtp
          ? {
              srtpParameters: {
                cryptoSuite: 'AEAD_AES_256_GCM' as const,
                keyBase64: randomBytes(masterLength('AEAD_AES_256_GCM')).toString('base64'),
              },
            }
          : {}),
      });
      const opener = srtp
        ? new SrtpContext('AEAD_AES_256_GCM', Buffer.from(t.srtpParameters!.keyBase64, 'base64'))
        : null;
      const got = collect(sink, opener ? (m) => opener.unprotect(m) : undefined);
      await t.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      receivers.push({ got, srtp });
    }

    const source = await udpSocket();
    const payloads: Buffer[] = [];
    // Bursts of 10 back to back: several received datagrams per worker loop iteration.
    for (let i = 0; i < 300; i++) {
      const payload = randomBytes(60 + (i % 100));
      payloads.push(payload);
      source.send(rtp(100, ssrc, 40_000 + i, 960 * i, payload), send.tuple.localPort, '127.0.0.1');
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 15));
    }
    await until(() => receivers.every((r) => r.got.length >= 300));
    await new Promise((r) => setTimeout(r, 200));

    for (const r of receivers) {
      expect(r.got.length).toBe(300);
      const s = seqs(r.got);
      for (let i = 1; i < s.length; i++) expect((s[i]! - s[i - 1]! + 0x10000) & 0xffff).toBe(1);
      expect(r.got.map((p) => p.subarray(headerLength(p)).toString('hex'))).toEqual(
        payloads.map((p) => p.toString('hex')),
      );
    }
    send.close();
  });

  it('answers a NACK with the lost packets, over RTX', async () => {
    const send = await router.createPlainTransport({ listenIp: '127.0.0.1', comedia: true });
    const ssrc = 0x52000;
    const producer = await send.produce({
      kind: 'video',
      rtpParameters: { codecs: [VP8], encodings: [{ ssrc }] },
    });
    const sink = await udpSocket();
    const t = await router.createPlainTransport({ listenIp: '127.0.0.1' });
    await t.connect({ ip: '127.0.0.1', port: sink.address().port });
    const got = collect(sink);
    const consumer = await t.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    const outSsrc = consumer.rtpParameters.encodings![0]!.ssrc!;
    const rtxSsrc = consumer.rtpParameters.encodings![0]!.rtx!.ssrc;
    const rtxPt = consumer.rtpParameters.codecs.find(
      (c) => c.mimeType.toLowerCase() === 'video/rtx',
    )!.payloadType;

    const source = await udpSocket();
    for (let i = 0; i < 40; i++) {
      source.send(rtp(101, ssrc, 100 + i, 3000 * i, vp8(i, i === 0, i)), send.tuple.localPort, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => got.filter((p) => p.readUInt32BE(8) === outSsrc).length >= 40);
    const media = got.filter((p) => p.readUInt32BE(8) === outSsrc);
    const lost = [media[10]!, media[12]!, media[25]!];

    // Generic NACK (RFC 4585): packet id and a bitmask of the 16 after it.
    const nack = (pid: number, blp: number) => {
      const b = Buffer.alloc(16);
      b[0] = 0x81; // V=2, FMT=1
      b[1] = 205;
      b.writeUInt16BE(3, 2);
      b.writeUInt32BE(0x1111, 4);
      b.writeUInt32BE(outSsrc, 8);
      b.writeUInt16BE(pid, 12);
      b.writeUInt16BE(blp, 14);
      return b;
    };
    const first = lost[0]!.readUInt16BE(2);
    sink.send(nack(first, 0b10 | (1 << 14)), t.tuple.localPort, '127.0.0.1');
    await until(() => got.filter((p) => p.readUInt32BE(8) === rtxSsrc).length >= 3);

    const rtx = got.filter((p) => p.readUInt32BE(8) === rtxSsrc);
    expect(rtx.every((p) => (p[1]! & 0x7f) === rtxPt)).toBe(true);
    // RFC 4588: the original sequence number, then the original payload.
    const resent = rtx.map((p) => p.subarray(headerLength(p)));
    expect(resent.map((p) => p.readUInt16BE(0))).toEqual(lost.map((p) => p.readUInt16BE(2)));
    expect(resent.map((p) => p.subarray(2).subarray(-20).toString('hex'))).toEqual(
      lost.map((p) => p.subarray(headerLength(p)).subarray(-20).toString('hex')),
    );
    send.close();
    t.close();
  });

  it('switches a simulcast consumer from the smallest layer to the largest, in order', async () => {
    const send = await router.createPlainTransport({ listenIp: '127.0.0.1', comedia: true });
    const ssrcs = [0x53001, 0x53002, 0x53003];
    const producer = await send.produce({
      kind: 'video',
      rtpParameters: { codecs: [VP8], encodings: ssrcs.map((ssrc) => ({ ssrc })) },
    });
    const sink = await udpSocket();
    const t = await router.createPlainTransport({ listenIp: '127.0.0.1' });
    await t.connect({ ip: '127.0.0.1', port: sink.address().port });
    const got = collect(sink);
    // No bandwidth estimation (the sink sends no feedback): the consumer takes the layers it is asked for.
    const rtpCapabilities = {
      ...router.rtpCapabilities,
      codecs: router.rtpCapabilities.codecs!.map((c) => ({
        ...c,
        rtcpFeedback: (c.rtcpFeedback ?? []).filter(
          (f) => f.type !== 'transport-cc' && f.type !== 'goog-remb',
        ),
      })),
    };
    const consumer = await t.consume({
      producerId: producer.id,
      rtpCapabilities,
      preferredLayers: { spatialLayer: 0, temporalLayer: 0 },
    });
    const outSsrc = consumer.rtpParameters.encodings![0]!.ssrc!;
    const media = () => got.filter((p) => p.readUInt32BE(8) === outSsrc);
    const layerOf = (p: Buffer) => p[p.length - 1]!;

    const source = await udpSocket();
    let frame = 0;
    let stop = false;
    // Three layers at 25 frames/s, a keyframe in each every 10 frames; the
    // payload's last byte says which layer a packet came from. Sender reports
    // tie the layers' timestamps together, which a switch needs.
    const sending = (async () => {
      while (!stop) {
        for (const [layer, ssrc] of ssrcs.entries()) {
          if (frame % 10 === 0)
            source.send(senderReport(ssrc, 3600 * frame), send.tuple.localPort, '127.0.0.1');
          const payload = vp8(frame, frame % 10 === 0, layer, 200 + 300 * layer);
          source.send(
            rtp(101, ssrc, 1000 * layer + frame, 3600 * frame, payload),
            send.tuple.localPort,
            '127.0.0.1',
          );
        }
        frame++;
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    try {
      await until(() => media().length >= 20, 10_000);
      expect(new Set(media().map(layerOf))).toEqual(new Set([0]));

      await consumer.setPreferredLayers({ spatialLayer: 2, temporalLayer: 0 });
      await until(() => media().filter((p) => layerOf(p) === 2).length >= 20, 10_000);
      const all = media();
      const from = all.findIndex((p) => layerOf(p) === 2);
      // Once on the largest layer, only the largest layer.
      expect(new Set(all.slice(from).map(layerOf))).toEqual(new Set([2]));
      // In order, none twice (mediasoup 3.12 skips a number or two where it changes layers).
      const s = seqs(all);
      for (let i = 1; i < s.length; i++) {
        const step = (s[i]! - s[i - 1]! + 0x10000) & 0xffff;
        expect(step).toBeGreaterThanOrEqual(1);
        expect(step).toBeLessThanOrEqual(3);
      }
    } finally {
      stop = true;
      await sending;
      send.close();
      t.close();
    }
  });
});
