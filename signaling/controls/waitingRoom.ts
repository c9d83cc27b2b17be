// The waiting room from the host's side: letting people in, or not.
import type { Logger } from '../../common/log.js';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { Membership } from '../call/membership.js';
import type { Peer } from '../domain/peer.js';
import type { JoinedPeer, Room } from '../domain/room.js';
import { ErrorCode, SignalingError } from '../errors.js';
import { ids, requireModerator } from './guards.js';

import pb = schoolcall.v1;

export class WaitingRoomControl {
  constructor(
    private readonly membership: Membership,
    private readonly log: Logger,
  ) {}

  async admit({ room, peer }: JoinedPeer, req: pb.IAdmitRequest): Promise<void> {
    requireModerator(peer);
    const chosen = req.all ? [...room.waiting.values()] : waitingPeers(room, ids(req.participantIds));
    // Waiting does not take a seat; entering does.
    if (room.peers.size + chosen.length > room.definition.maxParticipants) {
      throw new SignalingError(
        ErrorCode.ERROR_CODE_ROOM_FULL,
        `only ${Math.max(0, room.definition.maxParticipants - room.peers.size)} seat(s) left`,
      );
    }
    const admitted: Peer[] = [];
    for (const w of chosen) if (await this.membership.admit(room, w)) admitted.push(w);
    if (admitted.length) room.waitingRoomChanged(admitted);
    this.log.info({ room: room.id, by: peer.id, admitted: admitted.length }, 'admitted');
  }

  /** Sends waiting people away; with `ban`, they may not come back during this call. */
  deny({ room, peer }: JoinedPeer, req: pb.IDenyRequest): void {
    requireModerator(peer);
    for (const w of waitingPeers(room, ids(req.participantIds))) {
      if (req.ban) room.ban(w.identity);
      this.membership.remove(room, w);
      w.channel.close(
        req.ban ? pb.CloseReason.CLOSE_REASON_BANNED : pb.CloseReason.CLOSE_REASON_DENIED,
        req.ban ? 'the teacher removed you from this lesson' : 'the teacher did not let you in',
      );
    }
    if (req.ban) this.log.info({ room: room.id, by: peer.id }, 'waiting people banned');
  }
}

function waitingPeers(room: Room, participantIds: string[]): Peer[] {
  const found = participantIds.map((id) => room.waiting.get(id));
  if (found.some((p) => !p))
    throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'not in the waiting room');
  return found as Peer[];
}
