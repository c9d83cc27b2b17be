// Batches presence changes per room: joins, leaves and roster updates within
// a short window go out as one PresenceChanged event to the whole room. In
// large rooms only people everyone needs to see (teachers, raised hands) are
// listed; the rest is counts, and the paged participants list.
import type { Peer } from '../domain/peer.js';
import type { Room } from '../domain/room.js';
import { LARGE_ROOM, prominent } from '../domain/roster.js';
import { encodeEvent } from '../wire/frames.js';
import { countsToWire, participantToWire } from '../wire/roomWire.js';

const FLUSH_MS = 150;
const LARGE_ROOM_FLUSH_MS = 1000;

interface Pending {
  room: Room;
  joined: Map<string, Peer>;
  left: Set<string>;
  updated: Map<string, Peer>;
  timer: NodeJS.Timeout;
}

export class PresenceBatcher {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly publish: (room: Room, bytes: Uint8Array) => void) {}

  joined(room: Room, peer: Peer): void {
    const p = this.batch(room);
    p.left.delete(peer.id);
    p.joined.set(peer.id, peer);
  }

  left(room: Room, peer: Peer): void {
    const p = this.batch(room);
    // Came and went within one batch: nobody needs to hear of it.
    if (p.joined.delete(peer.id)) return;
    p.updated.delete(peer.id);
    p.left.add(peer.id);
  }

  updated(room: Room, peer: Peer): void {
    const p = this.batch(room);
    if (!p.joined.has(peer.id)) p.updated.set(peer.id, peer);
  }

  /** Sends what is pending for a room now (e.g. before the room ends). */
  flush(roomId: string): void {
    const p = this.pending.get(roomId);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(roomId);
    const large = p.room.peers.size > LARGE_ROOM;
    const show = (peers: Map<string, Peer>) =>
      [...peers.values()].filter((peer) => !large || prominent(peer)).map(participantToWire);
    this.publish(
      p.room,
      encodeEvent({
        presenceChanged: {
          joined: show(p.joined),
          left: [...p.left],
          updated: show(p.updated),
          participantCount: p.room.peers.size,
          counts: countsToWire(p.room),
        },
      }),
    );
  }

  dispose(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  private batch(room: Room): Pending {
    let p = this.pending.get(room.id);
    if (!p) {
      const delay = room.peers.size > LARGE_ROOM ? LARGE_ROOM_FLUSH_MS : FLUSH_MS;
      const timer = setTimeout(() => this.flush(room.id), delay);
      timer.unref();
      p = { room, joined: new Map(), left: new Set(), updated: new Map(), timer };
      this.pending.set(room.id, p);
    }
    return p;
  }
}
