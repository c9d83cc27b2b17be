// A participant's WebRTC transport and consumers on an edge host, as the
// room's home host drives them over the host bus. They go through the pipe
// of one EdgeLink (homeSideLinks.ts), seen here as a PipeLink.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import {
  type DtlsParameters,
  type RtpCapabilities,
  type RtpParameters,
  dtlsParametersToWire,
  iceParametersFromWire,
  mediaKindFromWire,
  mediaKindToWire,
  rtpCapabilitiesToWire,
  rtpParametersFromWire,
  rtpParametersToWire,
} from '../common/protocol/mediaWire.js';
import type { EdgeOp, EdgeRequester } from './edgeProtocol.js';
import type {
  ConsumeOptions,
  ConsumerEvents,
  MediaConsumer,
  MediaTransport,
  ProduceOptions,
  TransportInfo,
} from './mediaTransport.js';
import type { RoomMedia } from './roomMedia.js';

import pb = schoolcall.v1;

export const EDGE_CONTROL = {
  pause: pb.EdgeControl.EDGE_CONTROL_PAUSE,
  resume: pb.EdgeControl.EDGE_CONTROL_RESUME,
  close: pb.EdgeControl.EDGE_CONTROL_CLOSE,
} as const;
const CONTROL = EDGE_CONTROL;

/** The inter-host pipe a remote transport's media goes through. */
export interface PipeLink {
  readonly host: string;
  readonly media: RoomMedia;
  readonly pipe: types.PipeTransport;
  readonly bus: EdgeRequester;
  /** Producers that came from the edge (already there). */
  readonly fromEdge: Set<string>;
  /** Sends a producer of this room (from any other host) to the edge, once. */
  ensureSent(producerId: string): Promise<void>;
  /** Mirrors a producer change to the edge's copy. */
  control(producerId: string, control: pb.EdgeControl): void;
  registerConsumer(consumer: RemoteConsumer): void;
}

/** A participant's WebRTC transport on an edge host. */
export class RemoteTransport implements MediaTransport {
  private isClosed = false;
  private readonly closeListeners: ((lost: boolean) => void)[] = [];
  /** Home ends of this transport's producers: they go when it goes. */
  private readonly producers = new Set<types.Producer>();
  private readonly consumers = new Set<RemoteConsumer>();

  constructor(
    private readonly link: PipeLink,
    readonly id: string,
    readonly info: TransportInfo,
  ) {}

  get host(): string {
    return this.link.host;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async connect(dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.request({
      connectTransport: {
        transportId: this.id,
        dtlsParameters: dtlsParametersToWire(dtlsParameters as DtlsParameters),
      },
    });
  }

  async restartIce(): Promise<types.IceParameters> {
    const r = await this.request({ restartIce: { transportId: this.id } });
    return iceParametersFromWire(r.iceParameters) as types.IceParameters;
  }

  async produce(options: ProduceOptions): Promise<types.Producer> {
    const r = await this.request({
      produce: {
        transportId: this.id,
        kind: mediaKindToWire(options.kind),
        rtpParameters: rtpParametersToWire(options.rtpParameters as RtpParameters),
        paused: options.paused,
        participantId: options.appData.participantId,
      },
    });
    const produced = r.produced;
    if (!produced?.producerId) throw new Error('edge returned no producer');
    const producerId = produced.producerId;
    let producer: types.Producer;
    try {
      producer = await this.link.pipe.produce({
        id: producerId,
        kind: options.kind,
        rtpParameters: rtpParametersFromWire(produced.pipeRtpParameters) as types.RtpParameters,
        paused: Boolean(produced.paused),
        appData: options.appData,
      });
    } catch (err) {
      this.link.control(producerId, CONTROL.close);
      throw err;
    }
    this.link.fromEdge.add(producerId);
    this.producers.add(producer);
    // Whoever pauses, resumes or closes it here (the participant, a teacher),
    // the edge's original follows, so people at the edge see the same.
    producer.observer.on('pause', () => this.link.control(producerId, CONTROL.pause));
    producer.observer.on('resume', () => this.link.control(producerId, CONTROL.resume));
    producer.observer.once('close', () => {
      this.producers.delete(producer);
      this.link.fromEdge.delete(producerId);
      this.link.control(producerId, CONTROL.close);
    });
    if (this.isClosed) producer.close();
    return producer;
  }

  async prepareConsume(producerId: string, rtpCapabilities: types.RtpCapabilities): Promise<boolean> {
    if (!this.link.media.router.canConsume({ producerId, rtpCapabilities })) return false;
    await this.link.ensureSent(producerId);
    return true;
  }

  async consume(options: ConsumeOptions): Promise<MediaConsumer> {
    const r = await this.request({
      consume: {
        transportId: this.id,
        producerId: options.producerId,
        rtpCapabilities: rtpCapabilitiesToWire(options.rtpCapabilities as RtpCapabilities),
        paused: options.paused,
        participantId: options.appData.participantId,
      },
    });
    const c = r.consumer;
    if (!c?.consumerId) throw new Error('edge returned no consumer');
    const consumer = new RemoteConsumer(this.link, options.producerId, c);
    this.link.registerConsumer(consumer);
    this.consumers.add(consumer);
    consumer.once('close', () => this.consumers.delete(consumer));
    if (this.isClosed) consumer.closedHere();
    return consumer;
  }

  close(): void {
    if (this.finish(false)) {
      this.link.bus
        .request(this.link.host, { closeTransport: { transportId: this.id } })
        .catch(() => undefined);
    }
  }

  /** Gone at the edge (its worker or the whole host). */
  lost(): void {
    this.finish(true);
  }

  onClose(listener: (lost: boolean) => void): void {
    this.closeListeners.push(listener);
  }

  private finish(lost: boolean): boolean {
    if (this.isClosed) return false;
    this.isClosed = true;
    for (const p of [...this.producers]) p.close();
    for (const c of [...this.consumers]) c.closedHere();
    for (const l of this.closeListeners) l(lost);
    return true;
  }

  private request(op: EdgeOp): Promise<pb.IEdgeResponse> {
    if (this.isClosed) return Promise.reject(new Error('transport closed'));
    return this.link.bus.request(this.link.host, op);
  }
}

/** A consumer on an edge host's transport; its events come over the bus. */
export class RemoteConsumer extends EventEmitter<ConsumerEvents> implements MediaConsumer {
  readonly id: string;
  readonly kind: types.MediaKind;
  readonly rtpParameters: types.RtpParameters;
  paused: boolean;
  producerPaused: boolean;
  preferredLayers: types.ConsumerLayers | undefined;
  private isClosed = false;

