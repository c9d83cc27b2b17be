// Room state in its wire form: participants, roles, settings, breakout rooms
// and counts, as clients receive them.
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { Peer } from '../domain/peer.js';
import type { RoleName } from '../domain/roles.js';
import type { Room } from '../domain/room.js';
import type { RoomSettings, WaitingRoomMode } from '../domain/roomDefinition.js';
import { type RosterPage, roleCounts } from '../domain/roster.js';

import pb = schoolcall.v1;

const ROLE_TO_WIRE: Record<RoleName, pb.Role> = {
  host: pb.Role.ROLE_HOST,
  'co-host': pb.Role.ROLE_CO_HOST,
  participant: pb.Role.ROLE_PARTICIPANT,
  guest: pb.Role.ROLE_GUEST,
};

export function roleToWire(role: RoleName): pb.Role {
  return ROLE_TO_WIRE[role];
}

export function roleFromWire(role: pb.Role | null | undefined): RoleName | null {
  for (const [name, value] of Object.entries(ROLE_TO_WIRE)) if (value === role) return name as RoleName;
  return null;
}

export function participantToWire(peer: Peer): pb.IParticipant {
  const { participantId, userId, displayName, role, sortName } = peer.identity;
  return {
    participantId,
    userId,
    displayName,
    role: roleToWire(role),
    handRaisedAt: peer.handRaisedAt,
    microphoneBlocked: peer.blocked.microphone,
    cameraBlocked: peer.blocked.camera,
    asksToSpeak: peer.asksToSpeak,
    sortName,
    location: peer.location,
  };
}

export function waitingListToWire(room: Room): pb.IParticipant[] {
  return [...room.waiting.values()].map(participantToWire);
}

/** The waiting queue, oldest first, as hosts and co-hosts receive it when they start moderating. */
export function waitingRoomEvent(room: Room): pb.IEvent {
  return { waitingRoomChanged: { waiting: waitingListToWire(room) } };
}

/** A change of the waiting queue: small however long the queue is. */
export function waitingRoomDeltaEvent(room: Room, added: Peer[], removed: string[]): pb.IEvent {
  return { waitingRoomDelta: { added: added.map(participantToWire), removed, total: room.waiting.size } };
}

export function countsToWire(room: Room): pb.IRoleCounts {
  return roleCounts(room);
}

export function rosterPageToWire(page: RosterPage): pb.IParticipantPage {
  return { participants: page.participants.map(participantToWire), total: page.total, counts: page.counts };
}

/**
 * Breakout rooms as clients see them: names and who is in each. Before they
 * open, the present people assigned to it; while open, whoever is there now
 * (a visiting teacher too), so each room's count is its people.
 */
export function breakoutsToWire(room: Room): pb.IBreakoutsChanged {
  const b = room.breakouts;
  const members = new Map<string, string[]>();
  for (const peer of room.peers.values()) {
    const id = b.open ? peer.location : b.assignments.get(peer.identity.userId);
    if (id && b.rooms.has(id)) members.set(id, [...(members.get(id) ?? []), peer.id]);
  }
  return {
    breakouts: [...b.rooms.values()].map((r) => ({
      id: r.id,
      name: r.name,
      participantIds: members.get(r.id) ?? [],
    })),
    open: b.open,
    endsAt: b.endsAt,
  };
}

const WAITING_TO_WIRE: Record<WaitingRoomMode, pb.WaitingRoomMode> = {
  off: pb.WaitingRoomMode.WAITING_ROOM_MODE_OFF,
  guests: pb.WaitingRoomMode.WAITING_ROOM_MODE_GUESTS,
  everyone: pb.WaitingRoomMode.WAITING_ROOM_MODE_EVERYONE,
};

export function waitingModeFromWire(mode: pb.WaitingRoomMode): WaitingRoomMode | null {
  for (const [name, value] of Object.entries(WAITING_TO_WIRE))
    if (value === mode) return name as WaitingRoomMode;
  return null;
}

export function settingsToWire(s: RoomSettings): pb.IRoomSettings {
  return {
    waitingRoom: WAITING_TO_WIRE[s.waitingRoom],
    locked: s.locked,
    guestsAllowed: s.guestsAllowed,
    selfUnmuteAllowed: s.selfUnmuteAllowed,
    participantsMayShareScreen: s.participantsMayShareScreen,
    maxScreenShares: s.maxScreenShares,
    coHostsMayRecord: s.coHostsMayRecord ?? false,
    lastN: s.lastN ?? 0,
  };
}
