// A large lesson with video, on one mediasoup worker (one core): the teacher
// publishes a simulcast camera (three VP8 layers from one plain transport, as
// a browser sends them) and audio, and shares a screen; every receiver is an
// SRTP plain transport (the suite Chromium negotiates by default) consuming
// the camera's smallest layer, the audio and the screen share. Receivers are
// added in steps; after each step the worker's CPU and the receivers' loss are
// measured. The result is how many receivers one worker core carries with no
// loss, and the capacity model for a 2000-receiver lesson that follows.
//
// Counting every packet of hundreds of receivers in JavaScript would load the
// 2-core machine more than the worker does, so only a sample of receivers
// (spread over the steps) send to counting sockets; the others send to a
// closed local port, which costs the worker the same encryption and send.
// Receivers do not announce transport-cc: they never send its feedback (see
// sinkCapabilities in rtpSources.ts); a browser's feedback costs the worker
// an RTCP packet per receiver every ~100 ms, which this model leaves out.
//
//   npm run loadtest:lesson -- --steps 150,300,450,600 --sample 40 --seconds 15
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { parseArgs } from 'node:util';
import type { types } from 'mediasoup';
import { RoomMedia } from '../sfu/roomMedia.js';
import { startPool } from './fanoutRun.js';
import { appendResult } from './results.js';
import { RtpSink } from './rtpSink.js';
import {
  SRTP_KEY_BYTES,
  type VideoClipSpec,
  clip,
  measure,
  parseSrtpSuite,
  producerInput,
  requireFfmpeg,
  sendRtp,
  sinkCapabilities,
  videoClip,
  workerCpu,
} from './rtpSources.js';
import { UdpRelay } from './udpRelay.js';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '150,300,450,600' },
    sample: { type: 'string', default: '40' },
    seconds: { type: 'string', default: '15' },
    'srtp-suite': { type: 'string', default: 'AEAD_AES_256_GCM' },
    'screen-kbps': { type: 'string', default: '1000' },
    target: { type: 'string', default: '2000' },
    headroom: { type: 'string', default: '0.8' },
    'nic-mbps': { type: 'string', default: '1000' },
  },
});
const STEPS = args.steps.split(',').map(Number);
const MAX = Math.max(...STEPS);
const SAMPLE = Number(args.sample);
const SECONDS = Number(args.seconds);
const SUITE = parseSrtpSuite(args['srtp-suite']);
const SCREEN_KBPS = Number(args['screen-kbps']);
const TARGET = Number(args.target);
const HEADROOM = Number(args.headroom);
const NIC_MBPS = Number(args['nic-mbps']);
const WARMUP_SECONDS = 5;
// IPv4 + UDP headers on the wire, per packet.
const IP_UDP_BYTES = 28;

/** Chromium's simulcast ladder for a 720p camera, smallest first. */
const CAMERA_LAYERS: VideoClipSpec[] = [
  { width: 320, height: 180, fps: 25, kbps: 150, source: 'testsrc2' },
  { width: 640, height: 360, fps: 25, kbps: 500, source: 'testsrc2' },
  { width: 1280, height: 720, fps: 25, kbps: 1500, source: 'testsrc2' },
];
const SCREEN: VideoClipSpec = { width: 1920, height: 1080, fps: 5, kbps: SCREEN_KBPS, source: 'testsrc' };
const VP8 = { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 };
const OPUS = { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };

interface Teacher {
  camera: types.Producer;
  audio: types.Producer;
  screen: types.Producer;
}

