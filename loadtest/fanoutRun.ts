// One fan-out run through our SFU, shared by the fan-out test and the Janus
// comparison: a worker pool and a room's media with the production placement
// rules, publishers from the clip, receivers on SRTP (or plain) transports,
// then a measured window.
import type { ChildProcess } from 'node:child_process';
import type { types } from 'mediasoup';
import { createLogger } from '../common/log.js';
import { RoomMedia } from '../sfu/roomMedia.js';
import { WorkerPool } from '../sfu/workerPool.js';
import { freeTcpUdpPort } from '../test/helpers/testServer.js';
import type { RtpSink } from './rtpSink.js';
import { addReceiver, measure, producerInput, startPublishers, workerCpu } from './rtpSources.js';

export interface FanoutOptions {
  clipPath: string;
  workers: number;
  publishers: number;
  receivers: number;
  seconds: number;
  warmupSeconds: number;
  /** The receivers' SRTP suite, or null for plain RTP. */
  srtp: types.SrtpCryptoSuite | null;
  /** Receivers announce transport-cc although they never send its feedback (see sinkCapabilities). */
  transportCc?: boolean;
}

export interface FanoutFigures {
  streams: number;
  workersUsed: number;
  received: number;
  expected: number;
  perWorker: number[];
  /** UDP datagrams the kernel dropped at full socket buffers during the window (any socket here). */
  socketDrops: number;
  /** Loss on the way into the worker during the window, % of what the publishers sent. */
  inputLossPct: number;
}

/** A worker pool on free ports; another process on this shared machine may take a port first, so retry. */
export async function startPool(workers: number, name: string): Promise<WorkerPool> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await WorkerPool.create(
        {
          numWorkers: workers,
          listenIp: '127.0.0.1',
          announcedIp: '127.0.0.1',
          rtcBasePort: await freeTcpUdpPort(),
        },
        createLogger('warn', { loadtest: name }),
      );
    } catch (err) {
      if (attempt >= 5) throw err;
      console.log(`worker pool did not start (${(err as Error).message}); trying other ports`);
    }
  }
}

export async function runFanout(o: FanoutOptions): Promise<FanoutFigures> {
  const pool = await startPool(o.workers, 'media');
  const media = await RoomMedia.create(pool, {
    speakingThresholdDbov: -60,
    recvTransportsPerRouter: Math.ceil(o.receivers / o.workers),
  });
  const encoders: ChildProcess[] = [];
  const sinks: RtpSink[] = [];
  try {
    const { producers } = await startPublishers(media, o.publishers, o.clipPath, encoders);
    for (let r = 0; r < o.receivers; r++)
      sinks.push(await addReceiver(media, producers, o.srtp, { transportCc: o.transportCc ?? false }));
    console.log(
      `${o.publishers} publishers (${producers.length} streams) -> ${o.receivers} receivers = ` +
        `${o.receivers * producers.length} consumers on ${media.workerIndices.length} workers, ` +
        `SRTP ${o.srtp ?? 'off'}${o.transportCc ? ', transport-cc announced without feedback' : ''}; warming up…`,
    );
    await new Promise((r) => setTimeout(r, o.warmupSeconds * 1000));
    const in0 = await producerInput(producers);
    const m = await measure(sinks, () => workerCpu(pool), o.seconds);
    const in1 = await producerInput(producers);
    const lost = in1.lost - in0.lost;
    const sent = in1.packets - in0.packets + lost;
    const inputLossPct = sent ? (100 * lost) / sent : 0;
    return { ...m, inputLossPct, streams: producers.length, workersUsed: media.workerIndices.length };
  } finally {
    for (const e of encoders) e.kill('SIGKILL');
    for (const s of sinks) s.close();
    media.close();
    pool.close();
  }
}
