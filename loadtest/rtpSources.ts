// RTP sources for media load tests: a pre-encoded VP8 + Opus clip (made once
// and cached) sent by ffmpeg without re-encoding, so the generator costs
// little CPU and the bitrates are realistic.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { types } from 'mediasoup';
import type { RoomMedia } from '../sfu/roomMedia.js';
import type { WorkerPool } from '../sfu/workerPool.js';
import { udpReceiveBufferDrops } from './processStats.js';
import { RtpSink } from './rtpSink.js';

export function requireFfmpeg(): void {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  } catch {
    console.error('ffmpeg is needed: apt-get install -y ffmpeg');
    process.exit(1);
  }
}

/** A 20 s VP8 (600 kbit/s, 640x360, 25 fps, keyframe every 2 s) + Opus clip, made once. */
export function clip(): string {
  const dir = join(process.env.SCHOOL_CALL_CACHE ?? join(homedir(), '.cache/school-call'), 'loadtest');
  const path = join(dir, 'fanout-clip-v1.webm');
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  console.log('encoding the test clip once…');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    '20',
    '-c:v',
    'libvpx',
    '-b:v',
    '600k',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-g',
    '50',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    '-ac',
    '2',
    path,
  ]);
  return path;
}

export interface VideoClipSpec {
  width: number;
  height: number;
  fps: number;
  kbps: number;
  /** testsrc2 moves everywhere like a camera; testsrc changes little, like a slide. */
  source: 'testsrc2' | 'testsrc';
}

/** A 20 s VP8-only clip (keyframe every 2 s) for one simulcast layer or a screen share, made once. */
export function videoClip(spec: VideoClipSpec): string {
  const dir = join(process.env.SCHOOL_CALL_CACHE ?? join(homedir(), '.cache/school-call'), 'loadtest');
  const name = `vp8-${spec.source}-${spec.width}x${spec.height}-${spec.fps}fps-${spec.kbps}k-v1.webm`;
  const path = join(dir, name);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  console.log(`encoding ${name} once…`);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `${spec.source}=size=${spec.width}x${spec.height}:rate=${spec.fps}`,
    '-t',
    '20',
    '-c:v',
    'libvpx',
    '-b:v',
    `${spec.kbps}k`,
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-g',
    String(2 * spec.fps),
    `${path}.tmp.webm`,
  ]);
  renameSync(`${path}.tmp.webm`, path);
  return path;
}

/** ffmpeg's output arguments that send one stream of its input, copied, as RTP to `url`. */
export function rtpOutputArgs(stream: 'v' | 'a', ssrc: number, payloadType: number, url: string): string[] {
  return [
    '-map',
    `0:${stream}`,
    '-c',
    'copy',
    '-f',
    'rtp',
    '-ssrc',
    String(ssrc),
    '-payload_type',
    String(payloadType),
    url,
  ];
}

