// Media fan-out: a few publishers send real RTP (VP8 video and Opus audio
// from ffmpeg, copied from a pre-encoded clip so encoding costs nothing) into
// a room; many receivers consume every stream over plain RTP transports with
// SRTP, so the workers encrypt as they would for browsers (--srtp-suite picks
// the suite: AES_CM_128_HMAC_SHA1_80 by default, AEAD_AES_128_GCM or
// AEAD_AES_256_GCM as browsers negotiate over DTLS; --no-srtp for plain RTP).
// The room spreads receivers over workers as in production (pipeToRouter).
// Prints packets forwarded per CPU-second of the mediasoup workers and
// receiver loss, and appends them to loadtest/RESULTS.md. The receivers do
// not announce transport-cc, whose feedback they never send (--transport-cc
// announces it anyway; see sinkCapabilities in rtpSources.ts).
//
//   npm run loadtest:media -- --publishers 3 --receivers 100 --seconds 20
//   npm run loadtest:media -- --srtp-suite AEAD_AES_128_GCM
import { parseArgs } from 'node:util';
import { runFanout } from './fanoutRun.js';
import { appendResult } from './results.js';
import { clip, parseSrtpSuite, requireFfmpeg } from './rtpSources.js';

const { values: args } = parseArgs({
  options: {
    publishers: { type: 'string', default: '3' },
    receivers: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    workers: { type: 'string', default: '2' },
    'srtp-suite': { type: 'string', default: 'AES_CM_128_HMAC_SHA1_80' },
    'no-srtp': { type: 'boolean', default: false },
    'transport-cc': { type: 'boolean', default: false },
  },
});
const PUBLISHERS = Number(args.publishers);
const RECEIVERS = Number(args.receivers);
const SECONDS = Number(args.seconds);
const WORKERS = Number(args.workers);
const SRTP = args['no-srtp'] ? null : parseSrtpSuite(args['srtp-suite']);
const WARMUP_SECONDS = 4;

async function main(): Promise<void> {
  requireFfmpeg();
  const { received, expected, perWorker, streams, socketDrops, inputLossPct } = await runFanout({
    clipPath: clip(),
    workers: WORKERS,
    publishers: PUBLISHERS,
    receivers: RECEIVERS,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    srtp: SRTP,
    transportCc: args['transport-cc'],
  });
  const consumers = RECEIVERS * streams;
  const cpu = perWorker.reduce((a, b) => a + b, 0);
  const lossPct = expected ? (100 * (expected - received)) / expected : 0;
  const lines = [
    `forwarded streams     ${consumers} (${PUBLISHERS} publishers × 2 streams × ${RECEIVERS} receivers), SRTP ${SRTP ?? 'off'}`,
    `packets received      ${received} in ${SECONDS} s (${(received / SECONDS).toFixed(0)} packets/s)`,
    `worker CPU            ${cpu.toFixed(2)} s (${perWorker.map((c) => `${((100 * c) / SECONDS).toFixed(0)}%`).join(' + ')} of a core)`,
    `packets per CPU-s     ${(received / cpu).toFixed(0)} forwarded packets per mediasoup worker CPU-second`,
    `receiver loss         ${lossPct.toFixed(3)}% (${expected - received} of ${expected} by sequence numbers)`,
    `input loss            ${inputLossPct.toFixed(3)}% of the publishers' packets lost before the worker (load generator or machine starved)`,
    `socket drops          ${socketDrops} datagrams dropped by the kernel at full UDP receive buffers on this machine`,
  ];
  console.log(lines.join('\n'));
  appendResult(
    `Media fan-out: ${PUBLISHERS} publishers to ${RECEIVERS} receivers`,
    `npm run loadtest:media -- --publishers ${PUBLISHERS} --receivers ${RECEIVERS} --seconds ${SECONDS} --workers ${WORKERS}${SRTP ? ` --srtp-suite ${SRTP}` : ' --no-srtp'}${args['transport-cc'] ? ' --transport-cc' : ''}`,
    lines,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
