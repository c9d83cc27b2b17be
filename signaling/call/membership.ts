// Who is in a call: joining with a token (straight in, or into the waiting
// room), being admitted, leaving, being removed, and the end of a call. Every
// check happens before anything changes, so a refused join changes nothing.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../common/log.js';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { Peer, type PeerChannel, type PeerIdentity } from '../domain/peer.js';
import { type RoleName, isModerator } from '../domain/roles.js';
import type { JoinedPeer, Room } from '../domain/room.js';
import type { RoomRegistry } from '../domain/roomRegistry.js';
import { defaultSortName } from '../domain/roster.js';
import { ErrorCode, SignalingError, invalid } from '../errors.js';
import { guestNameProblem, readsAsAnother } from '../security/displayNames.js';
import { type TokenService, tokenFitsRoom } from '../tokens.js';
import { encodeEvent } from '../wire/frames.js';
import { joinResponse, waitingResponse } from '../wire/snapshots.js';
import type { SessionTokens } from './sessionTokens.js';

import pb = schoolcall.v1;

const MAX_TOKEN_LENGTH = 4096;

export class Membership {
  /** Set while the server drains: lessons running here go on, none starts. */
  private newLessonsStopped = false;

  constructor(
    private readonly registry: RoomRegistry,
    private readonly tokens: TokenService,
    private readonly sessionTokens: SessionTokens,
    private readonly log: Logger,
  ) {}

