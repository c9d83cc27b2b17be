// The first half of stopping (SIGTERM): the server drains. From then on no
// lesson starts here (people already in one still get back in after a
// dropped connection), /readyz says 503 so a load balancer sends new people
// elsewhere, and the people in running lessons are told when the server
// stops and whether their lesson resumes after it. It waits up to the
// configured time for those lessons to end by themselves; shutdown.ts then
// hands over or closes what is left.
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { Membership } from './call/membership.js';
import type { Room } from './domain/room.js';
import type { RoomRegistry } from './domain/roomRegistry.js';

import pb = schoolcall.v1;

export interface DrainParts {
  registry: RoomRegistry;
  membership: Membership;
  /** Sends an event to everyone in a room. */
  toRoom(room: Room, event: pb.IEvent): void;
  /** Lessons continue after the stop (their state is kept in Redis and people reconnect). */
  resumes: boolean;
  log: Logger;
}

const CHECK_MS = 500;

/** Rooms with someone in them (or waiting) on this host. */
export function runningRooms(registry: RoomRegistry): Room[] {
  return [...registry.all()].filter((r) => r.peers.size + r.waiting.size > 0);
}

export class Drain {
  private started = false;

  constructor(private readonly p: DrainParts) {}

  get draining(): boolean {
    return this.started;
  }

  /**
   * Stops new lessons, tells the running ones, and resolves when they have
   * all ended, after `seconds`, or when `cut` resolves (a second signal).
   */
  async run(seconds: number, cut: Promise<unknown>): Promise<void> {
    this.started = true;
    this.p.membership.stopNewLessons();
    const rooms = runningRooms(this.p.registry);
    if (seconds <= 0 || rooms.length === 0) return;
    const closesAt = Date.now() + seconds * 1000;
    const event: pb.IEvent = { serverStopping: { closesAt, resumes: this.p.resumes } };
    for (const room of rooms) this.p.toRoom(room, event);
    this.p.log.info({ rooms: rooms.length, seconds }, 'draining: waiting for lessons to end');
    let timer: NodeJS.Timeout | undefined;
    const over = new Promise<void>((resolve) => {
      const check = () => {
        if (runningRooms(this.p.registry).length === 0 || Date.now() >= closesAt) resolve();
        else timer = setTimeout(check, CHECK_MS);
      };
      check();
    });
    await Promise.race([over, cut]).finally(() => clearTimeout(timer));
  }
}
