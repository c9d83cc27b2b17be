// The cost of the inter-host pipe. The same publishers and receivers are run
// twice: first every receiver on the publishers' host (one worker), then every
// receiver on a second "host" (its own worker pool, as an edge host has),
// with each stream crossing once in a PipeTransport over UDP, set up as
// sfu/homeSideLinks.ts and sfu/edgeSideMedia.ts do (enableRtx, one pipe per room and
// edge). The difference in worker CPU, divided by the streams that cross,
// is the pipe's cost per forwarded stream.
//
//   npm run loadtest:pipe -- --publishers 3 --receivers 50 --seconds 15
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { types } from 'mediasoup';
import { createLogger } from '../common/log.js';
import { RoomMedia } from '../sfu/roomMedia.js';
import { WorkerPool } from '../sfu/workerPool.js';
import { freeTcpUdpPort } from '../test/helpers/testServer.js';
import { appendResult } from './results.js';
import type { RtpSink } from './rtpSink.js';
import { addReceiver, clip, measure, requireFfmpeg, startPublishers, workerCpu } from './rtpSources.js';

const { values: args } = parseArgs({
  options: {
    publishers: { type: 'string', default: '3' },
    receivers: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '15' },
  },
});
const PUBLISHERS = Number(args.publishers);
const RECEIVERS = Number(args.receivers);
const SECONDS = Number(args.seconds);
const WARMUP_SECONDS = 4;

async function hostPool(): Promise<WorkerPool> {
  const log = createLogger('warn', { loadtest: 'pipe' });
  return WorkerPool.create(
    { numWorkers: 1, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', rtcBasePort: await freeTcpUdpPort() },
    log,
  );
}

/** Every producer crosses from home to edge once, as EdgeLink.ensureSent does it. */
async function pipeAcross(home: RoomMedia, edge: RoomMedia, producers: types.Producer[]): Promise<void> {
  const homeEnd = await home.router.createPipeTransport({ listenIp: '127.0.0.1', enableRtx: true });
  const edgeEnd = await edge.router.createPipeTransport({ listenIp: '127.0.0.1', enableRtx: true });
  await homeEnd.connect({ ip: edgeEnd.tuple.localIp, port: edgeEnd.tuple.localPort });
  await edgeEnd.connect({ ip: homeEnd.tuple.localIp, port: homeEnd.tuple.localPort });
  for (const p of producers) {
    const out = await homeEnd.consume({ producerId: p.id });
    await edgeEnd.produce({
      id: p.id,
      kind: out.kind,
      rtpParameters: out.rtpParameters,
      paused: out.producerPaused,
    });
  }
}

async function main(): Promise<void> {
  requireFfmpeg();
  const clipPath = clip();
  const [poolA, poolB] = [await hostPool(), await hostPool()];
  const options = { speakingThresholdDbov: -60, recvTransportsPerRouter: RECEIVERS + 1 };
  const home = await RoomMedia.create(poolA, options);
  const edge = await RoomMedia.create(poolB, options);
  const encoders: ChildProcess[] = [];
  let sinks: RtpSink[] = [];
  try {
    const { producers } = await startPublishers(home, PUBLISHERS, clipPath, encoders);
    const streams = producers.length;
    const cpuBoth = async () => [...(await workerCpu(poolA)), ...(await workerCpu(poolB))];

    // One host: everyone on the publishers' worker.
    for (let r = 0; r < RECEIVERS; r++)
      sinks.push(await addReceiver(home, producers, 'AES_CM_128_HMAC_SHA1_80'));
    console.log(`${streams} streams -> ${RECEIVERS} receivers on one host; warming up…`);
    await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
    const one = await measure(sinks, cpuBoth, SECONDS);
    for (const s of sinks) s.close();
    // Closing the sinks does not close their transports; a fresh home router does.
    home.close();
    sinks = [];

    // Two hosts: the same receivers on the edge, fed through the pipe.
    const home2 = await RoomMedia.create(poolA, options);
    for (const e of encoders) e.kill('SIGKILL');
    encoders.length = 0;
    const { producers: producers2 } = await startPublishers(home2, PUBLISHERS, clipPath, encoders);
    await pipeAcross(home2, edge, producers2);
    for (let r = 0; r < RECEIVERS; r++)
      sinks.push(await addReceiver(edge, producers2, 'AES_CM_128_HMAC_SHA1_80'));
    console.log(`${streams} streams -> pipe -> ${RECEIVERS} receivers on a second host; warming up…`);
    await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
    const two = await measure(sinks, cpuBoth, SECONDS);
    home2.close();

    const cpuOne = one.perWorker.reduce((a, b) => a + b, 0);
    const [cpuHome = 0, cpuEdge = 0] = two.perWorker;
    const cpuTwo = cpuHome + cpuEdge;
    const extra = cpuTwo - cpuOne;
    // Each receiver gets every stream, so one receiver's packets are what crossed the pipe.
    const piped = two.received / RECEIVERS;
    const loss = (m: { received: number; expected: number }) =>
      m.expected ? ((100 * (m.expected - m.received)) / m.expected).toFixed(3) : '0';
    const pct = (cpu: number) => `${((100 * cpu) / SECONDS).toFixed(1)}%`;
    const lines = [
      `streams               ${streams} (${PUBLISHERS} publishers × video+audio) to ${RECEIVERS} receivers, SRTP on`,
      `one host              worker ${pct(cpuOne)} of a core; ${(one.received / SECONDS).toFixed(0)} packets/s delivered, loss ${loss(one)}%`,
      `two hosts             home ${pct(cpuHome)} + edge ${pct(cpuEdge)} = ${pct(cpuTwo)}; ${(two.received / SECONDS).toFixed(0)} packets/s delivered, loss ${loss(two)}%`,
      `pipe cost             ${pct(extra)} of a core for ${streams} streams = ${((100 * extra) / SECONDS / streams).toFixed(2)}% of a core per piped stream`,
      `per piped packet      ${((1e6 * extra) / piped).toFixed(1)} µs of worker CPU (home send + edge receive), ${(piped / SECONDS).toFixed(0)} packets/s through the pipe`,
    ];
    console.log(lines.join('\n'));
    appendResult(
      `Two hosts: inter-host pipe, ${PUBLISHERS} publishers to ${RECEIVERS} receivers`,
      `npm run loadtest:pipe -- --publishers ${PUBLISHERS} --receivers ${RECEIVERS} --seconds ${SECONDS}`,
      lines,
    );
  } finally {
    for (const e of encoders) e.kill('SIGKILL');
    for (const s of sinks) s.close();
    edge.close();
    poolA.close();
    poolB.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
