// A participant's WebRTC transports: created on this host, or on the edge
// host its connection is on, handed over with the TURN servers the client may
// relay through; connected with the client's DTLS parameters; ICE restarted
// when its network changes.
import type { types } from 'mediasoup';
import type { Logger } from '../../common/log.js';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import {
  dtlsParametersFromWire,
  dtlsParametersToWire,
  iceCandidatesToWire,
  iceParametersToWire,
} from '../../common/protocol/mediaWire.js';
import { LocalTransport, type MediaTransport } from '../../sfu/mediaTransport.js';
import type { RoomMedia, TransportDirection } from '../../sfu/roomMedia.js';
import type { Peer, PeerTransport } from '../domain/peer.js';
import type { JoinedPeer, Room } from '../domain/room.js';
import { ErrorCode, SignalingError, clientInput, invalid, notFound } from '../errors.js';
import { routerCapabilitiesToWire } from '../wire/mediaWire.js';
import type { MediaRecovery } from './mediaRecovery.js';
import { roomMediaOf } from './roomMediaOf.js';

import pb = schoolcall.v1;

const MAX_TRANSPORTS_PER_PEER = 4;

/** Makes WebRTC transports on the edge host a participant's connection is on. */
export interface EdgeTransportMaker {
  createEdgeTransport(
    media: RoomMedia,
    roomId: string,
    host: string,
    direction: TransportDirection,
    participantId: string,
  ): Promise<MediaTransport>;
}

/** A transport this peer owns; NOT_FOUND for anyone else's. */
export function ownTransport(peer: Peer, transportId: string | null | undefined): PeerTransport {
  const t = peer.transports.get(transportId ?? '');
  if (!t) throw notFound('transport');
  return t;
}

/** TURN servers for a participant's transport, with fresh credentials; none without TURN. */
export type IceServersFor = (peer: Peer) => pb.IIceServer[];

export class Transports {
  constructor(
    private readonly edges: EdgeTransportMaker,
    private readonly recovery: MediaRecovery,
    private readonly iceServers: IceServersFor,
    private readonly log: Logger,
  ) {}

  routerRtpCapabilities({ room, peer }: JoinedPeer): pb.IRtpCapabilities {
    return routerCapabilitiesToWire(roomMediaOf(room, peer.location));
  }

  async create(
    { room, peer }: JoinedPeer,
    req: pb.ICreateWebRtcTransportRequest,
  ): Promise<pb.IWebRtcTransportInfo> {
    let direction: TransportDirection;
    if (req.direction === pb.TransportDirection.TRANSPORT_DIRECTION_SEND) direction = 'send';
    else if (req.direction === pb.TransportDirection.TRANSPORT_DIRECTION_RECV) direction = 'recv';
    else throw invalid('direction must be SEND or RECV');
    if (peer.transports.size >= MAX_TRANSPORTS_PER_PEER) {
      throw invalid(`at most ${MAX_TRANSPORTS_PER_PEER} transports per participant`);
    }
    const location = peer.location;
    const transport = await this.newTransport(room, peer, direction);
    if (!room.isPresent(peer)) {
      transport.close();
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'left the room');
    }
    peer.transports.set(transport.id, { transport, direction, connected: false });
    transport.onClose((lost) => {
      peer.transports.delete(transport.id);
      // Its edge worker or host went away: this participant sets up media again.
      if (lost && room.isPresent(peer) && peer.location === location) {
        this.log.warn(
          { room: room.id, participant: peer.id, transport: transport.id },
          'edge transport lost',
        );
        void this.recovery.reconnect(room, location, [peer]);
      }
    });
    const { info } = transport;
    return {
      transportId: transport.id,
      direction: req.direction,
      iceParameters: iceParametersToWire(info.iceParameters),
      iceCandidates: iceCandidatesToWire(info.iceCandidates),
      dtlsParameters: dtlsParametersToWire(info.dtlsParameters),
      iceServers: this.iceServers(peer),
    };
  }

  async connect({ peer }: JoinedPeer, req: pb.IConnectWebRtcTransportRequest): Promise<void> {
    const t = ownTransport(peer, req.transportId);
    const dtlsParameters = dtlsParametersFromWire(req.dtlsParameters);
    if (t.connected) throw invalid('transport is already connected');
    t.connected = true;
    try {
      await clientInput(() => t.transport.connect(dtlsParameters as types.DtlsParameters));
    } catch (err) {
      t.connected = false;
      throw err;
    }
  }

  async restartIce({ peer }: JoinedPeer, req: pb.IRestartIceRequest): Promise<pb.IIceParameters> {
    const t = ownTransport(peer, req.transportId);
    return iceParametersToWire(await t.transport.restartIce());
  }

  /** A transport here, or on the edge host the participant is connected to. */
  private async newTransport(room: Room, peer: Peer, direction: TransportDirection): Promise<MediaTransport> {
    const media = roomMediaOf(room, peer.location);
    const edgeHost = peer.channel.edgeHost;
    if (edgeHost) return this.edges.createEdgeTransport(media, room.id, edgeHost, direction, peer.id);
    const transport = await media.createWebRtcTransport(direction, {
      roomId: room.id,
      participantId: peer.id,
    });
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        this.log.info({ room: room.id, participant: peer.id, transport: transport.id, state }, 'dtls ended');
      }
    });
    return new LocalTransport(transport, media);
  }
}
