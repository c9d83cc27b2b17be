// What hosts and co-hosts do to run a lesson, and what participants do to
// take part: waiting room, roles, hands, reactions, attention, muting,
// removing people and ending the call. Every method checks the caller's role
// before it changes anything; the client only displays.
import { MAX_BREAKOUTS } from './breakouts.js';
import { ErrorCode, SignalingError } from './errors.js';
import type { Logger } from './log.js';
import type { ModeratedSource, Peer } from './peer.js';
import { schoolcall } from './protocol/generated/protocol.js';
import { isModerator, mayModerate, roleFromWire } from './roles.js';
import { MAIN, type Room } from './room.js';
import {
  type JoinedPeer,
  type RoomService,
  moderatedSource,
  sourceFromWire,
  sourceToWire,
} from './roomService.js';
import {
  MAX_PAGE,
  breakoutsToWire,
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
const MAX_BREAKOUT_SECONDS = 4 * 3600;

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
    this.rooms.participantChanged(room, peer);
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
    this.rooms.persistRoom(room);
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
      this.rooms.announceProducerState(room, target, p.producer);
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

  // ---- breakout rooms ------------------------------------------------------------

  private publishBreakouts(room: Room): void {
    this.rooms.publish(room, encodeEvent({ breakoutsChanged: breakoutsToWire(room) }));
  }

  createBreakouts({ room, peer }: JoinedPeer, req: pb.ICreateBreakoutsRequest): void {
    requireModerator(peer);
    if (room.breakouts.open) throw invalid('close the open breakout rooms first');
    const names = (req.names ?? []).map((n) => n.trim());
    const count = names.length || req.count || 0;
    if (count < 1 || count > MAX_BREAKOUTS) throw invalid(`between 1 and ${MAX_BREAKOUTS} breakout rooms`);
    if (names.some((n) => !n || n.length > 100)) throw invalid('breakout names are 1-100 characters');
    room.breakouts.create(names.length ? names : Array.from({ length: count }, (_, i) => `Room ${i + 1}`));
    this.log.info({ room: room.id, by: peer.id, count }, 'breakouts created');
    this.publishBreakouts(room);
  }

  async assignBreakouts({ room, peer }: JoinedPeer, req: pb.IAssignBreakoutsRequest): Promise<void> {
    requireModerator(peer);
    const b = room.breakouts;
    if (b.rooms.size === 0) throw invalid('create breakout rooms first');
    if (req.auto) {
      b.assignEvenly(
        [...room.peers.values()].filter((p) => !isModerator(p.identity.role)).map((p) => p.identity.userId),
      );
    }
    const assignments = (req.assignments ?? []).map((a) => {
      const target = room.peers.get(a.participantId ?? '');
      if (!target) throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'participant not found');
      const breakoutId = a.breakoutId ?? '';
      if (breakoutId && !b.rooms.has(breakoutId))
        throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no such breakout room');
      return { target, breakoutId };
    });
    if (assignments.length > MAX_IDS_PER_REQUEST) throw invalid(`at most ${MAX_IDS_PER_REQUEST} assignments`);
    for (const { target, breakoutId } of assignments) b.assign(target.identity.userId, breakoutId);
    // While open, an assignment is a move.
    if (b.open) await this.placeEveryone(room);
    this.publishBreakouts(room);
  }

  async openBreakouts({ room, peer }: JoinedPeer, req: pb.IOpenBreakoutsRequest): Promise<void> {
    requireModerator(peer);
    const b = room.breakouts;
    if (b.rooms.size === 0) throw invalid('create breakout rooms first');
    const seconds = req.durationSeconds ?? 0;
    if (seconds > MAX_BREAKOUT_SECONDS)
      throw invalid(`breakouts last at most ${MAX_BREAKOUT_SECONDS} seconds`);
    b.open = true;
    if (b.timer) clearTimeout(b.timer);
    b.timer = null;
    b.endsAt = seconds ? Date.now() + seconds * 1000 : 0;
    if (seconds) {
      b.timer = setTimeout(() => {
        void this.recall(room).catch((err) =>
          this.log.error({ room: room.id, err: String(err) }, 'recall failed'),
        );
      }, seconds * 1000);
      b.timer.unref();
    }
    this.log.info({ room: room.id, by: peer.id, seconds, rooms: b.rooms.size }, 'breakouts opened');
    await this.placeEveryone(room);
    this.publishBreakouts(room);
  }

  async closeBreakouts({ room, peer }: JoinedPeer): Promise<void> {
    requireModerator(peer);
    this.log.info({ room: room.id, by: peer.id }, 'breakouts closed');
    await this.recall(room);
  }

  /** Everyone back to the main room; the breakout rooms and their routers go. */
  private async recall(room: Room): Promise<void> {
    const ids = [...room.breakouts.rooms.keys()];
    room.breakouts.clear();
    for (const p of [...room.peers.values()]) {
      if (p.location !== MAIN) await this.rooms.moveTo(room, p, MAIN);
    }
    for (const id of ids) room.closeMedia(id);
    this.publishBreakouts(room);
  }

  /** Moves every non-moderator to where their assignment says. */
  private async placeEveryone(room: Room): Promise<void> {
    for (const p of [...room.peers.values()]) {
      if (isModerator(p.identity.role)) continue;
      await this.rooms.moveTo(room, p, room.breakouts.locationOf(p.identity.userId));
    }
  }

  broadcastToBreakouts({ room, peer }: JoinedPeer, req: pb.IBroadcastToBreakoutsRequest): void {
    requireModerator(peer);
    const message = (req.message ?? '').trim();
    if (!message || message.length > MAX_ATTENTION_MESSAGE) {
      throw invalid(`message is 1-${MAX_ATTENTION_MESSAGE} characters`);
    }
    this.rooms.publishFrom(
      room,
      peer,
      encodeEvent({
        attentionRequested: {
          fromParticipantId: peer.id,
          fromDisplayName: peer.identity.displayName,
          message,
          everyone: true,
        },
      }),
    );
  }

  /** A host or co-host visits a breakout room, or returns to the main room. */
  async moveTo({ room, peer }: JoinedPeer, req: pb.IMoveToRequest): Promise<void> {
    requireModerator(peer);
    const target = req.breakoutId ?? '';
    if (target && !room.breakouts.rooms.has(target)) {
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, 'no such breakout room');
    }
    if (target && !room.breakouts.open) throw invalid('breakout rooms are not open');
    await this.rooms.moveTo(room, peer, target);
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
