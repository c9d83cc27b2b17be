// Runs on a room's home host: the media links from this host's rooms to the
// edge hosts where some of their participants are connected. For each room
// location (home router) and edge host there is one EdgeLink: a PipeTransport
// pair between the home router and a router on the edge. Participants
// connected to the edge get RemoteTransports: WebRTC transports on the edge's
// router, driven over the host bus. Their producers come home through the
// pipe (and are ordinary producers here); producers from elsewhere go out
// through the pipe once per edge, however many people there consume them.
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import {
  type RtpParameters,
  dtlsParametersFromWire,
  iceCandidatesFromWire,
  iceParametersFromWire,
  mediaKindToWire,
  rtpParametersToWire,
} from '../common/protocol/mediaWire.js';
import type { EdgeRequester } from './edgeProtocol.js';
import type { TransportInfo } from './mediaTransport.js';
import {
  EDGE_CONTROL as CONTROL,
  type PipeLink,
  type RemoteConsumer,
  RemoteTransport,
} from './remoteTransport.js';
import type { RoomMedia, TransportDirection } from './roomMedia.js';

import pb = schoolcall.v1;

/** Every link and remote object of this host, so edge events find their target. */
export class HomeSideLinks {
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
export class EdgeLink implements PipeLink {
  /** Producers of other hosts already sent to the edge, by id. */
  private readonly sent = new Map<string, Promise<void>>();
  /** Producers that came from the edge (already there). */
  readonly fromEdge = new Set<string>();
  private closed = false;

  private constructor(
    private readonly links: HomeSideLinks,
    readonly media: RoomMedia,
    readonly host: string,
    readonly edgeId: string,
    readonly pipe: types.PipeTransport,
  ) {}

  static async open(links: HomeSideLinks, media: RoomMedia, roomId: string, host: string): Promise<EdgeLink> {
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
      .catch((err) => this.links.log.debug({ producerId, err }, 'edge producer control failed'));
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
