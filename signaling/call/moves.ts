// Moving a present participant to another location (a breakout room or the
// main room) without leaving the call: its media closes on the old router,
// and its client sets up again from the Moved event. Roster state (hand,
// role) stays.
import type { Logger } from '../../common/log.js';
import type { Peer } from '../domain/peer.js';
import type { Room } from '../domain/room.js';
import { MAIN, type RoomLocation } from '../domain/roomDefinition.js';

export class Moves {
  constructor(private readonly log: Logger) {}

  async moveTo(room: Room, peer: Peer, location: RoomLocation): Promise<void> {
    if (!room.isPresent(peer) || peer.location === location) return;
    await room.ensureMedia(location);
    if (!room.isPresent(peer)) return;
    const from = peer.location;
    room.move(peer, location);
    room.peerUpdated(peer);
    this.log.info({ room: room.id, participant: peer.id, from, to: location }, 'participant moved');
    if (from !== MAIN && ![...room.peersAt(from)].length && !room.breakouts.rooms.has(from)) {
      room.closeMedia(from);
    }
  }
}
