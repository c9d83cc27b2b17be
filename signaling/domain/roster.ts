// The participants list: sorting by surname, search, paging and counts by
// role. Works on the room's live state, so a page is always current; at 2000
// people a sort is well under a millisecond's work per hundred requests.
import type { Peer } from './peer.js';
import { isModerator } from './roles.js';
import type { Room } from './room.js';

export const MAX_PAGE = 200;
/** Rooms larger than this list only prominent people (teachers, raised hands) to everyone. */
export const LARGE_ROOM = 200;
const PREVIEW_LIMIT = 200;
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Without a sort name from the school, the last word of the display name stands for the surname. */
export function defaultSortName(displayName: string): string {
  const words = displayName.trim().split(/\s+/);
  return words[words.length - 1] ?? displayName;
}

export function compareBySortName(a: Peer, b: Peer): number {
  return (
    collator.compare(a.identity.sortName, b.identity.sortName) ||
    collator.compare(a.identity.displayName, b.identity.displayName) ||
    a.joinedAt - b.joinedAt
  );
}

/** Whether everyone in a large room should see this person individually. */
export function prominent(peer: Peer): boolean {
  return isModerator(peer.identity.role) || peer.handRaisedAt > 0 || peer.asksToSpeak;
}

/**
 * Who a newcomer (or a resynchronised client) is told about up front: in a
 * large room only prominent people, as presence batches do; otherwise the
 * first by surname. The rest is in the paged list. Filters before sorting:
 * sorting everyone on every join of a 2000-person room costs seconds of CPU
 * over the room's joins.
 */
export function rosterPreview(others: Peer[]): Peer[] {
  const shown = others.length > LARGE_ROOM ? others.filter(prominent) : others;
  return shown.sort(compareBySortName).slice(0, PREVIEW_LIMIT);
}

export interface RoleCounts {
  hosts: number;
  coHosts: number;
  participants: number;
  guests: number;
  raisedHands: number;
  waiting: number;
}

export function roleCounts(room: Room): RoleCounts {
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
  /** Only people at this location (the main room is ''); undefined for everyone. */
  location?: string | undefined;
}

export interface RosterPage {
  participants: Peer[];
  /** Matching the query, before paging. */
  total: number;
  counts: RoleCounts;
}

export function listParticipants(room: Room, q: RosterQuery): RosterPage {
  const needle = q.query.trim().toLocaleLowerCase();
  let matching = [...room.peers.values()].filter(
    (p) =>
      (!needle || p.identity.displayName.toLocaleLowerCase().includes(needle)) &&
      (!q.raisedHandsOnly || p.handRaisedAt) &&
      (q.location === undefined || p.location === q.location),
  );
  // Raised hands are a queue: first up, first served. Everything else by surname.
  matching = q.raisedHandsOnly
    ? matching.sort((a, b) => a.handRaisedAt - b.handRaisedAt)
    : matching.sort(compareBySortName);
  const limit = Math.min(Math.max(q.limit || 50, 1), MAX_PAGE);
  return {
    participants: matching.slice(q.offset, q.offset + limit),
    total: matching.length,
    counts: roleCounts(room),
  };
}
