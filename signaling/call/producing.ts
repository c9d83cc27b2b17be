// A participant's outgoing media: producing a source (checked against role,
// host blocks and the room's screen-share limit), pausing and closing it.
import type { types } from 'mediasoup';
import type { Logger } from '../../common/log.js';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { mediaKindFromWire, rtpParametersFromWire } from '../../common/protocol/mediaWire.js';
import { mayProduce, silencedBy } from '../domain/roles.js';
import type { JoinedPeer } from '../domain/room.js';
import {
  ErrorCode,
  SignalingError,
  blockedByHost,
  clientInput,
  forbidden,
  invalid,
  notFound,
} from '../errors.js';
import { SOURCES } from '../wire/mediaWire.js';
import { roomMediaOf } from './roomMediaOf.js';
import { ownTransport } from './transports.js';

import pb = schoolcall.v1;

export class Producing {
  constructor(private readonly log: Logger) {}

  async produce({ room, peer }: JoinedPeer, req: pb.IProduceRequest): Promise<pb.IProduceResponse> {
    const t = ownTransport(peer, req.transportId);
    if (t.direction !== 'send') throw invalid('transport is not a send transport');
    const kind = mediaKindFromWire(req.kind);
    const source = SOURCES[req.source ?? 0];
    if (!source) throw invalid('source is required');
    if (source.kind !== kind) throw invalid(`source ${source.name} must be ${source.kind}`);
    if (!mayProduce(peer.identity.role, source.name, room.settings.participantsMayShareScreen)) {
      throw forbidden(`role ${peer.identity.role} may not share ${source.name}`);
    }
    if (peer.producerFor(source.name)) throw invalid(`already producing ${source.name}`);
    const moderated = silencedBy(source.name);
    if (moderated && peer.blocked[moderated] && !req.paused) {
      throw blockedByHost(`a host turned your ${moderated} off; start it paused and ask to speak`);
    }
    if (source.name === 'screen' && room.screenShareCount() >= room.settings.maxScreenShares) {
      throw forbidden(`at most ${room.settings.maxScreenShares} screen share(s) at once in this room`);
    }
    const rtpParameters = rtpParametersFromWire(req.rtpParameters);
    const producer = await clientInput(() =>
      t.transport.produce({
        kind,
        rtpParameters: rtpParameters as types.RtpParameters,
        paused: Boolean(req.paused),
        appData: { participantId: peer.id, source: source.name },
      }),
    );
    if (!room.isPresent(peer) || t.transport.closed) {
      producer.close();
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'left the room');
    }
    room.addProducer(peer, producer, source.name);
    if (source.name === 'microphone') {
      await roomMediaOf(room, peer.location)
        .watchSpeaker(producer.id)
        .catch((err) => this.log.warn({ err }, 'cannot watch speaker'));
    }
    this.log.debug(
      { room: room.id, participant: peer.id, producer: producer.id, source: source.name },
      'produce',
    );
    return { producerId: producer.id };
  }

  closeProducer({ peer }: JoinedPeer, req: pb.ICloseProducerRequest): void {
    const p = peer.producers.get(req.producerId ?? '');
    if (!p) throw notFound('producer');
    p.producer.close();
  }

  async setPaused({ room, peer }: JoinedPeer, req: pb.ISetProducerPausedRequest): Promise<void> {
    const p = peer.producers.get(req.producerId ?? '');
    if (!p) throw notFound('producer');
    const moderated = silencedBy(p.source);
    if (!req.paused && moderated && peer.blocked[moderated]) {
      throw blockedByHost(`a host turned your ${moderated} off; ask to speak`);
    }
    if (req.paused) await p.producer.pause();
    else await p.producer.resume();
    room.producerStateChanged(peer, p.producer);
  }
}
