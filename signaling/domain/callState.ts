// The state of a call beyond who is connected: who was let in, who was
// banned, roles hosts changed, raised hands, host blocks and asks to speak,
// and breakout rooms. Kept outside the home host's memory (in Redis when
// hosts share one), so that a host taking a room over after its home died
// carries on the same call instead of starting afresh.
import type { Breakout } from './breakouts.js';
import type { RoleName } from './roles.js';
import type { Room } from './room.js';

/** What one person had in the call, to give back when they rejoin. */
export interface PersonalState {
  handRaisedAt: number;
  microphoneBlocked: boolean;
  cameraBlocked: boolean;
  asksToSpeak: boolean;
}

export interface CallStateSnapshot {
  /** The room instance it belongs to: never applied to a new room with the same id. */
  instance: string;
  savedAt: number;
  admitted: string[];
  banned: string[];
  /** Room.bannedAdmissions: admission, spared user ids (absent in states saved before it). */
  bannedAdmissions?: [string, string[]][];
  /** Room.bannedNames: look key, spared user ids (absent in states saved before it). */
  bannedNames?: [string, string[]][];
  roleGrants: [string, RoleName][];
  /** By user id; only people with something to give back. */
  people: Record<string, PersonalState>;
  breakouts: { rooms: Breakout[]; assignments: [string, string][]; open: boolean; endsAt: number };
}

/** Where call state is kept between hosts. */
export interface CallStateStore {
  saveCallState(roomId: string, state: CallStateSnapshot): Promise<void>;
  loadCallState(roomId: string): Promise<CallStateSnapshot | null>;
  deleteCallState(roomId: string): Promise<void>;
}

function hasSomething(p: PersonalState): boolean {
  return p.handRaisedAt > 0 || p.microphoneBlocked || p.cameraBlocked || p.asksToSpeak;
}

/**
 * The call's state now. `notBack` holds what people who have not rejoined
 * since a takeover had, so a second takeover keeps it too.
 */
export function snapshotCall(room: Room, notBack: ReadonlyMap<string, PersonalState>): CallStateSnapshot {
  const people: Record<string, PersonalState> = Object.fromEntries(notBack);
  for (const peer of [...room.peers.values(), ...room.waiting.values()]) {
    const state: PersonalState = {
      handRaisedAt: peer.handRaisedAt,
      microphoneBlocked: peer.blocked.microphone,
      cameraBlocked: peer.blocked.camera,
      asksToSpeak: peer.asksToSpeak,
    };
    if (hasSomething(state)) people[peer.identity.userId] = state;
    else delete people[peer.identity.userId];
  }
  const b = room.breakouts;
  return {
    instance: room.definition.instance,
    savedAt: Date.now(),
    admitted: [...room.admittedUserIds],
    banned: [...room.bannedUserIds],
    bannedAdmissions: [...room.bannedAdmissions].map(([a, spared]) => [a, [...spared]]),
    bannedNames: [...room.bannedNames].map(([k, spared]) => [k, [...spared]]),
    roleGrants: [...room.roleGrants],
    people,
    breakouts: {
      rooms: [...b.rooms.values()],
      assignments: [...b.assignments],
      open: b.open,
      endsAt: b.endsAt,
    },
  };
}

/**
 * Puts a saved call back into an idle room (nobody present or waiting);
 * returns what each person had, to give back as they rejoin.
 */
export function restoreCall(room: Room, saved: CallStateSnapshot): Map<string, PersonalState> {
  // What this host still remembers of the room is older than what was saved.
  room.admittedUserIds.clear();
  room.bannedUserIds.clear();
  room.bannedAdmissions.clear();
  room.bannedNames.clear();
  room.roleGrants.clear();
  for (const id of saved.admitted) room.admittedUserIds.add(id);
  for (const id of saved.banned) room.bannedUserIds.add(id);
  for (const [a, spared] of saved.bannedAdmissions ?? []) room.bannedAdmissions.set(a, new Set(spared));
  for (const [k, spared] of saved.bannedNames ?? []) room.bannedNames.set(k, new Set(spared));
  for (const [id, role] of saved.roleGrants) room.roleGrants.set(id, role);
  const b = room.breakouts;
  b.clear();
  for (const r of saved.breakouts.rooms) b.rooms.set(r.id, r);
  for (const [userId, id] of saved.breakouts.assignments) b.assignments.set(userId, id);
  b.open = saved.breakouts.open;
  b.endsAt = saved.breakouts.endsAt;
  return new Map(Object.entries(saved.people));
}
