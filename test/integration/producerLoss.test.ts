// Packet loss on the way in, as /metrics counts it (sfu/producerLoss.ts): real
// RTP into a real worker with every tenth sequence number left out is 10 %
// lost; a second read counts only what is new; a producer piped to another
// router is not counted twice.
import { createSocket } from 'node:dgram';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProducerLoss } from '../../sfu/producerLoss.js';

let worker: types.Worker;
let second: types.Worker;
const socket = createSocket('udp4');

beforeAll(async () => {
  worker = await mediasoup.createWorker({ logLevel: 'error' });
  second = await mediasoup.createWorker({ logLevel: 'error' });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
});

afterAll(() => {
  worker?.close();
  second?.close();
  socket.close();
});

const SSRC = 1234;

function rtp(seq: number): Buffer {
  const b = Buffer.alloc(12 + 20);
  b[0] = 0x80;
  b[1] = 111;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 960) >>> 0, 4);
  b.writeUInt32BE(SSRC, 8);
  b.fill(0xf8, 12); // an Opus frame's TOC byte and filler
  return b;
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 20_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('packet loss on the way in', () => {
  it('counts packets received and the sequence numbers that never came, once, by kind', async () => {
    const loss = new ProducerLoss();
    loss.watchWorker(worker);
    loss.watchWorker(second);
    const mediaCodecs: types.RtpCodecCapability[] = [
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
    ];
    const router = await worker.createRouter({ mediaCodecs });
    const other = await second.createRouter({ mediaCodecs });
    const transport = await router.createPlainTransport({
      listenIp: '127.0.0.1',
      comedia: true,
      rtcpMux: true,
    });
    const producer = await transport.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: SSRC }],
      },
    });
    // Piped to a router on another worker, as a large lesson does: its pipe producer repeats the packets.
    await router.pipeToRouter({ producerId: producer.id, router: other });

    // 200 sequence numbers, every tenth left out: 180 sent, 20 lost.
    const send = (seq: number) =>
      new Promise<void>((r) => socket.send(rtp(seq), transport.tuple.localPort, '127.0.0.1', () => r()));
    for (let seq = 1; seq <= 200; seq++) {
      if (seq % 10 !== 0) await send(seq);
    }
    // The last one closes the gap before it; mediasoup counts losses as it reports them (about each second).
    await send(201);
    let total = { received: 0, lost: 0 };
    await until(
      async () => {
        const d = await loss.take();
        expect(d.video).toEqual({ received: 0, lost: 0 });
        total = { received: total.received + d.audio.received, lost: total.lost + d.audio.lost };
        return total;
      },
      (t) => t.received === 181 && t.lost === 20,
      '181 received, 20 lost',
    );
    // Nothing new: nothing counted again.
    expect((await loss.take()).audio).toEqual({ received: 0, lost: 0 });

    // A closed producer is forgotten; what it counted stays counted (the counters never go back).
    producer.close();
    expect((await loss.take()).audio).toEqual({ received: 0, lost: 0 });
    router.close();
    other.close();
  });
});
