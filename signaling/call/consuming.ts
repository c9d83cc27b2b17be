// A participant's incoming media: consuming another participant's producer
// at the same location (paused until the client is ready for it). Pausing and
// resuming what it receives is the viewing feature's (signaling/viewing/).
import type { types } from 'mediasoup';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import {
  type RtpParameters,
  mediaKindToWire,
  rtpCapabilitiesFromWire,
  rtpParametersToWire,
} from '../../common/protocol/mediaWire.js';
import type { JoinedPeer } from '../domain/room.js';
import { ErrorCode, SignalingError, clientInput, invalid, notFound } from '../errors.js';
import { encodeEvent } from '../wire/frames.js';
import { sourceToWire } from '../wire/mediaWire.js';
import { ownTransport } from './transports.js';

import pb = schoolcall.v1;

export class Consuming {
  async consume({ room, peer }: JoinedPeer, req: pb.IConsumeRequest): Promise<pb.IConsumeResponse> {
    const t = ownTransport(peer, req.transportId);
    if (t.direction !== 'recv') throw invalid('transport is not a receive transport');
    const entry = room.findProducer(req.producerId ?? '');
    if (!entry) throw notFound('producer');
    if (entry.peer === peer) throw invalid('cannot consume own producer');
    if (peer.hasConsumerOf(entry.producer.id)) throw invalid('already consuming this producer');
    const rtpCapabilities = rtpCapabilitiesFromWire(req.rtpCapabilities);
    if (entry.peer.location !== peer.location) throw notFound('producer');
    const decodable = await t.transport.prepareConsume(
      entry.producer.id,
      rtpCapabilities as types.RtpCapabilities,
    );
    if (!decodable) throw invalid('the receiving device cannot decode this producer');
    if (entry.producer.closed) throw notFound('producer');
    const consumer = await clientInput(() =>
      t.transport.consume({
        producerId: entry.producer.id,
        rtpCapabilities: rtpCapabilities as types.RtpCapabilities,
        paused: true,
        appData: { participantId: peer.id },
      }),
    );
    if (!room.isPresent(peer) || t.transport.closed) {
      consumer.close();
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'left the room');
    }
    peer.consumers.set(consumer.id, consumer);
    consumer.once('close', () => peer.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      peer.consumers.delete(consumer.id);
      peer.channel.send(
        encodeEvent({ consumerClosed: { consumerId: consumer.id, producerId: entry.producer.id } }),
      );
    });
    const stateChanged = () =>
      peer.channel.send(
        encodeEvent({
          consumerStateChanged: { consumerId: consumer.id, producerPaused: consumer.producerPaused },
        }),
      );
    consumer.on('producerpause', stateChanged);
    consumer.on('producerresume', stateChanged);
    return {
      consumerId: consumer.id,
      producerId: entry.producer.id,
      participantId: entry.peer.id,
      kind: mediaKindToWire(consumer.kind),
      source: sourceToWire(entry.source),
      rtpParameters: rtpParametersToWire(consumer.rtpParameters as RtpParameters),
      paused: consumer.paused,
      producerPaused: consumer.producerPaused,
    };
  }
}
