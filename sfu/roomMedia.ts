// The mediasoup side of one room (or breakout room). Producers live on one
// home router; receive transports are spread over routers on other workers as
// the room fills, and producers reach those routers through pipeToRouter, so
// one call can use every core of the host.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { ROUTER_MEDIA_CODECS } from './mediaCodecs.js';
import type { WorkerPool, WorkerSlot } from './workerPool.js';

export type TransportDirection = 'send' | 'recv';

interface RoomMediaEvents {
  /** The home worker died; every transport, producer and consumer is gone. */
  lost: [];
  /** A worker serving only receive transports died; these transports are gone (their owners reconnect). */
  consumersLost: [transportIds: string[]];
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
  /** Receive transports one router takes before the room grows onto another worker. */
  recvTransportsPerRouter: number;
}

export const DEFAULT_ROOM_MEDIA_OPTIONS: RoomMediaOptions = {
  speakingThresholdDbov: -60,
  recvTransportsPerRouter: 250,
};

/** A router of this room and the receive transports placed on it. */
interface Placement {
  router: types.Router;
  slot: WorkerSlot;
  recvTransports: Set<string>;
  /** Producers already piped here from home, by producer id. */
  piped: Map<string, Promise<void>>;
}

export class RoomMedia extends EventEmitter<RoomMediaEvents> {
  private closed = false;
  private readonly placements = new Map<number, Placement>();
  private readonly home: Placement;
  private readonly routerOfTransport = new Map<string, Placement>();
  private growing: Promise<Placement> | null = null;

