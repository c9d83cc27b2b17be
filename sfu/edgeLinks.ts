// The home side of rooms that reach other hosts. For each room location
// (home router) and edge host there is one EdgeLink: a PipeTransport pair
// between the home router and a router on the edge. Participants connected
// to the edge get RemoteTransports: WebRTC transports on the edge's router,
// driven over the host bus. Their producers come home through the pipe (and
// are ordinary producers here); producers from elsewhere go out through the
// pipe once per edge, however many people there consume them.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { EdgeOp } from '../signaling/cluster/hostBus.js';
import type { Logger } from '../signaling/log.js';
import { schoolcall } from '../signaling/protocol/generated/protocol.js';
import {
  type DtlsParameters,
  type RtpCapabilities,
  type RtpParameters,
  dtlsParametersFromWire,
  dtlsParametersToWire,
  iceCandidatesFromWire,
  iceParametersFromWire,
  mediaKindFromWire,
  mediaKindToWire,
  rtpCapabilitiesToWire,
  rtpParametersFromWire,
  rtpParametersToWire,
} from '../signaling/protocol/mediaWire.js';
import type {
  ConsumeOptions,
  ConsumerEvents,
  MediaConsumer,
  MediaTransport,
  ProduceOptions,
  TransportInfo,
} from './mediaTransport.js';
import type { RoomMedia, TransportDirection } from './roomMedia.js';

import pb = schoolcall.v1;

export interface EdgeRequester {
  request(host: string, op: EdgeOp): Promise<pb.IEdgeResponse>;
}

const CONTROL = {
  pause: pb.EdgeControl.EDGE_CONTROL_PAUSE,
  resume: pb.EdgeControl.EDGE_CONTROL_RESUME,
  close: pb.EdgeControl.EDGE_CONTROL_CLOSE,
} as const;

/** Every link and remote object of this host, so edge events find their target. */
export class EdgeLinks {
  private readonly links = new Map<RoomMedia, Map<string, Promise<EdgeLink>>>();
  readonly consumers = new Map<string, RemoteConsumer>();
  readonly transports = new Map<string, RemoteTransport>();
  /** Open links by edge id, for events from the edge. */
  private readonly byEdgeId = new Map<string, EdgeLink>();

  constructor(
    readonly bus: EdgeRequester,
    readonly pipeListenIp: { ip: string; announcedIp?: string },
    readonly log: Logger,
  ) {}

  /** A WebRTC transport for a participant connected to `host`, in this room location. */
  async createTransport(
    media: RoomMedia,
    roomId: string,
    host: string,
    direction: TransportDirection,
    participantId: string,
  ): Promise<RemoteTransport> {
    const link = await this.link(media, roomId, host);
    return link.createTransport(direction, participantId);
  }

  /** An event from an edge about one of our remote consumers or transports. */
  onEdgeEvent(event: pb.EdgeEvent): void {
    if (event.consumer) {
      this.consumers.get(event.consumer.consumerId ?? '')?.onChange(event.consumer.change ?? 0);
    } else if (event.transportLost) {
      this.transports.get(event.transportLost.transportId ?? '')?.lost();
    } else if (event.edgeLost) {
      const link = this.byEdgeId.get(event.edgeLost.edgeId ?? '');
      if (!link) return;
      this.log.warn(
        { edge: link.host, edgeId: link.edgeId },
        'edge router lost; next transport opens a new one',
      );
      link.close(false);
    }
  }

  /** Takes a link out of the lists, so the next participant there gets a new one. */
  forget(link: EdgeLink): void {
    if (!this.byEdgeId.delete(link.edgeId)) return;
    const perHost = this.links.get(link.media);
    void perHost?.get(link.host)?.then((l) => {
      if (l === link) perHost.delete(link.host);
    });
  }

  registerLink(link: EdgeLink): void {
    this.byEdgeId.set(link.edgeId, link);
  }

  /** Media of everyone on a host that went away: those transports are lost. */
  hostGone(host: string): void {
    for (const t of [...this.transports.values()]) if (t.host === host) t.lost();
    for (const perHost of this.links.values()) {
      const link = perHost.get(host);
      perHost.delete(host);
      void link?.then((l) => l.close(false)).catch(() => undefined);
    }
  }

  private link(media: RoomMedia, roomId: string, host: string): Promise<EdgeLink> {
    let perHost = this.links.get(media);
    if (!perHost) {
      const created = new Map<string, Promise<EdgeLink>>();
      perHost = created;
      this.links.set(media, created);
      media.router.observer.once('close', () => {
        this.links.delete(media);
        for (const l of created.values()) void l.then((link) => link.close(true)).catch(() => undefined);
      });
    }
    let link = perHost.get(host);
    if (!link) {
      link = EdgeLink.open(this, media, roomId, host);
      const map = perHost;
      link.catch(() => map.delete(host));
      perHost.set(host, link);
    }
    return link;
  }
}

