// Runs on an edge host: the media of rooms whose home is another host: for each room location
// a RoomMedia here (its main router joined to the home router by a
// PipeTransport, receivers spread over this host's workers as at home), the
// WebRTC transports of participants connected here, and the producers and
// consumers on them, all made and changed on the home host's request.
import type { types } from 'mediasoup';
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import {
  type RtpParameters,
  WireValidationError,
  dtlsParametersFromWire,
  dtlsParametersToWire,
  iceCandidatesToWire,
  iceParametersToWire,
  mediaKindFromWire,
  mediaKindToWire,
  rtpCapabilitiesFromWire,
  rtpParametersFromWire,
  rtpParametersToWire,
} from '../common/protocol/mediaWire.js';
import type { EnvelopeBody } from './edgeProtocol.js';
import { RoomMedia, type RoomMediaOptions } from './roomMedia.js';
import type { WorkerPool } from './workerPool.js';

import pb = schoolcall.v1;

interface Edge {
  id: string;
  home: string;
  roomId: string;
  media: RoomMedia;
  pipe: types.PipeTransport;
}

interface EdgeTransport {
  transport: types.WebRtcTransport;
  edge: Edge;
}

class ClientError extends Error {}

export class EdgeSideMedia {
  private readonly edges = new Map<string, Edge>();
  private readonly transports = new Map<string, EdgeTransport>();
  /** Originals made here and copies sent from home, by id. */
  private readonly producers = new Map<string, types.Producer>();
  private readonly consumers = new Map<string, types.Consumer>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly mediaOptions: RoomMediaOptions,
    private readonly pipeListenIp: { ip: string; announcedIp?: string },
    private readonly send: (host: string, body: EnvelopeBody) => void,
    private readonly log: Logger,
  ) {}

  get transportCount(): number {
    return this.transports.size;
  }

  /** Answers one request from a home host. */
  async handle(home: string, req: pb.EdgeRequest): Promise<void> {
    let response: pb.IEdgeResponse;
    try {
      response = await this.run(home, req);
    } catch (err) {
      const clientError =
        err instanceof ClientError || err instanceof WireValidationError || err instanceof TypeError;
      if (!clientError) this.log.warn({ home, op: req.op, err }, 'edge request failed');
      response = { error: err instanceof Error ? err.message : String(err), clientError };
    }
    this.send(home, { edgeResponse: { ...response, requestId: req.requestId } });
  }

  /** The home host went away: everything made for it goes too. */
  homeGone(home: string): void {
    for (const edge of [...this.edges.values()]) if (edge.home === home) this.closeEdge(edge);
  }

  close(): void {
    for (const edge of [...this.edges.values()]) this.closeEdge(edge);
  }

  private async run(home: string, req: pb.EdgeRequest): Promise<pb.IEdgeResponse> {
    switch (req.op) {
      case 'openEdge':
        return { pipe: await this.openEdge(home, req.openEdge!) };
      case 'closeEdge': {
        const edge = this.edges.get(req.closeEdge?.edgeId ?? '');
        if (edge) this.closeEdge(edge);
        return {};
      }
      case 'createTransport':
        return { transport: await this.createTransport(req.createTransport!) };
      case 'connectTransport': {
        const { transport } = this.transport(req.connectTransport?.transportId);
        const dtlsParameters = dtlsParametersFromWire(req.connectTransport?.dtlsParameters);
        await transport.connect({ dtlsParameters: dtlsParameters as types.DtlsParameters });
        return {};
      }
      case 'restartIce': {
        const { transport } = this.transport(req.restartIce?.transportId);
        return { iceParameters: iceParametersToWire(await transport.restartIce()) };
      }
      case 'closeTransport':
        this.transports.get(req.closeTransport?.transportId ?? '')?.transport.close();
        return {};
      case 'produce':
        return { produced: await this.produce(req.produce!) };
      case 'acceptProducer':
        await this.acceptProducer(req.acceptProducer!);
        return {};
      case 'producerControl': {
        const producer = this.producers.get(req.producerControl?.producerId ?? '');
        if (producer) await control(producer, req.producerControl?.control);
        return {};
      }
      case 'consume':
        return { consumer: await this.consume(home, req.consume!) };
      case 'consumerControl': {
        const consumer = this.consumers.get(req.consumerControl?.consumerId ?? '');
        if (!consumer) throw new ClientError('consumer not found');
        const cc = req.consumerControl!;
        if (cc.control === pb.EdgeControl.EDGE_CONTROL_SET_PREFERRED_LAYERS) {
          await consumer.setPreferredLayers({
            spatialLayer: cc.spatialLayer ?? 0,
            ...(cc.temporalLayer != null ? { temporalLayer: cc.temporalLayer } : {}),
          });
        } else await control(consumer, cc.control);
        return {};
      }
      default:
        throw new ClientError(`unknown edge request ${String(req.op)}`);
    }
  }

  private async openEdge(home: string, op: pb.IOpenEdge): Promise<pb.IPipeAddress> {
    const media = await RoomMedia.create(this.pool, this.mediaOptions);
    let pipe: types.PipeTransport;
    try {
      pipe = await media.router.createPipeTransport({ listenIp: this.pipeListenIp, enableRtx: true });
      await pipe.connect({ ip: op.home?.ip ?? '', port: op.home?.port ?? 0 });
    } catch (err) {
      media.close();
      throw err;
    }
    const edge: Edge = { id: op.edgeId ?? '', home, roomId: op.roomId ?? '', media, pipe };
    this.edges.set(edge.id, edge);
    media.once('lost', () => {
      // Still listed: not closed on home's request, so home must hear of it.
      if (this.edges.delete(edge.id)) this.send(home, { edgeEvent: { edgeLost: { edgeId: edge.id } } });
    });
    this.log.info(
      { room: edge.roomId, home, edgeId: edge.id, worker: media.workerIndex },
      'edge router open',
    );
    return { ip: pipe.tuple.localIp, port: pipe.tuple.localPort };
  }

  private closeEdge(edge: Edge): void {
    this.edges.delete(edge.id);
    edge.media.close();
  }

  private async createTransport(op: pb.IEdgeCreateTransport): Promise<pb.IWebRtcTransportInfo> {
    const edge = this.edges.get(op.edgeId ?? '');
    if (!edge) throw new ClientError('edge not found');
    const direction = op.direction === pb.TransportDirection.TRANSPORT_DIRECTION_SEND ? 'send' : 'recv';
    const transport = await edge.media.createWebRtcTransport(direction, {
      participantId: op.participantId,
      home: edge.home,
    });
    this.transports.set(transport.id, { transport, edge });
    transport.observer.once('close', () => this.transports.delete(transport.id));
    // Closed with its router because a worker died (not because home closed
    // the edge): tell home, whose participant then reconnects.
    transport.on('routerclose', () => {
      if (this.edges.has(edge.id)) {
        this.send(edge.home, { edgeEvent: { transportLost: { transportId: transport.id } } });
      }
    });
    return {
      transportId: transport.id,
      direction: op.direction,
      iceParameters: iceParametersToWire(transport.iceParameters),
      iceCandidates: iceCandidatesToWire(transport.iceCandidates),
      dtlsParameters: dtlsParametersToWire(transport.dtlsParameters),
    };
  }

  private transport(id: string | null | undefined): EdgeTransport {
    const t = this.transports.get(id ?? '');
    if (!t) throw new ClientError('transport not found');
    return t;
  }

  /** A participant's producer here, and its copy sent home over the pipe. */
  private async produce(op: pb.IEdgeProduce): Promise<pb.IEdgeProduced> {
    const { transport, edge } = this.transport(op.transportId);
    const producer = await transport.produce({
      kind: mediaKindFromWire(op.kind),
      rtpParameters: rtpParametersFromWire(op.rtpParameters) as types.RtpParameters,
      paused: Boolean(op.paused),
      appData: { participantId: op.participantId },
    });
    this.track(producer);
    try {
      const pipeConsumer = await edge.pipe.consume({ producerId: producer.id });
      return {
        producerId: producer.id,
        pipeRtpParameters: rtpParametersToWire(pipeConsumer.rtpParameters as RtpParameters),
        paused: producer.paused,
      };
    } catch (err) {
      producer.close();
      throw err;
    }
  }

  /** A producer from home (or another edge, through home) arrives over the pipe. */
  private async acceptProducer(op: pb.IEdgeAcceptProducer): Promise<void> {
    const edge = this.edges.get(op.edgeId ?? '');
    if (!edge) throw new ClientError('edge not found');
    const producer = await edge.pipe.produce({
      id: op.producerId ?? '',
      kind: mediaKindFromWire(op.kind),
      rtpParameters: rtpParametersFromWire(op.rtpParameters) as types.RtpParameters,
      paused: Boolean(op.paused),
      appData: { participantId: op.participantId },
    });
    this.track(producer);
  }

  private track(producer: types.Producer): void {
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
  }

  private async consume(home: string, op: pb.IEdgeConsume): Promise<pb.IEdgeConsumerInfo> {
    const { transport, edge } = this.transport(op.transportId);
    const producerId = op.producerId ?? '';
    const rtpCapabilities = rtpCapabilitiesFromWire(op.rtpCapabilities) as types.RtpCapabilities;
    if (!(await edge.media.prepareConsume(transport.id, producerId, rtpCapabilities))) {
      throw new ClientError('the receiving device cannot decode this producer');
    }
    const consumer = await transport.consume({
      producerId,
      rtpCapabilities,
      paused: Boolean(op.paused),
      appData: { participantId: op.participantId },
    });
    this.consumers.set(consumer.id, consumer);
    const tell = (change: pb.EdgeConsumerChange) =>
      this.send(home, { edgeEvent: { consumer: { consumerId: consumer.id, change } } });
    consumer.on('producerpause', () => tell(pb.EdgeConsumerChange.EDGE_CONSUMER_CHANGE_PRODUCER_PAUSED));
    consumer.on('producerresume', () => tell(pb.EdgeConsumerChange.EDGE_CONSUMER_CHANGE_PRODUCER_RESUMED));
    consumer.on('producerclose', () => tell(pb.EdgeConsumerChange.EDGE_CONSUMER_CHANGE_PRODUCER_CLOSED));
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
    return {
      consumerId: consumer.id,
      kind: mediaKindToWire(consumer.kind),
      rtpParameters: rtpParametersToWire(consumer.rtpParameters as RtpParameters),
      paused: consumer.paused,
      producerPaused: consumer.producerPaused,
    };
  }
}

async function control(
  target: { pause(): Promise<void>; resume(): Promise<void>; close(): void },
  c: pb.EdgeControl | null | undefined,
): Promise<void> {
  if (c === pb.EdgeControl.EDGE_CONTROL_PAUSE) await target.pause();
  else if (c === pb.EdgeControl.EDGE_CONTROL_RESUME) await target.resume();
  else if (c === pb.EdgeControl.EDGE_CONTROL_CLOSE) target.close();
  else throw new ClientError('unknown control');
}
