// The mediasoup side of one room: its router(s) and how transports are placed.
// Today a room lives on one router; spanning workers (pipeToRouter) plugs in
// behind routerFor() without touching signaling.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { ROUTER_MEDIA_CODECS } from './mediaCodecs.js';
import type { WorkerPool, WorkerSlot } from './workerPool.js';

export type TransportDirection = 'send' | 'recv';

interface RoomMediaEvents {
  /** The worker under this room died; every transport, producer and consumer is gone. */
  lost: [];
}

const INITIAL_OUTGOING_BITRATE = 1_000_000;

export class RoomMedia extends EventEmitter<RoomMediaEvents> {
  private closed = false;

  private constructor(
    readonly router: types.Router,
    private readonly slot: WorkerSlot,
  ) {
    super();
    router.observer.once('close', () => {
      if (!this.closed) {
        this.closed = true;
        this.emit('lost');
      }
    });
  }

  static async create(pool: WorkerPool): Promise<RoomMedia> {
    const slot = pool.leastLoaded();
    const router = await pool.createRouter(slot, ROUTER_MEDIA_CODECS);
    return new RoomMedia(router, slot);
  }

  get workerIndex(): number {
    return this.slot.index;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  routerFor(_direction: TransportDirection): types.Router {
    return this.router;
  }

  async createWebRtcTransport(
    direction: TransportDirection,
    appData: Record<string, unknown>,
  ): Promise<types.WebRtcTransport> {
    return this.routerFor(direction).createWebRtcTransport({
      webRtcServer: this.slot.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
      appData: { ...appData, direction },
    });
  }

  canConsume(producerId: string, rtpCapabilities: types.RtpCapabilities): boolean {
    return this.router.canConsume({ producerId, rtpCapabilities });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.router.close();
  }
}
