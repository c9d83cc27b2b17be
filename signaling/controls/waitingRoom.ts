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
    for (const w of chosen) await this.membership.admit(room, w);
    if (chosen.length) room.waitingRoomChanged();
    this.log.info({ room: room.id, by: peer.id, admitted: chosen.length }, 'admitted');
  }

  deny({ room, peer }: JoinedPeer, req: pb.IDenyRequest): void {
    requireModerator(peer);
    for (const w of waitingPeers(room, ids(req.participantIds))) {
      this.membership.remove(room, w);
      w.channel.close(pb.CloseReason.CLOSE_REASON_DENIED, 'the teacher did not let you in');
    }
  }
}

function waitingPeers(room: Room, participantIds: string[]): Peer[] {
  const found = participantIds.map((id) => room.waiting.get(id));
  if (found.some((p) => !p))
    throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'not in the waiting room');
  return found as Peer[];
}
