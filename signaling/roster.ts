// The participants list as clients see it: wire form, sorting by surname,
// search, paging and counts. Works on the room's live state, so a page is
// always current; at 2000 people a sort is well under a millisecond's work
// per hundred requests.
import type { Peer } from './peer.js';
import { schoolcall } from './protocol/generated/protocol.js';
import { roleToWire } from './roles.js';
import type { Room, RoomSettings, WaitingRoomMode } from './room.js';

import pb = schoolcall.v1;

export const MAX_PAGE = 200;
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Without a sort name from the school, the last word of the display name stands for the surname. */
export function defaultSortName(displayName: string): string {
  const words = displayName.trim().split(/\s+/);
  return words[words.length - 1] ?? displayName;
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

/** Breakout rooms as clients see them: names and who (present) is assigned where. */
export function breakoutsToWire(room: Room): pb.IBreakoutsChanged {
  const b = room.breakouts;
  const members = new Map<string, string[]>();
  for (const peer of room.peers.values()) {
    const id = b.assignments.get(peer.identity.userId);
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

export function compareBySortName(a: Peer, b: Peer): number {
  return (
    collator.compare(a.identity.sortName, b.identity.sortName) ||
    collator.compare(a.identity.displayName, b.identity.displayName) ||
    a.joinedAt - b.joinedAt
  );
}

export function roleCounts(room: Room): pb.IRoleCounts {
  const c = { hosts: 0, coHosts: 0, participants: 0, guests: 0, raisedHands: 0, waiting: room.waiting.size };
  for (const peer of room.peers.values()) {
    if (peer.identity.role === 'host') c.hosts++;
    else if (peer.identity.role === 'co-host') c.coHosts++;
    else if (peer.identity.role === 'participant') c.participants++;
    else c.guests++;
    if (peer.handRaisedAt) c.raisedHands++;
  }
  return c;
}

export interface RosterQuery {
  offset: number;
  limit: number;
  query: string;
  raisedHandsOnly: boolean;
}

export function listParticipants(room: Room, q: RosterQuery): pb.IParticipantPage {
  const needle = q.query.trim().toLocaleLowerCase();
  let matching = [...room.peers.values()].filter(
    (p) =>
      (!needle || p.identity.displayName.toLocaleLowerCase().includes(needle)) &&
      (!q.raisedHandsOnly || p.handRaisedAt),
  );
  // Raised hands are a queue: first up, first served. Everything else by surname.
  matching = q.raisedHandsOnly
    ? matching.sort((a, b) => a.handRaisedAt - b.handRaisedAt)
    : matching.sort(compareBySortName);
  const limit = Math.min(Math.max(q.limit || 50, 1), MAX_PAGE);
  return {
    participants: matching.slice(q.offset, q.offset + limit).map(participantToWire),
    total: matching.length,
    counts: roleCounts(room),
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
  };
}