export function sendRtp(
  clipPath: string,
  stream: 'v' | 'a',
  port: number,
  rtcpPort: number,
  ssrc: number,
  payloadType: number,
): ChildProcess {
  return spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-re',
      '-stream_loop',
      '-1',
      '-i',
      clipPath,
      ...rtpOutputArgs(
        stream,
        ssrc,
        payloadType,
        `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}&pkt_size=1200`,
      ),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/** Each publisher sends one video and one audio stream into the room's home router. */
export async function startPublishers(
  media: RoomMedia,
  count: number,
  clipPath: string,
  encoders: ChildProcess[],
): Promise<{ producers: types.Producer[] }> {
  const producers: types.Producer[] = [];
  for (let i = 0; i < count; i++) {
    for (const kind of ['video', 'audio'] as const) {
      // ffmpeg sends RTCP from another port than RTP, so no RTCP mux here.
      const t = await media.createPlainTransport('send', {
        listenIp: '127.0.0.1',
        comedia: true,
        rtcpMux: false,
      });
      const ssrc = 10_000 + i * 10 + (kind === 'video' ? 1 : 2);
      const payloadType = kind === 'video' ? 101 : 100;
      const codec =
        kind === 'video'
          ? { mimeType: 'video/VP8', payloadType, clockRate: 90000 }
          : { mimeType: 'audio/opus', payloadType, clockRate: 48000, channels: 2 };
      producers.push(await t.produce({ kind, rtpParameters: { codecs: [codec], encodings: [{ ssrc }] } }));
      const rtcpPort = t.rtcpTuple?.localPort ?? t.tuple.localPort;
      encoders.push(
        sendRtp(clipPath, kind === 'video' ? 'v' : 'a', t.tuple.localPort, rtcpPort, ssrc, payloadType),
      );
    }
  }
  return { producers };
}

/** SRTP suites a load test can ask for, and their master key + salt lengths (RFC 3711, RFC 7714). */
export const SRTP_KEY_BYTES: Record<types.SrtpCryptoSuite, number> = {
  AES_CM_128_HMAC_SHA1_80: 30,
  AES_CM_128_HMAC_SHA1_32: 30,
  AEAD_AES_128_GCM: 28,
  AEAD_AES_256_GCM: 44,
};

export function parseSrtpSuite(name: string): types.SrtpCryptoSuite {
  if (!(name in SRTP_KEY_BYTES)) {
    throw new Error(`unknown SRTP suite ${name}; one of ${Object.keys(SRTP_KEY_BYTES).join(', ')}`);
  }
  return name as types.SrtpCryptoSuite;
}

const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

/**
 * What a UDP sink receiver can honestly announce: the router's capabilities
 * without transport-wide congestion control, since the sink never sends its
 * feedback. Announced anyway, the worker keeps every sent packet in its
 * send-time history for 60 s waiting for feedback that a browser would send
 * every ~100 ms (which empties it): a std::map of ~23,000 packets per
 * receiver, costing ~10 % of the worker's time, that no real call pays.
 * `transportCc: true` keeps it, to measure that case.
 */
export function sinkCapabilities(
  caps: types.RtpCapabilities,
  { transportCc }: { transportCc: boolean },
): types.RtpCapabilities {
  if (transportCc) return caps;
  return {
    ...caps,
    codecs: (caps.codecs ?? []).map((c) => ({
      ...c,
      rtcpFeedback: (c.rtcpFeedback ?? []).filter((f) => f.type !== 'transport-cc'),
    })),
    headerExtensions: (caps.headerExtensions ?? []).filter((h) => h.uri !== TRANSPORT_CC_URI),
  };
}

/** A receiver consuming every producer over a plain transport (SRTP like a browser's DTLS-SRTP; null = plain RTP). */
export async function addReceiver(
  media: RoomMedia,
  producers: types.Producer[],
  srtp: types.SrtpCryptoSuite | null,
  { transportCc = false }: { transportCc?: boolean } = {},
): Promise<RtpSink> {
  const sink = new RtpSink();
  const port = await sink.bind();
  const t = await media.createPlainTransport('recv', {
    listenIp: '127.0.0.1',
    enableSrtp: srtp !== null,
    ...(srtp ? { srtpCryptoSuite: srtp } : {}),
  });
  await t.connect({
    ip: '127.0.0.1',
    port,
    ...(srtp
      ? {
          srtpParameters: {
            cryptoSuite: srtp,
            keyBase64: randomBytes(SRTP_KEY_BYTES[srtp]).toString('base64'),
          },
        }
      : {}),
  });
  const caps = sinkCapabilities(media.rtpCapabilities, { transportCc });
  for (const p of producers) {
    await media.prepareConsume(t.id, p.id, caps);
    await t.consume({ producerId: p.id, rtpCapabilities: caps });
  }
  return sink;
}

/**
 * Packets the producers received and the ones their senders' sequence numbers
 * say went missing before the worker (ffmpeg starved, or the worker's socket
 * full), so far: tells loss on the way in from loss on the way out.
 */
export async function producerInput(producers: types.Producer[]): Promise<{ packets: number; lost: number }> {
  let packets = 0;
  let lost = 0;
  for (const p of producers) {
    for (const s of await p.getStats()) {
      packets += s.packetCount;
      lost += s.packetsLost;
    }
  }
  return { packets, lost };
}

export async function workerCpu(pool: WorkerPool): Promise<number[]> {
  return (await pool.usage()).map((u) => u.userSeconds + u.systemSeconds);
}

/** Counts packets at the sinks and worker CPU over one window. */
export async function measure(
  sinks: RtpSink[],
  cpu: () => Promise<number[]>,
  seconds: number,
): Promise<{ received: number; expected: number; bytes: number; perWorker: number[]; socketDrops: number }> {
  for (const s of sinks) s.start();
  const drops0 = udpReceiveBufferDrops();
  const cpu0 = await cpu();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu1 = await cpu();
  const socketDrops = udpReceiveBufferDrops() - drops0;
  let received = 0;
  let expected = 0;
  let bytes = 0;
  for (const s of sinks) {
    const c = s.stop();
    received += c.received;
    expected += c.expected;
    bytes += c.bytes;
  }
  return { received, expected, bytes, perWorker: cpu1.map((c, i) => c - (cpu0[i] ?? 0)), socketDrops };
}