/** The pipe between one home router and its counterpart on one edge host. */
export class EdgeLink {
  /** Producers of other hosts already sent to the edge, by id. */
  private readonly sent = new Map<string, Promise<void>>();
  /** Producers that came from the edge (already there). */
  readonly fromEdge = new Set<string>();
  private closed = false;

  private constructor(
    private readonly links: EdgeLinks,
    readonly media: RoomMedia,
    readonly host: string,
    readonly edgeId: string,
    readonly pipe: types.PipeTransport,
  ) {}

  static async open(links: EdgeLinks, media: RoomMedia, roomId: string, host: string): Promise<EdgeLink> {
    const pipe = await media.router.createPipeTransport({ listenIp: links.pipeListenIp, enableRtx: true });
    const edgeId = randomUUID();
    try {
      const r = await links.bus.request(host, {
        openEdge: { edgeId, roomId, home: { ip: pipe.tuple.localIp, port: pipe.tuple.localPort } },
      });
      await pipe.connect({ ip: r.pipe?.ip ?? '', port: r.pipe?.port ?? 0 });
    } catch (err) {
      pipe.close();
      throw err;
    }
    links.log.info({ room: roomId, edge: host, edgeId }, 'inter-host pipe open');
    const link = new EdgeLink(links, media, host, edgeId, pipe);
    links.registerLink(link);
    return link;
  }

  get bus(): EdgeRequester {
    return this.links.bus;
  }

  async createTransport(direction: TransportDirection, participantId: string): Promise<RemoteTransport> {
    const r = await this.bus.request(this.host, {
      createTransport: {
        edgeId: this.edgeId,
        direction:
          direction === 'send'
            ? pb.TransportDirection.TRANSPORT_DIRECTION_SEND
            : pb.TransportDirection.TRANSPORT_DIRECTION_RECV,
        participantId,
      },
    });
    const w = r.transport;
    if (!w?.transportId) throw new Error('edge returned no transport');
    const info: TransportInfo = {
      iceParameters: iceParametersFromWire(w.iceParameters) as types.IceParameters,
      iceCandidates: iceCandidatesFromWire(w.iceCandidates) as types.IceCandidate[],
      dtlsParameters: dtlsParametersFromWire(w.dtlsParameters) as types.DtlsParameters,
    };
    const transport = new RemoteTransport(this, w.transportId, info);
    this.links.transports.set(transport.id, transport);
    transport.onClose(() => this.links.transports.delete(transport.id));
    return transport;
  }

  registerConsumer(consumer: RemoteConsumer): void {
    this.links.consumers.set(consumer.id, consumer);
    consumer.once('close', () => this.links.consumers.delete(consumer.id));
  }

  /** Sends a producer of this room (from any other host) to the edge, once. */
  ensureSent(producerId: string): Promise<void> {
    if (this.fromEdge.has(producerId)) return Promise.resolve();
    let sent = this.sent.get(producerId);
    if (!sent) {
      sent = this.send(producerId).catch((err) => {
        this.sent.delete(producerId);
        throw err;
      });
      this.sent.set(producerId, sent);
    }
    return sent;
  }

  private async send(producerId: string): Promise<void> {
    const consumer = await this.pipe.consume({ producerId });
    const control = (c: pb.EdgeControl) => this.control(producerId, c);
    consumer.on('producerpause', () => control(CONTROL.pause));
    consumer.on('producerresume', () => control(CONTROL.resume));
    consumer.observer.once('close', () => {
      this.sent.delete(producerId);
      control(CONTROL.close);
    });
    try {
      await this.bus.request(this.host, {
        acceptProducer: {
          edgeId: this.edgeId,
          producerId,
          kind: mediaKindToWire(consumer.kind),
          rtpParameters: rtpParametersToWire(consumer.rtpParameters as RtpParameters),
          paused: consumer.producerPaused,
          participantId: String(consumer.appData.participantId ?? ''),
        },
      });
    } catch (err) {
      consumer.close();
      throw err;
    }
  }

  /** Mirrors a producer change to the edge's copy; the edge ignores ids it no longer has. */
  control(producerId: string, control: pb.EdgeControl): void {
    if (this.closed) return;
    this.bus
      .request(this.host, { producerControl: { producerId, control } })
      .catch((err) => this.links.log.debug({ producerId, err: String(err) }, 'edge producer control failed'));
  }

  close(tellEdge: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.links.forget(this);
    this.pipe.close();
    if (tellEdge) {
      this.bus.request(this.host, { closeEdge: { edgeId: this.edgeId } }).catch(() => undefined);
    }
  }
}

/** A participant's WebRTC transport on an edge host. */
export class RemoteTransport implements MediaTransport {
  private isClosed = false;
  private readonly closeListeners: ((lost: boolean) => void)[] = [];
  /** Home ends of this transport's producers: they go when it goes. */
  private readonly producers = new Set<types.Producer>();
  private readonly consumers = new Set<RemoteConsumer>();

  constructor(
    private readonly link: EdgeLink,
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
  private isClosed = false;

  constructor(
    private readonly link: EdgeLink,
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
