// Checks every lesson control makes before it changes anything: the caller's
// role, the target, and the size of lists in a request.
import type { Peer } from '../domain/peer.js';
import { isModerator, mayModerate } from '../domain/roles.js';
import type { Room } from '../domain/room.js';
import { ErrorCode, SignalingError, forbidden, invalid } from '../errors.js';

const MAX_IDS_PER_REQUEST = 2000;

export function requireModerator(peer: Peer): void {
  if (!isModerator(peer.identity.role)) throw forbidden('only hosts and co-hosts may do this');
}

export function requireHost(peer: Peer): void {
  if (peer.identity.role !== 'host') throw forbidden('only the host may do this');
}

/** A list of participant ids from a request, bounded. */
export function ids(list: string[] | null | undefined): string[] {
  const out = list ?? [];
  if (out.length > MAX_IDS_PER_REQUEST) throw invalid(`at most ${MAX_IDS_PER_REQUEST} participant ids`);
  return out;
}

/** A present participant; NOT_FOUND otherwise. */
export function presentPeer(room: Room, participantId: string | null | undefined): Peer {
  const target = room.peers.get(participantId ?? '');
  if (!target) throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'participant not found');
  return target;
}

/** A present participant this actor may moderate; NOT_FOUND or FORBIDDEN otherwise. */
export function moderatedPeer(room: Room, actor: Peer, participantId: string | null | undefined): Peer {
  const target = presentPeer(room, participantId);
  if (!mayModerate(actor.identity.role, target.identity.role)) {
    throw forbidden('co-hosts may not act on the host');
  }
  return target;
}

/** A participant present or waiting whom this actor may moderate; NOT_FOUND or FORBIDDEN otherwise. */
export function moderatedPeerOrWaiting(
  room: Room,
  actor: Peer,
  participantId: string | null | undefined,
): Peer {
  const waiting = room.waiting.get(participantId ?? '');
  if (waiting) return waiting;
  return moderatedPeer(room, actor, participantId);
}
