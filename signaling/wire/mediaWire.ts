// Media state in its wire form: sources, producers, and the Moved event that
// tells a client to set up its media at a (new) location.
import type { types } from 'mediasoup';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import {
  type RtpCapabilities,
  mediaKindToWire,
  rtpCapabilitiesToWire,
} from '../../common/protocol/mediaWire.js';
import type { RoomMedia } from '../../sfu/roomMedia.js';
import type { Peer } from '../domain/peer.js';
import type { MediaSourceName } from '../domain/roles.js';
import type { Room } from '../domain/room.js';
import type { RoomLocation } from '../domain/roomDefinition.js';

import pb = schoolcall.v1;

export const SOURCES: Record<number, { name: MediaSourceName; kind: 'audio' | 'video' }> = {
  [pb.MediaSource.MEDIA_SOURCE_MICROPHONE]: { name: 'microphone', kind: 'audio' },
  [pb.MediaSource.MEDIA_SOURCE_CAMERA]: { name: 'camera', kind: 'video' },
  [pb.MediaSource.MEDIA_SOURCE_SCREEN]: { name: 'screen', kind: 'video' },
  [pb.MediaSource.MEDIA_SOURCE_SCREEN_AUDIO]: { name: 'screen-audio', kind: 'audio' },
  [pb.MediaSource.MEDIA_SOURCE_WHITEBOARD]: { name: 'whiteboard', kind: 'video' },
  [pb.MediaSource.MEDIA_SOURCE_DOCUMENT]: { name: 'document', kind: 'video' },
};

export function sourceFromWire(source: pb.MediaSource | null | undefined): MediaSourceName | null {
  return SOURCES[source ?? 0]?.name ?? null;
}

export function sourceToWire(source: MediaSourceName): pb.MediaSource {
  for (const [num, s] of Object.entries(SOURCES)) if (s.name === source) return Number(num) as pb.MediaSource;
  return pb.MediaSource.MEDIA_SOURCE_UNSPECIFIED;
}

export function producerToWire(
  peer: Peer,
  producer: types.Producer,
  source: MediaSourceName,
): pb.IProducerInfo {
  return {
    producerId: producer.id,
    participantId: peer.id,
    displayName: peer.identity.displayName,
    kind: mediaKindToWire(producer.kind),
    source: sourceToWire(source),
    paused: producer.paused,
  };
}

/** Everything that can be consumed at a location. */
export function producersAt(room: Room, location: RoomLocation): pb.IProducerInfo[] {
  const out: pb.IProducerInfo[] = [];
  for (const p of room.producers(location)) out.push(producerToWire(p.peer, p.producer, p.source));
  return out;
}

export function routerCapabilitiesToWire(media: RoomMedia): pb.IRtpCapabilities {
  return rtpCapabilitiesToWire(media.rtpCapabilities as RtpCapabilities);
}

/** Tells a peer to set up media at its (new) location, with what it can consume there. */
export function movedEvent(room: Room, peer: Peer, media: RoomMedia, mediaRestart: boolean): pb.IEvent {
  const location = peer.location;
  return {
    moved: {
      location,
      locationName: room.breakouts.rooms.get(location)?.name ?? room.definition.title,
      routerRtpCapabilities: routerCapabilitiesToWire(media),
      producers: producersAt(room, location).filter((p) => p.participantId !== peer.id),
      mediaRestart,
    },
  };
}
