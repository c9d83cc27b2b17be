// A room nobody is in keeps its routers for a short grace period (a teacher
// reloading the page comes back to warm media), then closes them; what runs
// on for the room (a recording, a broadcast) stops then too (`leftEmpty`).
import type { Room } from '../domain/room.js';

const EMPTY_ROOM_MEDIA_GRACE_MS = 15_000;

export class EmptyRooms {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly graceMs = EMPTY_ROOM_MEDIA_GRACE_MS) {}

  attach(room: Room): void {
    room.events.on('participantJoined', () => this.cancel(room.id));
    room.events.on('participantLeft', () => {
      if (room.peers.size === 0) this.start(room);
    });
    room.events.on('callEnded', () => this.cancel(room.id));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private start(room: Room): void {
    this.cancel(room.id);
    const timer = setTimeout(() => {
      this.timers.delete(room.id);
      if (room.peers.size === 0) room.leftEmpty();
    }, this.graceMs);
    timer.unref();
    this.timers.set(room.id, timer);
  }

  private cancel(roomId: string): void {
    const t = this.timers.get(roomId);
    if (t) clearTimeout(t);
    this.timers.delete(roomId);
  }
}
