// Media fan-out: a few publishers send real RTP (VP8 video and Opus audio
// from ffmpeg, copied from a pre-encoded clip so encoding costs nothing) into
// a room; many receivers consume every stream over plain RTP transports with
// SRTP, so the workers encrypt as they would for browsers. The room spreads
// receivers over workers as in production (pipeToRouter). Prints packets
// forwarded per CPU-second of the mediasoup workers and receiver loss, and
// appends them to loadtest/RESULTS.md.
//
//   npm run loadtest:media -- --publishers 3 --receivers 100 --seconds 20
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { types } from 'mediasoup';
import { RoomMedia } from '../sfu/roomMedia.js';
import { WorkerPool } from '../sfu/workerPool.js';
import { createLogger } from '../signaling/log.js';
import { freeTcpUdpPort } from '../test/helpers/testServer.js';
import { appendResult } from './results.js';
import { RtpSink } from './rtpSink.js';

const { values: args } = parseArgs({
  options: {
    publishers: { type: 'string', default: '3' },
    receivers: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    workers: { type: 'string', default: '2' },
    srtp: { type: 'boolean', default: true },
    'no-srtp': { type: 'boolean', default: false },
  },
});
const PUBLISHERS = Number(args.publishers);
const RECEIVERS = Number(args.receivers);
const SECONDS = Number(args.seconds);
const WORKERS = Number(args.workers);
const SRTP = !args['no-srtp'];
const WARMUP_SECONDS = 4;

function requireFfmpeg(): void {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  } catch {
    console.error('ffmpeg is needed: apt-get install -y ffmpeg');
    process.exit(1);
  }
}

/** A 20 s VP8 (600 kbit/s, 640x360, 25 fps, keyframe every 2 s) + Opus clip, made once. */
function clip(): string {
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

function sendRtp(
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
      `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}&pkt_size=1200`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function workerCpu(pool: WorkerPool): Promise<number[]> {
  return (await pool.usage()).map((u) => u.userSeconds + u.systemSeconds);
}

async function main(): Promise<void> {
  requireFfmpeg();
  const clipPath = clip();
  const log = createLogger('warn', { loadtest: 'media' });
  const pool = await WorkerPool.create(
    {
      numWorkers: WORKERS,
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      rtcBasePort: await freeTcpUdpPort(),
    },
    log,
  );
  const media = await RoomMedia.create(pool, {
    speakingThresholdDbov: -60,
    recvTransportsPerRouter: Math.ceil(RECEIVERS / WORKERS),
  });
  const encoders: ChildProcess[] = [];
  const sinks: RtpSink[] = [];
  try {
    const producers: types.Producer[] = [];
    for (let i = 0; i < PUBLISHERS; i++) {
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
    const caps = media.rtpCapabilities;
    for (let r = 0; r < RECEIVERS; r++) {
      const sink = new RtpSink();
      const port = await sink.bind();
      sinks.push(sink);
      const t = await media.createPlainTransport('recv', { listenIp: '127.0.0.1', enableSrtp: SRTP });
      await t.connect({
        ip: '127.0.0.1',
        port,
        ...(SRTP
          ? {
              srtpParameters: {
                cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
                keyBase64: randomBytes(30).toString('base64'),
              },
            }
          : {}),
      });
      for (const p of producers) {
        await media.prepareConsume(t.id, p.id, caps);
        await t.consume({ producerId: p.id, rtpCapabilities: caps });
      }
    }
    const consumers = RECEIVERS * producers.length;
    console.log(
      `${PUBLISHERS} publishers (${producers.length} streams) -> ${RECEIVERS} receivers = ${consumers} consumers ` +
        `on ${media.workerIndices.length} workers, SRTP ${SRTP ? 'on' : 'off'}; warming up…`,
    );
    await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
    for (const s of sinks) s.start();
    const cpu0 = await workerCpu(pool);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const cpu1 = await workerCpu(pool);
    let received = 0;
    let expected = 0;
    for (const s of sinks) {
      const c = s.stop();
      received += c.received;
      expected += c.expected;
    }
    const perWorker = cpu1.map((c, i) => c - (cpu0[i] ?? 0));
    const cpu = perWorker.reduce((a, b) => a + b, 0);
    const lossPct = expected ? (100 * (expected - received)) / expected : 0;
    const lines = [
      `forwarded streams     ${consumers} (${PUBLISHERS} publishers × 2 streams × ${RECEIVERS} receivers), SRTP ${SRTP ? 'on' : 'off'}`,
      `packets received      ${received} in ${SECONDS} s (${(received / SECONDS).toFixed(0)} packets/s)`,
      `worker CPU            ${cpu.toFixed(2)} s (${perWorker.map((c) => `${((100 * c) / SECONDS).toFixed(0)}%`).join(' + ')} of a core)`,
      `packets per CPU-s     ${(received / cpu).toFixed(0)} forwarded packets per mediasoup worker CPU-second`,
      `receiver loss         ${lossPct.toFixed(3)}% (${expected - received} of ${expected} by sequence numbers)`,
    ];
    console.log(lines.join('\n'));
    appendResult(
      `Media fan-out: ${PUBLISHERS} publishers to ${RECEIVERS} receivers`,
      `npm run loadtest:media -- --publishers ${PUBLISHERS} --receivers ${RECEIVERS} --seconds ${SECONDS} --workers ${WORKERS}${SRTP ? '' : ' --no-srtp'}`,
      lines,
    );
  } finally {
    for (const e of encoders) e.kill('SIGKILL');
    for (const s of sinks) s.close();
    media.close();
    pool.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
