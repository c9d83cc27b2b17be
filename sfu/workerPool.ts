// One mediasoup worker per core. A worker that dies is replaced in the same
// slot (same WebRTC server port), and listeners are told so rooms can recover.
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from '../common/log.js';

export interface WorkerPoolOptions {
  numWorkers: number;
  listenIp: string;
  announcedIp: string;
  /** Worker i serves WebRTC on UDP and TCP port rtcBasePort + i. */
  rtcBasePort: number;
  /** Ports of the other transports (pipes between hosts, recorder, transcriber); mediasoup's own default otherwise. */
  portRange?: { min: number; max: number };
  logLevel?: types.WorkerLogLevel;
}

export interface WorkerSlot {
  readonly index: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  /** Routers currently on this worker; the load measure for placement. */
  routers: number;
}

interface PoolEvents {
  workerReplaced: [index: number];
}

const RESTART_DELAY_MS = 500;

export class WorkerPool extends EventEmitter<PoolEvents> {
  private readonly slots: WorkerSlot[] = [];
  private closed = false;

  private constructor(
    private readonly options: WorkerPoolOptions,
    private readonly log: Logger,
  ) {
    super();
  }

  static async create(options: WorkerPoolOptions, log: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(options, log);
    for (let i = 0; i < options.numWorkers; i++) {
      pool.slots.push(await pool.startSlot(i));
    }
    log.info({ workers: options.numWorkers, rtcBasePort: options.rtcBasePort }, 'mediasoup workers started');
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Workers running now (a dead one counts again once its replacement is up). */
  get alive(): number {
    return this.slots.filter((s) => !s.worker.closed).length;
  }

  slot(index: number): WorkerSlot {
    const s = this.slots[index];
    if (!s) throw new Error(`no worker slot ${index}`);
    return s;
  }

  /**
   * The live slot with the fewest routers; ties go to the lowest index. A
   * dead worker's slot is skipped until its replacement is up.
   */
  leastLoaded(): WorkerSlot {
    const slot = this.leastLoadedOutside(new Set());
    if (!slot) throw new Error('no mediasoup worker is running');
    return slot;
  }

  /** The live slot with the fewest routers among those not in `exclude`, or null if there is none. */
  leastLoadedOutside(exclude: ReadonlySet<number>): WorkerSlot | null {
    let best: WorkerSlot | null = null;
    for (const s of this.slots) {
      if (s.worker.closed || exclude.has(s.index)) continue;
      if (!best || s.routers < best.routers) best = s;
    }
    return best;
  }

  /** Waits until some worker is running (after a crash, its replacement), up to `timeoutMs`. */
  async whenLive(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.slots.every((s) => s.worker.closed)) {
      if (Date.now() > deadline || this.closed) throw new Error('no mediasoup worker came back');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async createRouter(slot: WorkerSlot, mediaCodecs: types.RtpCodecCapability[]): Promise<types.Router> {
    const router = await slot.worker.createRouter({ mediaCodecs });
    slot.routers++;
    router.observer.once('close', () => {
      slot.routers--;
    });
    return router;
  }

  async usage(): Promise<{ index: number; pid: number; userSeconds: number; systemSeconds: number }[]> {
    return Promise.all(
      this.slots.map(async (s) => {
        try {
          const ru = await s.worker.getResourceUsage();
          return {
            index: s.index,
            pid: s.worker.pid,
            userSeconds: ru.ru_utime / 1000,
            systemSeconds: ru.ru_stime / 1000,
          };
        } catch {
          return { index: s.index, pid: s.worker.pid, userSeconds: 0, systemSeconds: 0 };
        }
      }),
    );
  }

  close(): void {
    this.closed = true;
    for (const s of this.slots) s.worker.close();
  }

  private async startSlot(index: number): Promise<WorkerSlot> {
    const { listenIp, announcedIp, rtcBasePort, portRange, logLevel } = this.options;
    const worker = await mediasoup.createWorker({
      logLevel: logLevel ?? 'warn',
      appData: { index },
      ...(portRange ? { rtcMinPort: portRange.min, rtcMaxPort: portRange.max } : {}),
    });
    const port = rtcBasePort + index;
    let webRtcServer: types.WebRtcServer;
    try {
      webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: listenIp, announcedIp, port },
          { protocol: 'tcp', ip: listenIp, announcedIp, port },
        ],
      });
    } catch (err) {
      worker.close();
      throw new Error(`cannot listen for WebRTC on ${listenIp}:${port} (set RTC_BASE_PORT)`, { cause: err });
    }
    const slot: WorkerSlot = { index, worker, webRtcServer, routers: 0 };
    worker.on('died', (err) => {
      this.log.error({ worker: index, pid: worker.pid, err }, 'mediasoup worker died');
      void this.replace(slot);
    });
    this.log.debug({ worker: index, pid: worker.pid, port }, 'mediasoup worker ready');
    return slot;
  }

  private async replace(dead: WorkerSlot): Promise<void> {
    while (!this.closed) {
      try {
        await new Promise((r) => setTimeout(r, RESTART_DELAY_MS));
        const fresh = await this.startSlot(dead.index);
        this.slots[dead.index] = fresh;
        this.log.warn({ worker: dead.index, pid: fresh.worker.pid }, 'mediasoup worker replaced');
        this.emit('workerReplaced', dead.index);
        return;
      } catch (err) {
        this.log.error({ worker: dead.index, err }, 'mediasoup worker restart failed; retrying');
      }
    }
  }
}
