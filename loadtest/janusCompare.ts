// Our SFU and Debian's Janus (VideoRoom plugin) side by side, under the same
// publishers and receivers: the same ffmpeg RTP clip, and receivers that are
// UDP sinks fed with SRTP (AES_CM_128_HMAC_SHA1_80, the suite both can use on
// a plain output). For us the receivers are plain SRTP transports consuming
// every stream (as in the fan-out test); for Janus the publishers are
// VideoRoom "remote publishers" (plain RTP in) and each receiver is a set of
// SRTP RTP forwarders, one per stream. The figure is forwarded packets per
// CPU-second of the forwarding processes (mediasoup workers; the janus
// process), and ours divided by Janus's.
//
// The machine is shared, so one pair proves little: the two servers run
// interleaved (ours, Janus, ours, Janus, ...) for --pairs rounds, each round
// with SRTP and then without, and the result is the median of the per-round
// ratios with their range.
//
// Our receivers announce what they implement: no transport-wide congestion
// control, since they never send its feedback (as Janus's forwarders do no
// congestion control). `--transport-cc` announces it anyway, which fills the
// worker's send-time history for 60 s (see sinkCapabilities in rtpSources.ts).
//
//   npm run loadtest:janus -- --publishers 3 --receivers 100 --seconds 20 --pairs 3 [--priority]
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setPriority } from 'node:os';
import { parseArgs } from 'node:util';
import { freeTcpUdpPort } from '../test/helpers/testServer.js';
import { runFanout } from './fanoutRun.js';
import { Janus } from './janus.js';
import { cpuSeconds } from './processStats.js';
import { appendResult } from './results.js';
import { RtpSink } from './rtpSink.js';
import { clip, measure, requireFfmpeg, sendRtp } from './rtpSources.js';
import { median, medianAndSpread } from './stats.js';

const { values: args } = parseArgs({
  options: {
    publishers: { type: 'string', default: '3' },
    receivers: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    pairs: { type: 'string', default: '3' },
    'no-plain': { type: 'boolean', default: false },
    'transport-cc': { type: 'boolean', default: false },
    priority: { type: 'boolean', default: false },
  },
});
const PUBLISHERS = Number(args.publishers);
const RECEIVERS = Number(args.receivers);
const SECONDS = Number(args.seconds);
const PAIRS = Number(args.pairs);
const PLAIN = !args['no-plain'];
// On a shared machine: this process and everything it starts (workers, Janus, ffmpeg publishers)
// at nice -10, so other work does not starve either server; both get the same. Needs root.
if (args.priority) setPriority(0, -10);
const WARMUP_SECONDS = 4;
// Janus demultiplexes a remote publisher's streams by SSRC: base + 10 × mindex.
const JANUS_REMOTE_SSRC_BASE = 1000;
const JANUS_REMOTE_SSRC_STEP = 10;

interface Figures {
  received: number;
  expected: number;
  cpu: number;
  /** Ours only: loss before the worker (ffmpeg or the machine starved), % of sent. */
  inputLossPct?: number;
}

async function runOurs(clipPath: string, srtp: boolean): Promise<Figures> {
  const m = await runFanout({
    clipPath,
    workers: 2,
    publishers: PUBLISHERS,
    receivers: RECEIVERS,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    srtp: srtp ? 'AES_CM_128_HMAC_SHA1_80' : null,
    transportCc: args['transport-cc'],
  });
  return {
    received: m.received,
    expected: m.expected,
    cpu: m.perWorker.reduce((a, b) => a + b, 0),
    inputLossPct: m.inputLossPct,
  };
}

async function runJanus(clipPath: string, srtp: boolean): Promise<Figures> {
  const janus = await Janus.start(await freeTcpUdpPort());
  const encoders: ChildProcess[] = [];
  const sinks: RtpSink[] = [];
  try {
    const room = 4242;
    await janus.videoroom({
      request: 'create',
      room,
      publishers: PUBLISHERS + 1,
      videocodec: 'vp8',
      audiocodec: 'opus',
    });
    const publishers: number[] = [];
    for (let i = 0; i < PUBLISHERS; i++) {
      const remote = await janus.videoroom({
        request: 'add_remote_publisher',
        room,
        display: `publisher ${i}`,
        streams: [
          { type: 'audio', mindex: 0, mid: '0', codec: 'opus', stereo: true },
          { type: 'video', mindex: 1, mid: '1', codec: 'vp8' },
        ],
      });
      publishers.push(remote.id);
      const ssrc = (mindex: number) => JANUS_REMOTE_SSRC_BASE + JANUS_REMOTE_SSRC_STEP * mindex;
      encoders.push(sendRtp(clipPath, 'a', remote.port, remote.rtcp_port, ssrc(0), 100));
      encoders.push(sendRtp(clipPath, 'v', remote.port, remote.rtcp_port, ssrc(1), 101));
    }
    for (let r = 0; r < RECEIVERS; r++) {
      const sink = new RtpSink();
      const port = await sink.bind();
      sinks.push(sink);
      for (const [i, publisherId] of publishers.entries()) {
        // Distinct SSRCs per publisher so the sink tells the streams apart.
        await janus.videoroom({
          request: 'rtp_forward',
          room,
          publisher_id: publisherId,
          host: '127.0.0.1',
          streams: [
            { mid: '0', port, ssrc: 10_000 + i * 10 + 2 },
            { mid: '1', port, ssrc: 10_000 + i * 10 + 1 },
          ],
          ...(srtp ? { srtp_suite: 80, srtp_crypto: randomBytes(30).toString('base64') } : {}),
        });
      }
    }
    console.log(
      `janus: ${PUBLISHERS * 2} streams -> ${RECEIVERS} receivers, SRTP ${srtp ? 'on' : 'off'}; warming up…`,
    );
    await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
    const pid = janus.process.pid!;
    const m = await measure(sinks, async () => [cpuSeconds(pid)], SECONDS);
    return { received: m.received, expected: m.expected, cpu: m.perWorker[0] ?? 0 };
  } finally {
    for (const e of encoders) e.kill('SIGKILL');
    for (const s of sinks) s.close();
    await janus.stop();
  }
}