  private constructor(
    private readonly pool: WorkerPool,
    private readonly options: RoomMediaOptions,
    router: types.Router,
    slot: WorkerSlot,
    private readonly speakers: types.ActiveSpeakerObserver,
    private readonly levels: types.AudioLevelObserver,
  ) {
    super();
    this.home = { router, slot, recvTransports: new Set(), piped: new Map() };
    this.placements.set(slot.index, this.home);
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
      if (this.closed) return;
      this.close();
      this.emit('lost');
    });
  }

  static async create(
    pool: WorkerPool,
    options: RoomMediaOptions = DEFAULT_ROOM_MEDIA_OPTIONS,
  ): Promise<RoomMedia> {
    await pool.whenLive();
    const slot = pool.leastLoaded();
    const router = await pool.createRouter(slot, ROUTER_MEDIA_CODECS);
    const speakers = await router.createActiveSpeakerObserver({ interval: SPEAKER_INTERVAL_MS });
    const levels = await router.createAudioLevelObserver({
      maxEntries: MAX_SPEAKING,
      threshold: options.speakingThresholdDbov,
      interval: LEVEL_INTERVAL_MS,
    });
    return new RoomMedia(pool, options, router, slot, speakers, levels);
  }

  /** The home router, where producers live. */
  get router(): types.Router {
    return this.home.router;
  }

  get workerIndex(): number {
    return this.home.slot.index;
  }

  /** Workers this room uses, home first. */
  get workerIndices(): number[] {
    return [...this.placements.keys()];
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.home.router.rtpCapabilities;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Lets a microphone take part in active-speaker and speaking detection. */
  async watchSpeaker(producerId: string): Promise<void> {
    await this.speakers.addProducer({ producerId });
    await this.levels.addProducer({ producerId });
  }

  /** Send transports go to the home router; receive transports where there is room. */
  async createWebRtcTransport(
    direction: TransportDirection,
    appData: Record<string, unknown>,
  ): Promise<types.WebRtcTransport> {
    const placement = direction === 'send' ? this.home : await this.placeReceiver();
    const transport = await placement.router.createWebRtcTransport({
      webRtcServer: placement.slot.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
      appData: { ...appData, direction, worker: placement.slot.index },
    });
    this.track(transport, placement, direction);
    return transport;
  }

  /**
   * A plain RTP transport (for RTP in from encoders, or out to a recorder or
   * a load generator). Sending ones go home; receiving ones are placed like
   * WebRTC receivers and can consume through prepareConsume().
   */
  async createPlainTransport(
    direction: TransportDirection,
    options: {
      listenIp: string;
      comedia?: boolean;
      /** False for senders such as ffmpeg that send RTCP from a separate port. */
      rtcpMux?: boolean;
      enableSrtp?: boolean;
      /** SRTP suite when enableSrtp; mediasoup's default is AES_CM_128_HMAC_SHA1_80. */
      srtpCryptoSuite?: types.SrtpCryptoSuite;
      appData?: Record<string, unknown>;
    },
  ): Promise<types.PlainTransport> {
    const placement = direction === 'send' ? this.home : await this.placeReceiver();
    const transport = await placement.router.createPlainTransport({
      listenIp: options.listenIp,
      rtcpMux: options.rtcpMux ?? true,
      comedia: options.comedia ?? false,
      enableSrtp: options.enableSrtp ?? false,
      ...(options.srtpCryptoSuite ? { srtpCryptoSuite: options.srtpCryptoSuite } : {}),
      appData: { ...options.appData, direction, worker: placement.slot.index },
    });
    this.track(transport, placement, direction);
    return transport;
  }

  /** Remembers where a transport lives, counts receivers per router, and reports receivers lost with a worker. */
  private track(transport: types.Transport, placement: Placement, direction: TransportDirection): void {
    this.routerOfTransport.set(transport.id, placement);
    if (direction === 'recv') placement.recvTransports.add(transport.id);
    if (placement !== this.home) {
      // Its worker died under it: only this transport's owner has to reconnect.
      transport.on('routerclose', () => {
        if (!this.closed) this.emit('consumersLost', [transport.id]);
      });
    }
    transport.observer.once('close', () => {
      this.routerOfTransport.delete(transport.id);
      placement.recvTransports.delete(transport.id);
    });
  }

  /** The worker a transport of this room is on. */
  workerOf(transportId: string): number | undefined {
    return this.routerOfTransport.get(transportId)?.slot.index;
  }

  /**
   * Makes a producer consumable on the router of a receive transport (piping
   * it there from home once) and says whether the device can decode it.
   */
  async prepareConsume(
    transportId: string,
    producerId: string,
    rtpCapabilities: types.RtpCapabilities,
  ): Promise<boolean> {
    if (!this.home.router.canConsume({ producerId, rtpCapabilities })) return false;
    const placement = this.routerOfTransport.get(transportId);
    if (!placement || placement === this.home) return true;
    let piped = placement.piped.get(producerId);
    if (!piped) {
      piped = this.home.router.pipeToRouter({ producerId, router: placement.router }).then(
        () => undefined,
        (err) => {
          placement.piped.delete(producerId);
          throw err;
        },
      );
      placement.piped.set(producerId, piped);
    }
    await piped;
    return placement.router.canConsume({ producerId, rtpCapabilities });
  }

  /** Forgets pipes of a closed producer (its pipe producers close with it). */
  forgetProducer(producerId: string): void {
    for (const p of this.placements.values()) p.piped.delete(producerId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.placements.values()) p.router.close();
    this.placements.clear();
  }

  /** The least-filled router; a new worker joins when every used router is full. */
  private async placeReceiver(): Promise<Placement> {
    let best: Placement = this.home;
    for (const p of this.placements.values()) if (p.recvTransports.size < best.recvTransports.size) best = p;
    if (best.recvTransports.size < this.options.recvTransportsPerRouter) return best;
    // One router per worker and room: mediasoup 3.12 cannot pipe a producer
    // to a router on the worker that already holds it (same id, same worker).
    const slot = this.pool.leastLoadedOutside(new Set(this.placements.keys()));
    if (!slot) return best;
    this.growing ??= this.grow(slot).finally(() => {
      this.growing = null;
    });
    return this.growing;
  }

  private async grow(slot: WorkerSlot): Promise<Placement> {
    const router = await this.pool.createRouter(slot, ROUTER_MEDIA_CODECS);
    const placement: Placement = { router, slot, recvTransports: new Set(), piped: new Map() };
    this.placements.set(slot.index, placement);
    router.observer.once('close', () => {
      if (this.placements.get(slot.index) === placement) this.placements.delete(slot.index);
    });
    return placement;
  }
}
