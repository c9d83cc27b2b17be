// What a client is told of a room all at once: when it enters, and when it
// fell behind and catches up (instead of replaying what it missed).
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { RoomMedia } from '../../sfu/roomMedia.js';
import type { Peer } from '../domain/peer.js';
import { isModerator } from '../domain/roles.js';
import type { Room } from '../domain/room.js';
import { rosterPreview } from '../domain/roster.js';
import { producersAt, routerCapabilitiesToWire } from './mediaWire.js';
import {
  breakoutsToWire,
  countsToWire,
  participantToWire,
  settingsToWire,
  waitingListToWire,
} from './roomWire.js';

import pb = schoolcall.v1;

/** What an entering peer needs to start: who is there, what to consume, how to connect. */
export function joinResponse(room: Room, peer: Peer, others: Peer[], media: RoomMedia): pb.IJoinResponse {
  return {
    self: participantToWire(peer),
    roomTitle: room.definition.title,
    participants: rosterPreview(others).map(participantToWire),
    participantCount: room.peers.size,
    producers: producersAt(room, peer.location),
    routerRtpCapabilities: routerCapabilitiesToWire(media),
    settings: settingsToWire(room.settings),
  };
}

/** What a peer put in the waiting room is told. */
export function waitingResponse(room: Room, peer: Peer): pb.IJoinResponse {
  return {
    self: participantToWire(peer),
    roomTitle: room.definition.title,
    settings: settingsToWire(room.settings),
    waiting: true,
  };
}

/** The state a lagging client needs to catch up. */
export function resyncSnapshot(room: Room, peer: Peer): pb.IResync {
  const others = [...room.peers.values()].filter((p) => p !== peer);
  return {
    self: participantToWire(peer),
    participantCount: room.peers.size,
    counts: countsToWire(room),
    settings: settingsToWire(room.settings),
    producers: producersAt(room, peer.location).filter((p) => p.participantId !== peer.id),
    breakouts: breakoutsToWire(room),
    participants: rosterPreview(others).map(participantToWire),
    waiting: isModerator(peer.identity.role) ? waitingListToWire(room) : [],
  };
}
