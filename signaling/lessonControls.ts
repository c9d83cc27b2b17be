// What hosts and co-hosts do to run a lesson, and what participants do to
// take part: waiting room, roles, hands, reactions, attention, muting,
// removing people and ending the call. Every method checks the caller's role
// before it changes anything; the client only displays.
import { ErrorCode, SignalingError } from './errors.js';
import type { Logger } from './log.js';
import type { ModeratedSource, Peer } from './peer.js';
import { schoolcall } from './protocol/generated/protocol.js';
import { isModerator, mayModerate, roleFromWire } from './roles.js';
import type { Room } from './room.js';
import {
  type JoinedPeer,
  type RoomService,
  moderatedSource,
  sourceFromWire,
  sourceToWire,
} from './roomService.js';
import {
  MAX_PAGE,
  listParticipants,
  participantToWire,
  settingsToWire,
  waitingModeFromWire,
} from './roster.js';
import { encodeEvent } from './wire.js';

import pb = schoolcall.v1;

const MAX_IDS_PER_REQUEST = 2000;
const MAX_ATTENTION_MESSAGE = 200;
const MAX_QUERY = 100;
const MAX_SCREEN_SHARES = 16;
const REACTION_INTERVAL_MS = 500;

function forbidden(message: string): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_FORBIDDEN, message);
}

function invalid(message: string): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}

function requireModerator(peer: Peer): void {
  if (!isModerator(peer.identity.role)) throw forbidden('only hosts and co-hosts may do this');
}

function requireHost(peer: Peer): void {
  if (peer.identity.role !== 'host') throw forbidden('only the host may do this');
}

function ids(list: string[] | null | undefined): string[] {
  const out = list ?? [];
  if (out.length > MAX_IDS_PER_REQUEST) throw invalid(`at most ${MAX_IDS_PER_REQUEST} participant ids`);
  return out;
}

export class LessonControls {
  constructor(
    private readonly rooms: RoomService,
    private readonly log: Logger,
  ) {}

  private updated(room: Room, peer: Peer): void {
    this.rooms.publish(room, encodeEvent({ participantUpdated: { participant: participantToWire(peer) } }));
  }