const rate = (f: Figures) => f.received / f.cpu;
const lossPct = (f: Figures) => (f.expected ? (100 * (f.expected - f.received)) / f.expected : 0);
const describe = (f: Figures) =>
  `${(f.received / SECONDS).toFixed(0)} packets/s, CPU ${((100 * f.cpu) / SECONDS).toFixed(0)}% of a core, ` +
  `${rate(f).toFixed(0)} packets per CPU-s, loss ${lossPct(f).toFixed(3)}%` +
  (f.inputLossPct !== undefined ? ` (${f.inputLossPct.toFixed(3)}% already on the way in)` : '');

interface Round {
  ours: Figures;
  janus: Figures;
  oursPlain?: Figures;
  janusPlain?: Figures;
}

async function main(): Promise<void> {
  requireFfmpeg();
  const clipPath = clip();
  const rounds: Round[] = [];
  const lines = [
    `streams               ${PUBLISHERS * 2} (${PUBLISHERS} publishers × video+audio) to ${RECEIVERS} receivers = ${PUBLISHERS * 2 * RECEIVERS} forwarded streams`,
    `order                 interleaved, ${PAIRS} rounds of: ours SRTP, janus SRTP${PLAIN ? ', ours plain RTP, janus plain RTP' : ''}`,
  ];
  for (let i = 0; i < PAIRS; i++) {
    const round: Round = { ours: await runOurs(clipPath, true), janus: await runJanus(clipPath, true) };
    if (PLAIN) {
      round.oursPlain = await runOurs(clipPath, false);
      round.janusPlain = await runJanus(clipPath, false);
    }
    rounds.push(round);
    const perRound = [
      `round ${i + 1} ours SRTP     ${describe(round.ours)}`,
      `round ${i + 1} janus SRTP    ${describe(round.janus)}`,
      ...(round.oursPlain ? [`round ${i + 1} ours plain    ${describe(round.oursPlain)}`] : []),
      ...(round.janusPlain ? [`round ${i + 1} janus plain   ${describe(round.janusPlain)}`] : []),
    ];
    console.log(perRound.join('\n'));
    lines.push(...perRound);
  }
  const ratios = rounds.map((r) => rate(r.ours) / rate(r.janus));
  lines.push(
    `ours SRTP             median ${median(rounds.map((r) => rate(r.ours))).toFixed(0)} packets per CPU-s, worst loss ${Math.max(...rounds.map((r) => lossPct(r.ours))).toFixed(3)}%`,
    `janus SRTP            median ${median(rounds.map((r) => rate(r.janus))).toFixed(0)} packets per CPU-s, worst loss ${Math.max(...rounds.map((r) => lossPct(r.janus))).toFixed(3)}%`,
    `ours / janus, SRTP    ${medianAndSpread(ratios)} forwarded packets per CPU-second, median of rounds (range)`,
  );
  if (PLAIN) {
    const plain = rounds.map((r) => rate(r.oursPlain!) / rate(r.janusPlain!));
    const oursCost = rounds.map((r) => rate(r.oursPlain!) / rate(r.ours));
    const janusCost = rounds.map((r) => rate(r.janusPlain!) / rate(r.janus));
    lines.push(
      `ours / janus, plain   ${medianAndSpread(plain)}`,
      `plain / SRTP, ours    ${medianAndSpread(oursCost)} (how much more a packet costs with SRTP)`,
      `plain / SRTP, janus   ${medianAndSpread(janusCost)}`,
    );
  }
  console.log(lines.slice(-(PLAIN ? 6 : 3)).join('\n'));
  appendResult(
    `Side by side with Janus, interleaved: ${PUBLISHERS} publishers to ${RECEIVERS} receivers`,
    `npm run loadtest:janus -- --publishers ${PUBLISHERS} --receivers ${RECEIVERS} --seconds ${SECONDS} --pairs ${PAIRS}${PLAIN ? '' : ' --no-plain'}${args['transport-cc'] ? ' --transport-cc' : ''}${args.priority ? ' --priority' : ''}`,
    lines,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