async function startTeacher(
  media: RoomMedia,
  encoders: ChildProcess[],
  relays: UdpRelay[],
): Promise<Teacher> {
  const plain = () =>
    media.createPlainTransport('send', { listenIp: '127.0.0.1', comedia: true, rtcpMux: false });
  const rtcpPortOf = (t: types.PlainTransport) => t.rtcpTuple?.localPort ?? t.tuple.localPort;

  // Three layers from one source address, like a browser's simulcast.
  const cam = await plain();
  const ssrcs = [3001, 3002, 3003];
  const camera = await cam.produce({
    kind: 'video',
    rtpParameters: { codecs: [VP8], encodings: ssrcs.map((ssrc) => ({ ssrc })) },
  });
  const relay = await UdpRelay.start(cam.tuple.localPort, rtcpPortOf(cam));
  relays.push(relay);
  for (const [i, layer] of CAMERA_LAYERS.entries()) {
    encoders.push(sendRtp(videoClip(layer), 'v', relay.rtpPort, relay.rtcpPort, ssrcs[i]!, VP8.payloadType));
  }

  const mic = await plain();
  const audio = await mic.produce({
    kind: 'audio',
    rtpParameters: { codecs: [OPUS], encodings: [{ ssrc: 3011 }] },
  });
  encoders.push(sendRtp(clip(), 'a', mic.tuple.localPort, rtcpPortOf(mic), 3011, OPUS.payloadType));

  const share = await plain();
  const screen = await share.produce({
    kind: 'video',
    rtpParameters: { codecs: [VP8], encodings: [{ ssrc: 3021 }] },
    appData: { source: 'screen' },
  });
  encoders.push(
    sendRtp(videoClip(SCREEN), 'v', share.tuple.localPort, rtcpPortOf(share), 3021, VP8.payloadType),
  );
  return { camera, audio, screen };
}

/** One receiver: the camera's smallest layer, the audio and the screen share, to `port`. */
async function addReceiver(media: RoomMedia, teacher: Teacher, port: number): Promise<void> {
  const t = await media.createPlainTransport('recv', {
    listenIp: '127.0.0.1',
    enableSrtp: true,
    srtpCryptoSuite: SUITE,
  });
  await t.connect({
    ip: '127.0.0.1',
    port,
    srtpParameters: { cryptoSuite: SUITE, keyBase64: randomBytes(SRTP_KEY_BYTES[SUITE]).toString('base64') },
  });
  const caps = sinkCapabilities(media.rtpCapabilities, { transportCc: false });
  for (const p of [teacher.camera, teacher.audio, teacher.screen]) {
    await media.prepareConsume(t.id, p.id, caps);
    await t.consume({
      producerId: p.id,
      rtpCapabilities: caps,
      ...(p === teacher.camera ? { preferredLayers: { spatialLayer: 0, temporalLayer: 0 } } : {}),
    });
  }
}

/** A local UDP port with nobody listening: what is sent there is dropped by the kernel. */
async function closedPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

interface Step {
  receivers: number;
  sampled: number;
  cpuCores: number;
  lossPct: number;
  /** Of what the teacher's senders sent, % that never reached the worker (a starved machine). */
  inputLossPct: number;
  socketDrops: number;
  packetsPerReceiver: number;
  kbpsPerReceiver: number;
}

async function main(): Promise<void> {
  requireFfmpeg();
  const pool = await startPool(1, 'lesson');
  const media = await RoomMedia.create(pool, {
    speakingThresholdDbov: -60,
    recvTransportsPerRouter: MAX + 1,
  });
  const encoders: ChildProcess[] = [];
  const relays: UdpRelay[] = [];
  const sinks: RtpSink[] = [];
  const steps: Step[] = [];
  const sampleEvery = Math.max(1, Math.floor(MAX / SAMPLE));
  const drain = await closedPort();
  try {
    const teacher = await startTeacher(media, encoders, relays);
    let receivers = 0;
    for (const target of STEPS) {
      for (; receivers < target; receivers++) {
        if (receivers % sampleEvery === 0) {
          const sink = new RtpSink();
          sinks.push(sink);
          await addReceiver(media, teacher, await sink.bind());
        } else {
          await addReceiver(media, teacher, drain);
        }
      }
      console.log(`${receivers} receivers (${sinks.length} counted); warming up…`);
      await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
      const producers = [teacher.camera, teacher.audio, teacher.screen];
      const in0 = await producerInput(producers);
      const m = await measure(sinks, () => workerCpu(pool), SECONDS);
      const in1 = await producerInput(producers);
      const lostIn = in1.lost - in0.lost;
      const cpuCores = m.perWorker.reduce((a, b) => a + b, 0) / SECONDS;
      const step: Step = {
        receivers,
        sampled: sinks.length,
        cpuCores,
        lossPct: m.expected ? (100 * (m.expected - m.received)) / m.expected : 100,
        inputLossPct: (100 * lostIn) / Math.max(1, in1.packets - in0.packets + lostIn),
        socketDrops: m.socketDrops,
        packetsPerReceiver: m.received / sinks.length / SECONDS,
        kbpsPerReceiver: (8 * (m.bytes + IP_UDP_BYTES * m.received)) / sinks.length / SECONDS / 1000,
      };
      steps.push(step);
      console.log(describe(step));
    }
  } finally {
    for (const e of encoders) e.kill('SIGKILL');
    for (const r of relays) r.close();
    for (const s of sinks) s.close();
    media.close();
    pool.close();
  }
  const lines = [
    `lesson                1 teacher: simulcast camera ${CAMERA_LAYERS.map((l) => `${l.height}p ${l.kbps}k`).join(' / ')} + Opus, screen share ${SCREEN.height}p ${SCREEN.fps} fps ${SCREEN.kbps}k`,
    `each receiver         camera's smallest layer + audio + screen share, SRTP ${SUITE}, on 1 worker`,
    ...steps.map(describe),
    ...model(steps),
  ];
  console.log(lines.slice(-6).join('\n'));
  appendResult(
    'Large lesson with video: receivers per worker core',
    `npm run loadtest:lesson -- --steps ${STEPS.join(',')} --sample ${SAMPLE} --seconds ${SECONDS} --srtp-suite ${SUITE} --screen-kbps ${SCREEN_KBPS}`,
    lines,
  );
}

