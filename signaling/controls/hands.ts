// Raised hands (a queue ordered by when each went up) and reactions.
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { JoinedPeer } from '../domain/room.js';
import { ErrorCode, SignalingError, invalid } from '../errors.js';
import type { ClientFanout } from '../fanout/clientFanout.js';
import { ids, moderatedPeer, requireModerator } from './guards.js';

import pb = schoolcall.v1;

const REACTION_INTERVAL_MS = 500;

export class Hands {
  constructor(private readonly fanout: ClientFanout) {}

  raise({ room, peer }: JoinedPeer, req: pb.IRaiseHandRequest): void {
    const next = req.raised ? peer.handRaisedAt || Date.now() : 0;
    if (next === peer.handRaisedAt) return;
    peer.handRaisedAt = next;
    room.peerUpdated(peer);
  }

  lower({ room, peer }: JoinedPeer, req: pb.ILowerHandsRequest): void {
    requireModerator(peer);
    const targets = req.all
      ? [...room.peers.values()].filter((p) => p.handRaisedAt)
      : ids(req.participantIds).map((id) => moderatedPeer(room, peer, id));
    for (const t of targets) {
      if (!t.handRaisedAt) continue;
      t.handRaisedAt = 0;
      room.peerUpdated(t);
    }
  }

  react({ room, peer }: JoinedPeer, req: pb.ISendReactionRequest): void {
    const reaction = req.reaction ?? 0;
    if (!pb.Reaction[reaction] || reaction === pb.Reaction.REACTION_UNSPECIFIED)
      throw invalid('unknown reaction');
    const now = Date.now();
    if (now - peer.lastReactionAt < REACTION_INTERVAL_MS) {
      throw new SignalingError(ErrorCode.ERROR_CODE_RATE_LIMITED, 'one reaction at a time');
    }
    peer.lastReactionAt = now;
    this.fanout.toRoomExcept(room, peer, { reactionSent: { participantId: peer.id, reaction } });
  }
}
