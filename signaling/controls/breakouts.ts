// Breakout rooms from the host's side: create, assign (by hand or at
// random), open with an optional timer, broadcast to them, visit, and bring
// everyone back. Each breakout room is a location with its own router.
import type { Logger } from '../../common/log.js';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { Moves } from '../call/moves.js';
import { MAX_BREAKOUTS } from '../domain/breakouts.js';
import { isModerator } from '../domain/roles.js';
import type { JoinedPeer, Room } from '../domain/room.js';
import { MAIN } from '../domain/roomDefinition.js';
import { ErrorCode, SignalingError, invalid } from '../errors.js';
import type { ClientFanout } from '../fanout/clientFanout.js';
import { ids, presentPeer, requireModerator } from './guards.js';
import { MAX_ATTENTION_MESSAGE } from './moderation.js';

import pb = schoolcall.v1;

const MAX_BREAKOUT_SECONDS = 4 * 3600;

export class BreakoutControl {
  constructor(
    private readonly moves: Moves,
    private readonly fanout: ClientFanout,
    private readonly log: Logger,
  ) {}

  create({ room, peer }: JoinedPeer, req: pb.ICreateBreakoutsRequest): void {
    requireModerator(peer);
    if (room.breakouts.open) throw invalid('close the open breakout rooms first');
    const names = (req.names ?? []).map((n) => n.trim());
    const count = names.length || req.count || 0;
    if (count < 1 || count > MAX_BREAKOUTS) throw invalid(`between 1 and ${MAX_BREAKOUTS} breakout rooms`);
    if (names.some((n) => !n || n.length > 100)) throw invalid('breakout names are 1-100 characters');
    room.breakouts.create(names.length ? names : Array.from({ length: count }, (_, i) => `Room ${i + 1}`));
    this.log.info({ room: room.id, by: peer.id, count }, 'breakouts created');
    room.breakoutsChanged();
  }

  async assign({ room, peer }: JoinedPeer, req: pb.IAssignBreakoutsRequest): Promise<void> {
    requireModerator(peer);
    const b = room.breakouts;
    if (b.rooms.size === 0) throw invalid('create breakout rooms first');
    // Spreading anew while groups talk would move nearly everyone mid-task;
    // by hand, one person at a time, is still a move.
    if (req.auto && b.open) throw invalid('close the open breakout rooms before spreading everyone evenly');
    if (req.auto) {
      // Guests (parents) stay with the teacher unless asked for: their child is in a room of its own.
      const spread = [...room.peers.values()].filter(
        (p) => !isModerator(p.identity.role) && (req.includeGuests || p.identity.role !== 'guest'),
      );
      b.assignEvenly(spread.map((p) => p.identity.userId));
    }
    const assignments = ids((req.assignments ?? []).map((a) => a.participantId ?? '')).map(
      (participantId, i) => {
        const target = presentPeer(room, participantId);
        const breakoutId = req.assignments?.[i]?.breakoutId ?? '';
        if (breakoutId && !b.rooms.has(breakoutId))
          throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no such breakout room');
        return { target, breakoutId };
      },
    );
    for (const { target, breakoutId } of assignments) b.assign(target.identity.userId, breakoutId);
    // While open, an assignment is a move.
    if (b.open) await this.placeEveryone(room);
    room.breakoutsChanged();
  }

  async open({ room, peer }: JoinedPeer, req: pb.IOpenBreakoutsRequest): Promise<void> {
    requireModerator(peer);
    const b = room.breakouts;
    if (b.rooms.size === 0) throw invalid('create breakout rooms first');
    const seconds = req.durationSeconds ?? 0;
    if (seconds > MAX_BREAKOUT_SECONDS)
      throw invalid(`breakouts last at most ${MAX_BREAKOUT_SECONDS} seconds`);
    b.open = true;
    this.startTimer(room, seconds ? Date.now() + seconds * 1000 : 0);
    this.log.info({ room: room.id, by: peer.id, seconds, rooms: b.rooms.size }, 'breakouts opened');
    await this.placeEveryone(room);
    room.breakoutsChanged();
  }

  async close({ room, peer }: JoinedPeer): Promise<void> {
    requireModerator(peer);
    this.log.info({ room: room.id, by: peer.id }, 'breakouts closed');
    await this.recall(room);
  }

  /** A new name for one breakout room, before or while they are open. */
  rename({ room, peer }: JoinedPeer, req: pb.IRenameBreakoutRequest): void {
    requireModerator(peer);
    const found = room.breakouts.rooms.get(req.breakoutId ?? '');
    if (!found) throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no such breakout room');
    const name = (req.name ?? '').trim();
    if (!name || name.length > 100) throw invalid('breakout names are 1-100 characters');
    found.name = name;
    room.breakoutsChanged();
  }

  broadcast({ room, peer }: JoinedPeer, req: pb.IBroadcastToBreakoutsRequest): void {
    requireModerator(peer);
    const message = (req.message ?? '').trim();
    if (!message || message.length > MAX_ATTENTION_MESSAGE) {
      throw invalid(`message is 1-${MAX_ATTENTION_MESSAGE} characters`);
    }
    this.fanout.toRoomExcept(room, peer, {
      breakoutMessage: { fromParticipantId: peer.id, fromDisplayName: peer.identity.displayName, message },
    });
  }

  /** A host or co-host visits a breakout room, or returns to the main room. */
  async visit({ room, peer }: JoinedPeer, req: pb.IMoveToRequest): Promise<void> {
    requireModerator(peer);
    const target = req.breakoutId ?? '';
    if (target && !room.breakouts.rooms.has(target)) {
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no such breakout room');
    }
    if (target && !room.breakouts.open) throw invalid('breakout rooms are not open');
    await this.moves.moveTo(room, peer, target);
  }

  /** After a takeover: open breakout rooms with a timer end when they were due to. */
  resumeTimer(room: Room): void {
    if (room.breakouts.open && room.breakouts.endsAt) this.startTimer(room, room.breakouts.endsAt);
  }

  /** Brings everyone back at `endsAt` (0: no timer). */
  private startTimer(room: Room, endsAt: number): void {
    const b = room.breakouts;
    if (b.timer) clearTimeout(b.timer);
    b.timer = null;
    b.endsAt = endsAt;
    if (!endsAt) return;
    b.timer = setTimeout(
      () => {
        void this.recall(room).catch((err) => this.log.error({ room: room.id, err }, 'recall failed'));
      },
      Math.max(0, endsAt - Date.now()),
    );
    b.timer.unref();
  }

  /** Everyone back to the main room; the breakout rooms and their routers go. */
  private async recall(room: Room): Promise<void> {
    const breakoutIds = [...room.breakouts.rooms.keys()];
    room.breakouts.clear();
    for (const p of [...room.peers.values()]) {
      if (p.location !== MAIN) await this.moves.moveTo(room, p, MAIN);
    }
    for (const id of breakoutIds) room.closeMedia(id);
    room.breakoutsChanged();
  }

  /** Moves every non-moderator to where their assignment says. */
  private async placeEveryone(room: Room): Promise<void> {
    for (const p of [...room.peers.values()]) {
      if (isModerator(p.identity.role)) continue;
      await this.moves.moveTo(room, p, room.breakouts.locationOf(p.identity.userId));
    }
  }
}
