// Who runs the demo room, which anyone may join: nobody gets a host token for
// it. Whoever enters while no host is present becomes its host, decided as
// people enter (one at a time), so asking for many tokens at once wins
// nothing, and an old token used later finds the room already hosted.
import type { Peer } from '../domain/peer.js';
import type { Room } from '../domain/room.js';
import type { Feature } from '../requests/features.js';

export function demoHostFeature(demoRoomId: string | null): Feature<never> {
  return {
    name: 'demo-host',
    handlers: {},
    attach(room) {
      if (room.id === demoRoomId) room.events.on('participantJoined', ({ peer }) => settleHost(room, peer));
    },
  };
}

function settleHost(room: Room, newcomer: Peer): void {
  const hosted = [...room.peers.values()].some((p) => p !== newcomer && p.identity.role === 'host');
  if (!hosted && newcomer.identity.role !== 'host') room.setRole(newcomer, 'host');
  // A former host coming back to a room someone else now runs.
  else if (hosted && newcomer.identity.role === 'host') room.setRole(newcomer, 'participant');
}