  async join(
    req: pb.IJoinRequest,
    channel: PeerChannel,
    isOpen: () => boolean,
  ): Promise<{ joined: JoinedPeer; response: pb.IJoinResponse }> {
    const roomId = req.roomId ?? '';
    const token = req.token ?? '';
    if (!token) throw new SignalingError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'token is required');
    if (token.length > MAX_TOKEN_LENGTH) throw invalid('token is too long');
    const claims = await this.tokens.verify(token);
    if (claims.roomId !== roomId) {
      throw new SignalingError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'token is not for this room');
    }
    const room = await this.registry.find(roomId);
    if (!room) throw new SignalingError(ErrorCode.ERROR_CODE_ROOM_NOT_FOUND, 'room not found');
    if (this.newLessonsStopped && room.peers.size + room.waiting.size === 0) {
      throw new SignalingError(
        ErrorCode.ERROR_CODE_UNAVAILABLE,
        'this server is restarting; try again in a minute',
      );
    }
    if (!tokenFitsRoom(claims, room.definition)) {
      throw new SignalingError(
        ErrorCode.ERROR_CODE_UNAUTHENTICATED,
        'token is for an earlier room of this name',
      );
    }
    const role = roleInCall(room, claims.userId, claims.role);
    // The join routes' check again, here where the room's people are known for sure: all of
    // it for a name the guest chose (a token from the join routes names its admission).
    if (claims.role === 'guest') {
      const others = room.ownPeoplesNames(claims.userId);
      const problem =
        claims.admission !== undefined
          ? guestNameProblem(claims.displayName, others)
          : readsAsAnother(claims.displayName, others)
            ? 'name_of_another'
            : null;
      if (problem === 'name_of_another') {
        throw invalid('someone in this lesson already has this name; add something to yours');
      }
      if (problem) throw invalid('this name may not be used here; please use your own name');
    }
    const moderator = isModerator(role);
    if (
      room.bannedUserIds.has(claims.userId) ||
      room.admissionBanned(claims.admission, claims.userId) ||
      (claims.admission !== undefined && room.nameBanned(claims.displayName, claims.userId))
    ) {
      throw new SignalingError(ErrorCode.ERROR_CODE_BANNED, 'you were removed from this lesson');
    }
    if (room.settings.locked && !moderator) {
      throw new SignalingError(ErrorCode.ERROR_CODE_ROOM_LOCKED, 'the lesson is locked by the teacher');
    }
    if (role === 'guest' && !room.settings.guestsAllowed) {
      throw new SignalingError(ErrorCode.ERROR_CODE_FORBIDDEN, 'this lesson does not admit guests');
    }
    const mode = room.settings.waitingRoom;
    const mustWait =
      !moderator &&
      !room.admittedUserIds.has(claims.userId) &&
      (mode === 'everyone' || (mode === 'guests' && role === 'guest'));
    if (!room.peerByUserId(claims.userId)) this.checkRoomForOneMore(room, mustWait);
    const location = room.breakouts.locationOf(claims.userId);
    if (!mustWait) await room.ensureMedia(location);
    // The connection may have gone, or the room been deleted, while we awaited.
    if (!isOpen()) throw new SignalingError(ErrorCode.ERROR_CODE_INTERNAL, 'connection closed during join');
    if (this.registry.get(roomId) !== room) {
      throw new SignalingError(ErrorCode.ERROR_CODE_ROOM_NOT_FOUND, 'room not found');
    }

    const stale = room.peerByUserId(claims.userId);
    if (stale) {
      this.remove(room, stale);
      stale.channel.close(pb.CloseReason.CLOSE_REASON_REPLACED, 'joined from another connection');
    }
    const identity: PeerIdentity = {
      participantId: randomUUID(),
      userId: claims.userId,
      displayName: claims.displayName.slice(0, 128),
      sortName: (claims.sortName ?? defaultSortName(claims.displayName)).slice(0, 128),
      role,
      tokenRole: claims.role,
      ...(claims.sessionId ? { sessionId: claims.sessionId } : {}),
      ...(claims.admission ? { admission: claims.admission } : {}),
    };
    const peer = new Peer(identity, channel);
    peer.location = location;
    const session = await this.sessionTokens.mint(room, peer);
    if (mustWait) {
      room.addWaiting(peer);
      this.log.info({ room: room.id, participant: peer.id, user: identity.userId }, 'participant waiting');
      return { joined: { room, peer }, response: { ...waitingResponse(room, peer), session } };
    }
    const response = this.enter(room, peer, false);
    return { joined: { room, peer }, response: { ...response, session } };
  }

  /**
   * Seats are for people in the room; the waiting room has as many places
   * again, so a queue of strangers cannot keep the class out.
   */
  private checkRoomForOneMore(room: Room, waiting: boolean): void {
    const max = room.definition.maxParticipants;
    if (waiting && room.waiting.size >= max) {
      throw new SignalingError(
        ErrorCode.ERROR_CODE_WAITING_ROOM_FULL,
        'too many people are waiting; try again later',
      );
    }
    if (!waiting && room.peers.size >= max) {
      throw new SignalingError(ErrorCode.ERROR_CODE_ROOM_FULL, 'room is full');
    }
  }

  /** Lets a waiting participant in (false if they left meanwhile); tells them with an Admitted event. */
  async admit(room: Room, peer: Peer): Promise<boolean> {
    if (!room.isWaiting(peer)) return false;
    peer.location = room.breakouts.locationOf(peer.identity.userId);
    await room.ensureMedia(peer.location);
    if (!room.isWaiting(peer)) return false;
    const join = this.enter(room, peer, true);
    peer.channel.send(encodeEvent({ admitted: { join } }));
    return true;
  }

  /** Puts a peer into the room proper and returns what it needs to start. */
  private enter(room: Room, peer: Peer, admitted: boolean): pb.IJoinResponse {
    const media = room.mediaAt(peer.location);
    if (!media) throw new SignalingError(ErrorCode.ERROR_CODE_INTERNAL, 'room media is not available');
    const others = [...room.peers.values()];
    room.enter(peer, admitted);
    this.log.info(
      {
        room: room.id,
        participant: peer.id,
        user: peer.identity.userId,
        role: peer.identity.role,
        size: room.peers.size,
      },
      'participant joined',
    );
    return joinResponse(room, peer, others, media);
  }

  /** Takes a peer out (present or waiting) on its own request or when its connection closed. Idempotent. */
  leave({ room, peer }: JoinedPeer): void {
    if (!room.isPresent(peer) && !room.isWaiting(peer)) return;
    this.remove(room, peer);
    this.log.info({ room: room.id, participant: peer.id, size: room.peers.size }, 'participant left');
  }

  /** Takes a peer out of the room or the waiting queue; the caller closes its connection if needed. */
  remove(room: Room, peer: Peer): void {
    if (room.removeWaiting(peer)) return;
    room.leave(peer);
  }

  /**
   * Ends the call for everyone present or waiting; the room stays for the next
   * call. The initiator's connection closes after its request is answered.
   */
  endCall(room: Room, reason: pb.CloseReason, message: string, initiator?: Peer, handedOver = false): void {
    for (const peer of [...room.waiting.values(), ...room.peers.values()]) {
      this.remove(room, peer);
      if (peer === initiator) setImmediate(() => peer.channel.close(reason, message));
      else peer.channel.close(reason, message);
    }
    room.endCall(handedOver);
  }

  /**
   * Takes out, in every room of this host, the peers whose identity matches
   * (a person signed out or deactivated), closing their connections.
   */
  removeWhere(match: (identity: PeerIdentity) => boolean, reason: pb.CloseReason, message: string): number {
    let removed = 0;
    for (const room of this.registry.all()) {
      for (const peer of [...room.waiting.values(), ...room.peers.values()]) {
        if (!match(peer.identity)) continue;
        this.remove(room, peer);
        peer.channel.close(reason, message);
        removed++;
      }
    }
    return removed;
  }

  /** From now on only lessons already running here are joined (the server is draining). */
  stopNewLessons(): void {
    this.newLessonsStopped = true;
  }

  /** Ends a room for everyone (admin delete). */
  closeRoom(room: Room): void {
    this.endCall(room, pb.CloseReason.CLOSE_REASON_ROOM_CLOSED, 'the room was closed');
  }
}

/** A user's role in this call: what a host made of it here, else the token's (a host stays host). */
function roleInCall(room: Room, userId: string, tokenRole: RoleName): RoleName {
  if (tokenRole === 'host') return tokenRole;
  return room.roleGrants.get(userId) ?? tokenRole;
}
