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
  /** The loudest sustained speaker changed (producer appData.participantId). */
  dominantSpeaker: [participantId: string];
  /** Everyone audible right now, loudest first; empty on silence. */
  speaking: [participantIds: string[]];
}

const INITIAL_OUTGOING_BITRATE = 1_000_000;
const SPEAKER_INTERVAL_MS = 300;
const LEVEL_INTERVAL_MS = 800;
const MAX_SPEAKING = 8;

export interface RoomMediaOptions {
  /** Quieter than this counts as silence (dBov; speech at a headset is around -30). */
  speakingThresholdDbov: number;
}

export const DEFAULT_ROOM_MEDIA_OPTIONS: RoomMediaOptions = { speakingThresholdDbov: -60 };

export class RoomMedia extends EventEmitter<RoomMediaEvents> {
  private closed = false;

  private constructor(
    readonly router: types.Router,
    private readonly slot: WorkerSlot,
    private readonly speakers: types.ActiveSpeakerObserver,
    private readonly levels: types.AudioLevelObserver,
  ) {
    super();
    levels.on('volumes', (volumes) => {
      const ids = volumes.map((v) => v.producer.appData.participantId).filter((id) => typeof id === 'string');
      this.emit('speaking', ids as string[]);
    });
    levels.on('silence', () => this.emit('speaking', []));
    speakers.on('dominantspeaker', ({ producer }) => {
      const participantId = producer.appData.participantId;
      if (typeof participantId === 'string') this.emit('dominantSpeaker', participantId);
    });
    router.observer.once('close', () => {
      if (!this.closed) {
        this.closed = true;
        this.emit('lost');
      }
    });
  }

  static async create(
    pool: WorkerPool,
    options: RoomMediaOptions = DEFAULT_ROOM_MEDIA_OPTIONS,
  ): Promise<RoomMedia> {
    const slot = pool.leastLoaded();
    const router = await pool.createRouter(slot, ROUTER_MEDIA_CODECS);
    const speakers = await router.createActiveSpeakerObserver({ interval: SPEAKER_INTERVAL_MS });
    const levels = await router.createAudioLevelObserver({
      maxEntries: MAX_SPEAKING,
      threshold: options.speakingThresholdDbov,
      interval: LEVEL_INTERVAL_MS,
    });
    return new RoomMedia(router, slot, speakers, levels);
  }

  /** Lets a microphone take part in active-speaker and speaking detection. */
  async watchSpeaker(producerId: string): Promise<void> {
    await this.speakers.addProducer({ producerId });
    await this.levels.addProducer({ producerId });
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
