// One fan-out run through our SFU, shared by the fan-out test and the Janus
// comparison: a worker pool and a room's media with the production placement
// rules, publishers from the clip, receivers on SRTP (or plain) transports,
// then a measured window.
import type { ChildProcess } from 'node:child_process';
import { createLogger } from '../common/log.js';
import { RoomMedia } from '../sfu/roomMedia.js';
import { WorkerPool } from '../sfu/workerPool.js';
import { freeTcpUdpPort } from '../test/helpers/testServer.js';
import type { RtpSink } from './rtpSink.js';
import { addReceiver, measure, startPublishers, workerCpu } from './rtpSources.js';

export interface FanoutOptions {
  clipPath: string;
  workers: number;
  publishers: number;
  receivers: number;
  seconds: number;
  warmupSeconds: number;
  srtp: boolean;
}

export interface FanoutFigures {
  streams: number;
  workersUsed: number;
  received: number;
  expected: number;
  perWorker: number[];
}

export async function runFanout(o: FanoutOptions): Promise<FanoutFigures> {
  const pool = await WorkerPool.create(
    {
      numWorkers: o.workers,
      listenIp: '127.0.0.1',
      announcedIp: '127.0.0.1',
      rtcBasePort: await freeTcpUdpPort(),
    },
    createLogger('warn', { loadtest: 'media' }),
  );
  const media = await RoomMedia.create(pool, {
    speakingThresholdDbov: -60,
    recvTransportsPerRouter: Math.ceil(o.receivers / o.workers),
  });
  const encoders: ChildProcess[] = [];
  const sinks: RtpSink[] = [];
  try {
    const { producers } = await startPublishers(media, o.publishers, o.clipPath, encoders);
    for (let r = 0; r < o.receivers; r++) sinks.push(await addReceiver(media, producers, o.srtp));
    console.log(
      `${o.publishers} publishers (${producers.length} streams) -> ${o.receivers} receivers = ` +
        `${o.receivers * producers.length} consumers on ${media.workerIndices.length} workers, ` +
        `SRTP ${o.srtp ? 'on' : 'off'}; warming up…`,
    );
    await new Promise((r) => setTimeout(r, o.warmupSeconds * 1000));
    const m = await measure(sinks, () => workerCpu(pool), o.seconds);
    return { ...m, streams: producers.length, workersUsed: media.workerIndices.length };
  } finally {
    for (const e of encoders) e.kill('SIGKILL');
    for (const s of sinks) s.close();
    media.close();
    pool.close();
  }
}
