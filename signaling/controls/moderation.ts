// What hosts and co-hosts do to people: roles, muting (with or without
// letting them unmute), asking and allowing to speak, "attention", removing
// and banning, and ending the call. The client only displays.
import type { Logger } from '../../common/log.js';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { Membership } from '../call/membership.js';
import type { Peer } from '../domain/peer.js';
import { type ModeratedSource, isModerator, moderatedSource, silencedBy } from '../domain/roles.js';
import type { JoinedPeer, Room } from '../domain/room.js';
import { forbidden, invalid } from '../errors.js';
import type { ClientFanout } from '../fanout/clientFanout.js';
import { encodeEvent } from '../wire/frames.js';
import { sourceFromWire, sourceToWire } from '../wire/mediaWire.js';
import { roleFromWire } from '../wire/roomWire.js';
import {
  ids,
  moderatedPeer,
  moderatedPeerOrWaiting,
  presentPeer,
  requireHost,
  requireModerator,
} from './guards.js';

import pb = schoolcall.v1;

export const MAX_ATTENTION_MESSAGE = 200;

export class Moderation {
  constructor(
    private readonly membership: Membership,
    private readonly fanout: ClientFanout,
    private readonly log: Logger,
  ) {}

  setRole({ room, peer }: JoinedPeer, req: pb.ISetRoleRequest): void {
    requireHost(peer);
    const role = roleFromWire(req.role);
    if (role !== 'co-host' && role !== 'participant') throw invalid('role must be co-host or participant');
    const target = presentPeer(room, req.participantId);
    if (target.identity.role === 'host') throw forbidden('the host’s role cannot be changed');
    this.log.info({ room: room.id, by: peer.id, target: target.id, role }, 'role changed');
    room.setRole(target, role);
  }

  async mute({ room, peer }: JoinedPeer, req: pb.IMuteRequest): Promise<void> {
    requireModerator(peer);
    const name = sourceFromWire(req.source);
    const source = name ? moderatedSource(name) : null;
    if (!source) throw invalid('source must be microphone or camera');
    const targets = req.all
      ? [...room.peers.values()].filter((p) => p !== peer && !isModerator(p.identity.role))
      : ids(req.participantIds).map((id) => moderatedPeer(room, peer, id));
    const block = Boolean(req.block) || !room.settings.selfUnmuteAllowed;
    for (const t of targets) await this.muteOne(room, t, source, block);
    this.log.info({ room: room.id, by: peer.id, source, block, count: targets.length }, 'muted');
  }

  /** Mutes; a mute never lifts a block already there (only allowToSpeak does). */
  private async muteOne(room: Room, target: Peer, source: ModeratedSource, block: boolean): Promise<void> {
    // The microphone and screen audio alike, for a microphone mute.
    for (const p of [...target.producers.values()]) {
      if (silencedBy(p.source) !== source || p.producer.paused) continue;
      await p.producer.pause();
      room.producerStateChanged(target, p.producer);
    }
    const blocked = block || target.blocked[source];
    target.channel.send(encodeEvent({ mutedByHost: { source: sourceToWire(source), blocked } }));
    if (target.blocked[source] !== blocked) {
      target.blocked[source] = blocked;
      room.peerUpdated(target);
    }
  }

  askToSpeak({ room, peer }: JoinedPeer, req: pb.IAskToSpeakRequest): void {
    const asking = Boolean(req.asking);
    if (peer.asksToSpeak === asking) return;
    peer.asksToSpeak = asking;
    room.peerUpdated(peer);
  }

  allowToSpeak({ room, peer }: JoinedPeer, req: pb.IAllowToSpeakRequest): void {
    requireModerator(peer);
    const target = moderatedPeer(room, peer, req.participantId);
    const name = sourceFromWire(req.source) ?? 'microphone';
    const source = moderatedSource(name);
    if (!source) throw invalid('source must be microphone or camera');
    target.blocked[source] = false;
    if (source === 'microphone') target.asksToSpeak = false;
    room.peerUpdated(target);
    // The pupil's own cue: which source, and who allowed it.
    target.channel.send(
      encodeEvent({
        allowedByHost: { source: sourceToWire(source), fromDisplayName: peer.identity.displayName },
      }),
    );
  }

  attractAttention({ room, peer }: JoinedPeer, req: pb.IAttractAttentionRequest): void {
    requireModerator(peer);
    const message = (req.message ?? '').trim();
    if (message.length > MAX_ATTENTION_MESSAGE)
      throw invalid(`message is longer than ${MAX_ATTENTION_MESSAGE}`);
    if (!req.participantId) {
      this.fanout.toRoomExcept(room, peer, attention(peer, message, true));
      return;
    }
    const target = presentPeer(room, req.participantId);
    target.channel.send(encodeEvent(attention(peer, message, false)));
  }

  /** Removes someone present or waiting; with `ban`, they may not come back during this call. */
  removeParticipant({ room, peer }: JoinedPeer, req: pb.IRemoveParticipantRequest): void {
    requireModerator(peer);
    const target = moderatedPeerOrWaiting(room, peer, req.participantId);
    if (target === peer) throw invalid('use leave to leave');
    if (req.ban) room.ban(target.identity);
    this.membership.remove(room, target);
    target.channel.close(
      req.ban ? pb.CloseReason.CLOSE_REASON_BANNED : pb.CloseReason.CLOSE_REASON_REMOVED,
      req.ban ? 'the teacher removed you from this lesson' : 'the teacher removed you; you may rejoin',
    );
    this.log.info(
      { room: room.id, by: peer.id, target: target.id, ban: Boolean(req.ban) },
      'participant removed',
    );
  }

  endCall({ room, peer }: JoinedPeer): void {
    requireHost(peer);
    this.log.info({ room: room.id, by: peer.id, size: room.peers.size }, 'call ended by host');
    this.membership.endCall(
      room,
      pb.CloseReason.CLOSE_REASON_CALL_ENDED,
      'the teacher ended the lesson',
      peer,
    );
  }
}

/** "Attention!" from a host: to one participant, or to everyone. */
export function attention(from: Peer, message: string, everyone: boolean): pb.IEvent {
  return {
    attentionRequested: {
      fromParticipantId: from.id,
      fromDisplayName: from.identity.displayName,
      message,
      everyone,
    },
  };
}