  /** A present participant this actor may moderate; NOT_FOUND or FORBIDDEN otherwise. */
  private target(room: Room, actor: Peer, participantId: string | null | undefined): Peer {
    const target = room.peers.get(participantId ?? '');
    if (!target) throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'participant not found');
    if (!mayModerate(actor.identity.role, target.identity.role)) {
      throw forbidden('co-hosts may not act on the host');
    }
    return target;
  }

  // ---- room settings and waiting room ---------------------------------------

  updateSettings({ room, peer }: JoinedPeer, req: pb.IUpdateRoomSettingsRequest): void {
    requireModerator(peer);
    const next = { ...room.settings };
    if (req.waitingRoom != null) {
      const mode = waitingModeFromWire(req.waitingRoom);
      if (!mode) throw invalid('unknown waiting room mode');
      next.waitingRoom = mode;
    }
    if (req.maxScreenShares != null) {
      if (req.maxScreenShares > MAX_SCREEN_SHARES)
        throw invalid(`maxScreenShares is at most ${MAX_SCREEN_SHARES}`);
      next.maxScreenShares = req.maxScreenShares;
    }
    if (req.locked != null) next.locked = req.locked;
    if (req.guestsAllowed != null) next.guestsAllowed = req.guestsAllowed;
    if (req.selfUnmuteAllowed != null) next.selfUnmuteAllowed = req.selfUnmuteAllowed;
    if (req.participantsMayShareScreen != null)
      next.participantsMayShareScreen = req.participantsMayShareScreen;
    room.settings = next;
    this.log.info({ room: room.id, by: peer.id, settings: next }, 'room settings changed');
    this.rooms.publish(room, encodeEvent({ roomSettingsChanged: { settings: settingsToWire(next) } }));
  }

  async admit({ room, peer }: JoinedPeer, req: pb.IAdmitRequest): Promise<void> {
    requireModerator(peer);
    const chosen = req.all ? [...room.waiting.values()] : this.waitingPeers(room, ids(req.participantIds));
    for (const w of chosen) await this.rooms.admit(room, w);
    if (chosen.length) this.rooms.publishWaitingRoom(room);
    this.log.info({ room: room.id, by: peer.id, admitted: chosen.length }, 'admitted');
  }

  deny({ room, peer }: JoinedPeer, req: pb.IDenyRequest): void {
    requireModerator(peer);
    for (const w of this.waitingPeers(room, ids(req.participantIds))) {
      this.rooms.removePeer(room, w);
      w.channel.close(pb.CloseReason.CLOSE_REASON_DENIED, 'the teacher did not let you in');
    }
  }

  private waitingPeers(room: Room, participantIds: string[]): Peer[] {
    const found = participantIds.map((id) => room.waiting.get(id));
    if (found.some((p) => !p))
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'not in the waiting room');
    return found as Peer[];
  }

  // ---- roles --------------------------------------------------------------------

  setRole({ room, peer }: JoinedPeer, req: pb.ISetRoleRequest): void {
    requireHost(peer);
    const role = roleFromWire(req.role);
    if (role !== 'co-host' && role !== 'participant') throw invalid('role must be co-host or participant');
    const target = room.peers.get(req.participantId ?? '');
    if (!target) throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'participant not found');
    if (target.identity.role === 'host') throw forbidden('the host’s role cannot be changed');
    target.identity.role = role;
    this.rooms.syncModeratorTopic(room, target);
    if (role === 'co-host' && room.waiting.size > 0) {
      target.channel.send(
        encodeEvent({ waitingRoomChanged: { waiting: [...room.waiting.values()].map(participantToWire) } }),
      );
    }
    this.log.info({ room: room.id, by: peer.id, target: target.id, role }, 'role changed');
    this.updated(room, target);
  }

  // ---- hands, reactions, attention -------------------------------------------

  raiseHand({ room, peer }: JoinedPeer, req: pb.IRaiseHandRequest): void {
    const next = req.raised ? peer.handRaisedAt || Date.now() : 0;
    if (next === peer.handRaisedAt) return;
    peer.handRaisedAt = next;
    this.updated(room, peer);
  }

  lowerHands({ room, peer }: JoinedPeer, req: pb.ILowerHandsRequest): void {
    requireModerator(peer);
    const targets = req.all
      ? [...room.peers.values()].filter((p) => p.handRaisedAt)
      : ids(req.participantIds).map((id) => this.target(room, peer, id));
    for (const t of targets) {
      if (!t.handRaisedAt) continue;
      t.handRaisedAt = 0;
      this.updated(room, t);
    }
  }

  sendReaction({ room, peer }: JoinedPeer, req: pb.ISendReactionRequest): void {
    const reaction = req.reaction ?? 0;
    if (!pb.Reaction[reaction] || reaction === pb.Reaction.REACTION_UNSPECIFIED)
      throw invalid('unknown reaction');
    const now = Date.now();
    if (now - peer.lastReactionAt < REACTION_INTERVAL_MS) {
      throw new SignalingError(ErrorCode.ERROR_CODE_RATE_LIMITED, 'one reaction at a time');
    }
    peer.lastReactionAt = now;
    this.rooms.publishFrom(room, peer, encodeEvent({ reactionSent: { participantId: peer.id, reaction } }));
  }

  attractAttention({ room, peer }: JoinedPeer, req: pb.IAttractAttentionRequest): void {
    requireModerator(peer);
    const message = (req.message ?? '').trim();
    if (message.length > MAX_ATTENTION_MESSAGE)
      throw invalid(`message is longer than ${MAX_ATTENTION_MESSAGE}`);
    const event = (everyone: boolean) =>
      encodeEvent({
        attentionRequested: {
          fromParticipantId: peer.id,
          fromDisplayName: peer.identity.displayName,
          message,
          everyone,
        },
      });
    if (!req.participantId) {
      this.rooms.publishFrom(room, peer, event(true));
      return;
    }
    const target = room.peers.get(req.participantId);
    if (!target) throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'participant not found');
    target.channel.send(event(false));
  }

  // ---- muting -------------------------------------------------------------------

  async mute({ room, peer }: JoinedPeer, req: pb.IMuteRequest): Promise<void> {
    requireModerator(peer);
    const name = sourceFromWire(req.source);
    const source = name ? moderatedSource(name) : null;
    if (!source) throw invalid('source must be microphone or camera');
    const targets = req.all
      ? [...room.peers.values()].filter((p) => p !== peer && !isModerator(p.identity.role))
      : ids(req.participantIds).map((id) => this.target(room, peer, id));
    const block = Boolean(req.block) || !room.settings.selfUnmuteAllowed;
    for (const t of targets) await this.muteOne(room, t, source, block);
    this.log.info({ room: room.id, by: peer.id, source, block, count: targets.length }, 'muted');
  }

  private async muteOne(room: Room, target: Peer, source: ModeratedSource, block: boolean): Promise<void> {
    const p = target.producerFor(source);
    if (p && !p.producer.paused) {
      await p.producer.pause();
      this.rooms.publishFrom(
        room,
        target,
        encodeEvent({ producerStateChanged: { producerId: p.producer.id, paused: true } }),
      );
    }
    target.channel.send(encodeEvent({ mutedByHost: { source: sourceToWire(source), blocked: block } }));
    if (target.blocked[source] !== block) {
      target.blocked[source] = block;
      this.updated(room, target);
    }
  }

  askToSpeak({ room, peer }: JoinedPeer, req: pb.IAskToSpeakRequest): void {
    const asking = Boolean(req.asking);
    if (peer.asksToSpeak === asking) return;
    peer.asksToSpeak = asking;
    this.updated(room, peer);
  }

  allowToSpeak({ room, peer }: JoinedPeer, req: pb.IAllowToSpeakRequest): void {
    requireModerator(peer);
    const target = this.target(room, peer, req.participantId);
    const name = sourceFromWire(req.source) ?? 'microphone';
    const source = moderatedSource(name);
    if (!source) throw invalid('source must be microphone or camera');
    target.blocked[source] = false;
    if (source === 'microphone') target.asksToSpeak = false;
    this.updated(room, target);
  }

  // ---- removing people and ending the call ----------------------------------

  removeParticipant({ room, peer }: JoinedPeer, req: pb.IRemoveParticipantRequest): void {
    requireModerator(peer);
    const target = this.target(room, peer, req.participantId);
    if (target === peer) throw invalid('use leave to leave');
    if (req.ban) room.bannedUserIds.add(target.identity.userId);
    this.rooms.removePeer(room, target);
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
    this.rooms.endCall(room, pb.CloseReason.CLOSE_REASON_CALL_ENDED, 'the teacher ended the lesson', peer);
  }

  // ---- roster and session -----------------------------------------------------

  listParticipants({ room }: JoinedPeer, req: pb.IListParticipantsRequest): pb.IParticipantPage {
    const query = req.query ?? '';
    if (query.length > MAX_QUERY) throw invalid(`query is longer than ${MAX_QUERY}`);
    if ((req.limit ?? 0) > MAX_PAGE) throw invalid(`limit is at most ${MAX_PAGE}`);
    return listParticipants(room, {
      offset: req.offset ?? 0,
      limit: req.limit ?? 0,
      query,
      raisedHandsOnly: Boolean(req.raisedHandsOnly),
    });
  }

  refreshSession({ room, peer }: JoinedPeer): Promise<pb.ISessionToken> {
    return this.rooms.mintSessionToken(room, peer);
  }
}