function describe(s: Step): string {
  return (
    `${String(s.receivers).padStart(5)} receivers    worker ${(100 * s.cpuCores).toFixed(0)}% of a core ` +
    `(${(s.receivers / s.cpuCores).toFixed(0)} receivers per core-second); ${s.sampled} counted: ` +
    `${s.packetsPerReceiver.toFixed(0)} packets/s and ${s.kbpsPerReceiver.toFixed(0)} kbit/s each, ` +
    `loss ${s.lossPct.toFixed(3)}% (${s.inputLossPct.toFixed(3)}% of the input lost before the worker), socket drops ${s.socketDrops}`
  );
}

/**
 * From the largest loss-free step under one core: receivers per core, then
 * cores, hosts, bandwidth. When other work on the machine starved the
 * senders (loss already on the way in), a step counts if the receivers lost
 * no more than that, and the model says so.
 */
function model(steps: Step[]): string[] {
  const under = steps.filter((s) => s.cpuCores < 0.95);
  const strict = under.filter((s) => s.lossPct === 0);
  const added = under.filter((s) => s.lossPct <= s.inputLossPct + 0.05);
  const best = strict[strict.length - 1] ?? added[added.length - 1];
  if (!best) return ['capacity              no step ran without loss under one core: lower --steps'];
  const basis = strict.includes(best)
    ? 'no loss'
    : `no loss added by the worker (${best.lossPct.toFixed(2)}% lost, ${best.inputLossPct.toFixed(2)}% of it before the worker: a starved machine)`;
  const perCore = best.receivers / best.cpuCores;
  const planned = perCore * HEADROOM;
  const cores = Math.ceil(TARGET / planned);
  // A host is bounded by its cores and by its network card (used to the same headroom).
  const perNic = Math.floor((NIC_MBPS * 1000 * HEADROOM) / best.kbpsPerReceiver);
  const hostLine = (hostCores: number) => {
    const perHost = Math.min(Math.floor(planned * hostCores), perNic);
    const hosts = Math.ceil(TARGET / perHost);
    const bound = perHost === perNic ? `its ${NIC_MBPS} Mbit/s network` : 'its cores';
    return `${hosts} host(s) of ${hostCores} worker cores (${perHost} receivers and ${((perHost * best.kbpsPerReceiver) / 1000).toFixed(0)} Mbit/s out each, bound by ${bound})`;
  };
  return [
    `per receiver          ${best.kbpsPerReceiver.toFixed(0)} kbit/s on the wire (IP/UDP included), ${best.packetsPerReceiver.toFixed(0)} packets/s`,
    `one worker core       ${perCore.toFixed(0)} receivers at 100% (from ${best.receivers} receivers at ${(100 * best.cpuCores).toFixed(0)}%, ${basis}); planned at ${(100 * HEADROOM).toFixed(0)}%: ${planned.toFixed(0)}`,
    `${TARGET} receivers      ${cores} worker cores: ${hostLine(2)}; or ${hostLine(8)}`,
    `total out             ${((TARGET * best.kbpsPerReceiver) / 1000).toFixed(0)} Mbit/s for ${TARGET} receivers`,
  ];
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
