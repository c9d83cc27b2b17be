// A participant's WebRTC transport as room logic sees it, whether it lives on
// this host (a mediasoup transport here) or on an edge host (driven over the
// host bus). Producers always come back as producers on this host's router:
// for an edge they are the home end of the inter-host pipe.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { RoomMedia } from './roomMedia.js';

export interface ConsumerEvents {
  producerclose: [];
  producerpause: [];
  producerresume: [];
  /** Closed for any reason. */
  close: [];
}

export interface MediaConsumer extends EventEmitter<ConsumerEvents> {
  readonly id: string;
  readonly producerId: string;
  readonly kind: types.MediaKind;
  readonly rtpParameters: types.RtpParameters;
  readonly paused: boolean;
  readonly producerPaused: boolean;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** For simulcast/SVC video: the layers to forward (or the nearest lower ones sent). */
  setPreferredLayers(layers: types.ConsumerLayers): Promise<void>;
  /** What setPreferredLayers last set (mediasoup's default: the highest). */
  readonly preferredLayers: types.ConsumerLayers | undefined;
  close(): void;
}

export interface TransportInfo {
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export interface ProduceOptions {
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  paused: boolean;
  appData: { participantId: string; source: string };
}

export interface ConsumeOptions {
  producerId: string;
  rtpCapabilities: types.RtpCapabilities;
  paused: boolean;
  appData: { participantId: string };
}

export interface MediaTransport {
  readonly id: string;
  readonly closed: boolean;
  readonly info: TransportInfo;
  connect(dtlsParameters: types.DtlsParameters): Promise<void>;
  restartIce(): Promise<types.IceParameters>;
  produce(options: ProduceOptions): Promise<types.Producer>;
  /** Makes the producer reachable from this transport; false if the device cannot decode it. */
  prepareConsume(producerId: string, rtpCapabilities: types.RtpCapabilities): Promise<boolean>;
  consume(options: ConsumeOptions): Promise<MediaConsumer>;
  close(): void;
  /** `lost`: its worker or host went away, not closed by us; the owner should reconnect. */
  onClose(listener: (lost: boolean) => void): void;
}

/** A mediasoup consumer on this host. */
class LocalConsumer extends EventEmitter<ConsumerEvents> implements MediaConsumer {
  constructor(private readonly consumer: types.Consumer) {
    super();
    consumer.on('producerclose', () => this.emit('producerclose'));
    consumer.on('producerpause', () => this.emit('producerpause'));
    consumer.on('producerresume', () => this.emit('producerresume'));
    consumer.observer.once('close', () => this.emit('close'));
  }
  get id() {
    return this.consumer.id;
  }
  get producerId() {
    return this.consumer.producerId;
  }
  get kind() {
    return this.consumer.kind;
  }
  get rtpParameters() {
    return this.consumer.rtpParameters;
  }
  get paused() {
    return this.consumer.paused;
  }
  get producerPaused() {
    return this.consumer.producerPaused;
  }
  pause() {
    return this.consumer.pause();
  }
  resume() {
    return this.consumer.resume();
  }
  setPreferredLayers(layers: types.ConsumerLayers) {
    return this.consumer.setPreferredLayers(layers);
  }
  get preferredLayers() {
    return this.consumer.preferredLayers;
  }
  close() {
    this.consumer.close();
  }
}

/** A WebRTC transport on one of this host's routers for the room. */
export class LocalTransport implements MediaTransport {
  constructor(
    private readonly transport: types.WebRtcTransport,
    private readonly media: RoomMedia,
  ) {}

  get id() {
    return this.transport.id;
  }
  get closed() {
    return this.transport.closed;
  }
  get info(): TransportInfo {
    const t = this.transport;
    return {
      iceParameters: t.iceParameters,
      iceCandidates: t.iceCandidates,
      dtlsParameters: t.dtlsParameters,
    };
  }
  async connect(dtlsParameters: types.DtlsParameters) {
    await this.transport.connect({ dtlsParameters });
  }
  restartIce() {
    return this.transport.restartIce();
  }
  produce(options: ProduceOptions) {
    return this.transport.produce(options);
  }
  prepareConsume(producerId: string, rtpCapabilities: types.RtpCapabilities) {
    return this.media.prepareConsume(this.transport.id, producerId, rtpCapabilities);
  }
  async consume(options: ConsumeOptions): Promise<MediaConsumer> {
    return new LocalConsumer(await this.transport.consume(options));
  }
  close() {
    this.transport.close();
  }
  onClose(listener: (lost: boolean) => void) {
    // Losing a local worker is reported per room by RoomMedia ('lost', 'consumersLost').
    this.transport.observer.once('close', () => listener(false));
  }
}