  constructor(
    private readonly link: PipeLink,
    readonly producerId: string,
    info: pb.IEdgeConsumerInfo,
  ) {
    super();
    this.id = info.consumerId ?? '';
    this.kind = mediaKindFromWire(info.kind);
    this.rtpParameters = rtpParametersFromWire(info.rtpParameters) as types.RtpParameters;
    this.paused = Boolean(info.paused);
    this.producerPaused = Boolean(info.producerPaused);
  }

  async pause(): Promise<void> {
    await this.control(CONTROL.pause);
    this.paused = true;
  }

  async resume(): Promise<void> {
    await this.control(CONTROL.resume);
    this.paused = false;
  }

  async setPreferredLayers(layers: types.ConsumerLayers): Promise<void> {
    if (this.isClosed) throw new Error('consumer closed');
    await this.link.bus.request(this.link.host, {
      consumerControl: {
        consumerId: this.id,
        control: pb.EdgeControl.EDGE_CONTROL_SET_PREFERRED_LAYERS,
        spatialLayer: layers.spatialLayer,
        ...(layers.temporalLayer !== undefined ? { temporalLayer: layers.temporalLayer } : {}),
      },
    });
    this.preferredLayers = layers;
  }

  close(): void {
    if (this.isClosed) return;
    this.control(CONTROL.close).catch(() => undefined);
    this.closedHere();
  }

  /** Closed without telling the edge (its transport went, which took it along). */
  closedHere(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.emit('close');
  }

  onChange(change: pb.EdgeConsumerChange): void {
    switch (change) {
      case pb.EdgeConsumerChange.EDGE_CONSUMER_CHANGE_PRODUCER_PAUSED:
        this.producerPaused = true;
        this.emit('producerpause');
        break;
      case pb.EdgeConsumerChange.EDGE_CONSUMER_CHANGE_PRODUCER_RESUMED:
        this.producerPaused = false;
        this.emit('producerresume');
        break;
      case pb.EdgeConsumerChange.EDGE_CONSUMER_CHANGE_PRODUCER_CLOSED:
        if (this.isClosed) return;
        this.emit('producerclose');
        this.closedHere();
        break;
      case pb.EdgeConsumerChange.EDGE_CONSUMER_CHANGE_CLOSED:
        this.closedHere();
        break;
    }
  }

  private async control(control: pb.EdgeControl): Promise<void> {
    if (this.isClosed) throw new Error('consumer closed');
    await this.link.bus.request(this.link.host, { consumerControl: { consumerId: this.id, control } });
  }
}
