// Room operations on behalf of one peer: join, transports, produce, consume,
// leave. Each method checks ownership and permissions before it touches
// mediasoup, so a refused request changes nothing.
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { EdgeLinks } from '../sfu/edgeLinks.js';
import { LocalTransport, type MediaTransport } from '../sfu/mediaTransport.js';
import type { RoomMedia, TransportDirection } from '../sfu/roomMedia.js';
import { EdgeRequestError } from './cluster/hostBus.js';
import { ErrorCode, SignalingError } from './errors.js';
import type { Logger } from './log.js';
import { type ModeratedSource, Peer, type PeerIdentity } from './peer.js';
import { LARGE_ROOM, PresenceBatcher, prominent } from './presence.js';
import { schoolcall } from './protocol/generated/protocol.js';
import {
  type RtpCapabilities,
  type RtpParameters,
  WireValidationError,
  dtlsParametersFromWire,
  dtlsParametersToWire,
  iceCandidatesToWire,
  iceParametersToWire,
  mediaKindFromWire,
  mediaKindToWire,
  rtpCapabilitiesFromWire,
  rtpCapabilitiesToWire,
  rtpParametersFromWire,
  rtpParametersToWire,
} from './protocol/mediaWire.js';
import { type MediaSourceName, isModerator, mayProduce } from './roles.js';
import { MAIN, type MediaHooks, type Room, type RoomFanout, type RoomLocation } from './room.js';
import type { RoomRegistry } from './roomRegistry.js';
import {
  breakoutsToWire,
  compareBySortName,
  defaultSortName,
  participantToWire,
  roleCounts,
  settingsToWire,
} from './roster.js';
import type { TokenService } from './tokens.js';
import { encodeEvent } from './wire.js';

import pb = schoolcall.v1;

/** How a peer's connection is reached from room logic. */
export interface PeerChannel {
  /** The host this participant's connection is on, when it is not this one. */
  readonly edgeHost?: string;
  send(bytes: Uint8Array): void;
  /** Sends SessionClosed and closes the connection. */
  close(reason: pb.CloseReason, message: string): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Publishes to a topic, skipping this connection; false if it is closed. */
  publishExceptSelf(topic: string, bytes: Uint8Array): boolean;
}

export interface JoinedPeer {
  room: Room;
  peer: Peer;
}

const MAX_TRANSPORTS_PER_PEER = 4;
const EMPTY_ROOM_MEDIA_GRACE_MS = 15_000;
const JOIN_ROSTER_LIMIT = 200;
/** Reconnect tokens outlive a network drop comfortably; clients refresh them hourly. */
const SESSION_TOKEN_TTL_SECONDS = 4 * 3600;

const SOURCES: Record<number, { name: MediaSourceName; kind: 'audio' | 'video' }> = {
  [pb.MediaSource.MEDIA_SOURCE_MICROPHONE]: { name: 'microphone', kind: 'audio' },
  [pb.MediaSource.MEDIA_SOURCE_CAMERA]: { name: 'camera', kind: 'video' },
  [pb.MediaSource.MEDIA_SOURCE_SCREEN]: { name: 'screen', kind: 'video' },
  [pb.MediaSource.MEDIA_SOURCE_SCREEN_AUDIO]: { name: 'screen-audio', kind: 'audio' },
};

/** The source a host's mute applies to, if any: screen sharing is stopped, not muted. */
export function moderatedSource(source: MediaSourceName): ModeratedSource | null {
  return source === 'microphone' || source === 'camera' ? source : null;
}

export function sourceFromWire(source: pb.MediaSource | null | undefined): MediaSourceName | null {
  return SOURCES[source ?? 0]?.name ?? null;
}

export function sourceToWire(source: MediaSourceName): pb.MediaSource {
  for (const [num, s] of Object.entries(SOURCES)) if (s.name === source) return Number(num) as pb.MediaSource;
  return pb.MediaSource.MEDIA_SOURCE_UNSPECIFIED;
}

/**
 * Who a newcomer (or a resynchronised client) is told about up front: in a
 * large room only teachers and raised hands, as presence batches do;
 * otherwise the first by surname. The rest is in the paged list. Filters
 * before sorting: sorting everyone on every join of a 2000-person room costs
 * seconds of CPU over the room's joins.
 */
function rosterPreview(others: Peer[]): pb.IParticipant[] {
  const shown = others.length > LARGE_ROOM ? others.filter(prominent) : others;
  return shown.sort(compareBySortName).slice(0, JOIN_ROSTER_LIMIT).map(participantToWire);
}

export function roomTopic(roomId: string): string {
  return `room/${roomId}`;
}

/** Media events (producers, active speaker) of one location in a room. */
export function mediaTopic(roomId: string, location: RoomLocation): string {
  return `room/${roomId}/media/${location || 'main'}`;
}

/** Hosts and co-hosts of a room: waiting-room queue and other moderator-only events. */
export function moderatorTopic(roomId: string): string {
  return `room/${roomId}/moderators`;
}

function invalid(message: string): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}

function notFound(what: string): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, `${what} not found`);
}

/** Runs a wire decoder and turns its validation failures into INVALID_ARGUMENT. */
function fromWire<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof WireValidationError) throw invalid(err.message);
    throw err;
  }
}

/** mediasoup rejects bad parameters with TypeError; those are the client's fault. */
async function mediasoupCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (
      err instanceof TypeError ||
      (err instanceof Error && err.name === 'UnsupportedError') ||
      (err instanceof EdgeRequestError && err.clientError)
    ) {
      throw invalid(err.message);
    }
    throw err;
  }
}

function producerToWire(peer: Peer, producer: types.Producer, source: MediaSourceName): pb.IProducerInfo {
  return {
    producerId: producer.id,
    participantId: peer.id,
    displayName: peer.identity.displayName,
    kind: mediaKindToWire(producer.kind),
    source: sourceToWire(source),
    paused: producer.paused,
  };
}

export class RoomService {
  private readonly emptyTimers = new Map<string, NodeJS.Timeout>();
  private readonly presence = new PresenceBatcher((room, bytes) => this.publish(room, bytes));

  constructor(
    private readonly rooms: RoomRegistry,
    private readonly tokens: TokenService,
    private readonly fanout: RoomFanout,
    private readonly log: Logger,
    /** Multi-host: media of participants connected to other hosts. */
    private readonly edges: EdgeLinks | null = null,
  ) {}

  /** Tells the peer at once, and everyone else in the next presence batch. */
  participantChanged(room: Room, peer: Peer): void {
    peer.channel.send(encodeEvent({ participantUpdated: { participant: participantToWire(peer) } }));
    this.presence.updated(room, peer);
  }

  /** Sends an event caused by `peer` to everyone else in the room. */
  publishFrom(room: Room, peer: Peer, bytes: Uint8Array): void {
    if (!peer.channel.publishExceptSelf(roomTopic(room.id), bytes)) this.fanout.publish(room.id, bytes);
  }

  /** Saves a room's changed settings where rooms are kept (Redis on multi-host). */
  persistRoom(room: Room): void {
    this.rooms
      .persist(room)
      .catch((err) => this.log.error({ room: room.id, err: String(err) }, 'cannot save room'));
  }

  /** Sends an event to everyone in the room. */
  publish(room: Room, bytes: Uint8Array): void {
    this.fanout.publish(room.id, bytes);
  }

  /** Tells hosts and co-hosts who is waiting. */
  publishWaitingRoom(room: Room): void {
    const bytes = encodeEvent({
      waitingRoomChanged: { waiting: [...room.waiting.values()].map(participantToWire) },
    });
    this.fanout.publishTopic(moderatorTopic(room.id), bytes);
  }

  /** Keeps a peer's moderator-topic subscription in line with its role. */
  syncModeratorTopic(room: Room, peer: Peer): void {
    if (isModerator(peer.identity.role)) peer.channel.subscribe(moderatorTopic(room.id));
    else peer.channel.unsubscribe(moderatorTopic(room.id));
  }

  async mintSessionToken(room: Room, peer: Peer): Promise<pb.ISessionToken> {
    const { userId, displayName, role, sortName } = peer.identity;
    const { token, expiresAt } = await this.tokens.mint(
      { userId, displayName, role, roomId: room.id, sortName },
      SESSION_TOKEN_TTL_SECONDS,
    );
    return { token, expiresAt: expiresAt.getTime() };
  }

  // ---- membership ---------------------------------------------------------

  async join(
    req: pb.IJoinRequest,
    channel: PeerChannel,
    isOpen: () => boolean,
  ): Promise<{ joined: JoinedPeer; response: pb.IJoinResponse }> {
    const roomId = req.roomId ?? '';
    const token = req.token ?? '';
    if (!token) throw new SignalingError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'token is required');
    if (token.length > 4096) throw invalid('token is too long');
    const claims = await this.tokens.verify(token);
    if (claims.roomId !== roomId) {
      throw new SignalingError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'token is not for this room');
    }
    const room = await this.rooms.find(roomId);
    if (!room) throw new SignalingError(ErrorCode.ERROR_CODE_ROOM_NOT_FOUND, 'room not found');
    const moderator = isModerator(claims.role);
    if (room.bannedUserIds.has(claims.userId)) {
      throw new SignalingError(ErrorCode.ERROR_CODE_BANNED, 'you were removed from this lesson');
    }
    if (room.settings.locked && !moderator) {
      throw new SignalingError(ErrorCode.ERROR_CODE_ROOM_LOCKED, 'the lesson is locked by the teacher');
    }
    if (claims.role === 'guest' && !room.settings.guestsAllowed) {
      throw new SignalingError(ErrorCode.ERROR_CODE_FORBIDDEN, 'this lesson does not admit guests');
    }
    const previous = room.peerByUserId(claims.userId);
    if (!previous && room.peers.size + room.waiting.size >= room.definition.maxParticipants) {
      throw new SignalingError(ErrorCode.ERROR_CODE_ROOM_FULL, 'room is full');
    }
    const mode = room.settings.waitingRoom;
    const mustWait =
      !moderator &&
      !room.admittedUserIds.has(claims.userId) &&
      (mode === 'everyone' || (mode === 'guests' && claims.role === 'guest'));
    const location = room.breakouts.locationOf(claims.userId);
    if (!mustWait) await room.ensureMedia(location, this.mediaHooks(room));
    // The connection may have gone, or the room been deleted, while we awaited.
    if (!isOpen()) throw new SignalingError(ErrorCode.ERROR_CODE_INTERNAL, 'connection closed during join');
    if (this.rooms.get(roomId) !== room) {
      throw new SignalingError(ErrorCode.ERROR_CODE_ROOM_NOT_FOUND, 'room not found');
    }

    const stale = room.peerByUserId(claims.userId);
    if (stale) {
      this.removePeer(room, stale);
      stale.channel.close(pb.CloseReason.CLOSE_REASON_REPLACED, 'joined from another connection');
    }
    const identity: PeerIdentity = {
      participantId: randomUUID(),
      userId: claims.userId,
      displayName: claims.displayName.slice(0, 128),
      sortName: (claims.sortName ?? defaultSortName(claims.displayName)).slice(0, 128),
      role: claims.role,
    };
    const peer = new Peer(identity, channel);
    peer.location = location;
    const session = await this.mintSessionToken(room, peer);
    if (mustWait) {
      room.waiting.set(peer.id, peer);
      this.publishWaitingRoom(room);
      this.log.info({ room: room.id, participant: peer.id, user: identity.userId }, 'participant waiting');
      return {
        joined: { room, peer },
        response: {
          self: participantToWire(peer),
          roomTitle: room.definition.title,
          settings: settingsToWire(room.settings),
          waiting: true,
          session,
        },
      };
    }
    const response = this.enter(room, peer);
    return { joined: { room, peer }, response: { ...response, session } };
  }

  /** Lets a waiting participant in; tells them with an Admitted event. */
  async admit(room: Room, peer: Peer): Promise<void> {
    if (room.waiting.get(peer.id) !== peer) return;
    peer.location = room.breakouts.locationOf(peer.identity.userId);
    await room.ensureMedia(peer.location, this.mediaHooks(room));
    if (room.waiting.get(peer.id) !== peer) return;
    room.waiting.delete(peer.id);
    room.admittedUserIds.add(peer.identity.userId);
    const join = this.enter(room, peer);
    peer.channel.send(encodeEvent({ admitted: { join } }));
  }

  /** Puts a peer into the room proper and returns what it needs to start. */
  private enter(room: Room, peer: Peer): pb.IJoinResponse {
    const media = this.media(room, peer.location);
    this.cancelEmptyTimer(room.id);
    const others = [...room.peers.values()];
    room.peers.set(peer.id, peer);
    peer.channel.subscribe(roomTopic(room.id));
    peer.channel.subscribe(mediaTopic(room.id, peer.location));
    this.syncModeratorTopic(room, peer);
    this.presence.joined(room, peer);
    if (isModerator(peer.identity.role) && room.waiting.size > 0) {
      peer.channel.send(
        encodeEvent({ waitingRoomChanged: { waiting: [...room.waiting.values()].map(participantToWire) } }),
      );
    }
    if (room.breakouts.rooms.size > 0)
      peer.channel.send(encodeEvent({ breakoutsChanged: breakoutsToWire(room) }));
    this.sendSpeakers(room, peer);
    const producers = this.producersAt(room, peer.location);
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
    return {
      self: participantToWire(peer),
      roomTitle: room.definition.title,
      participants: rosterPreview(others),
      participantCount: room.peers.size,
      producers,
      routerRtpCapabilities: rtpCapabilitiesToWire(media.rtpCapabilities as RtpCapabilities),
      settings: settingsToWire(room.settings),
    };
  }

  /** The state a lagging client needs to catch up, without replaying what it missed. */
  resyncSnapshot({ room, peer }: JoinedPeer): pb.IResync {
    const others = [...room.peers.values()].filter((p) => p !== peer);
    return {
      self: participantToWire(peer),
      participantCount: room.peers.size,
      counts: roleCounts(room),
      settings: settingsToWire(room.settings),
      producers: this.producersAt(room, peer.location).filter((p) => p.participantId !== peer.id),
      breakouts: breakoutsToWire(room),
      participants: rosterPreview(others),
      waiting: isModerator(peer.identity.role) ? [...room.waiting.values()].map(participantToWire) : [],
    };
  }

  /** Tells a peer to set up media at its (new) location, with what it can consume there. */
  private sendMoved(room: Room, peer: Peer, media: RoomMedia, mediaRestart: boolean): void {
    const location = peer.location;
    peer.channel.send(
      encodeEvent({
        moved: {
          location,
          locationName: room.breakouts.rooms.get(location)?.name ?? room.definition.title,
          routerRtpCapabilities: rtpCapabilitiesToWire(media.rtpCapabilities as RtpCapabilities),
          producers: this.producersAt(room, location).filter((p) => p.participantId !== peer.id),
          mediaRestart,
        },
      }),
    );
  }

  private producersAt(room: Room, location: RoomLocation): pb.IProducerInfo[] {
    const out: pb.IProducerInfo[] = [];
    for (const p of room.producers(location)) out.push(producerToWire(p.peer, p.producer, p.source));
    return out;
  }

  /**
   * Moves a present peer to another location (breakout room or main room):
   * its media closes on the old router and it is told where it is now, with
   * what it can consume there. Roster state (hand, role) stays.
   */
  async moveTo(room: Room, peer: Peer, location: RoomLocation): Promise<void> {
    if (!room.isPresent(peer) || peer.location === location) return;
    await room.ensureMedia(location, this.mediaHooks(room));
    if (!room.isPresent(peer)) return;
    const from = peer.location;
    peer.closeMedia();
    peer.channel.unsubscribe(mediaTopic(room.id, from));
    peer.location = location;
    peer.channel.subscribe(mediaTopic(room.id, location));
    this.sendMoved(room, peer, this.media(room, location), false);
    this.sendSpeakers(room, peer);
    this.participantChanged(room, peer);
    this.log.info({ room: room.id, participant: peer.id, from, to: location }, 'participant moved');
    if (from !== MAIN && ![...room.peersAt(from)].length && !room.breakouts.rooms.has(from))
      room.closeMedia(from);
  }

  /** Removes a peer (present or waiting) and tells the others. Idempotent. */
  leave({ room, peer }: JoinedPeer): void {
    if (!room.isPresent(peer) && room.waiting.get(peer.id) !== peer) return;
    this.removePeer(room, peer);
    this.log.info({ room: room.id, participant: peer.id, size: room.peers.size }, 'participant left');
  }

  /** Takes a peer out of the room or the waiting queue; the caller closes its connection if needed. */
  removePeer(room: Room, peer: Peer): void {
    if (room.waiting.get(peer.id) === peer) {
      room.waiting.delete(peer.id);
      this.publishWaitingRoom(room);
      return;
    }
    if (!room.isPresent(peer)) return;
    room.peers.delete(peer.id);
    // Closing transports fires producer 'close', which announces removals.
    peer.closeMedia();
    peer.channel.unsubscribe(mediaTopic(room.id, peer.location));
    this.presence.left(room, peer);
    if (room.activeSpeakers.get(peer.location) === peer.id) room.activeSpeakers.delete(peer.location);
    if (room.peers.size === 0) this.startEmptyTimer(room);
  }

  /**
   * Ends the call for everyone present or waiting; the room stays for the next
   * call. The initiator's connection closes after its request is answered.
   */
  endCall(room: Room, reason: pb.CloseReason, message: string, initiator?: Peer): void {
    for (const peer of [...room.waiting.values(), ...room.peers.values()]) {
      this.removePeer(room, peer);
      if (peer === initiator) setImmediate(() => peer.channel.close(reason, message));
      else peer.channel.close(reason, message);
    }
    this.cancelEmptyTimer(room.id);
    room.closeMedia();
    room.resetCall();
  }

  /** Ends a room for everyone (admin delete). */
  closeRoom(room: Room): void {
    this.endCall(room, pb.CloseReason.CLOSE_REASON_ROOM_CLOSED, 'the room was closed');
  }

  private mediaHooks(room: Room): MediaHooks {
    return {
      onLost: (location, media) => this.onMediaLost(room, location, media),
      onDominantSpeaker: (location, participantId) => this.onDominantSpeaker(room, location, participantId),
      onSpeaking: (location, participantIds) => this.onSpeaking(room, location, participantIds),
      onConsumersLost: (location, transportIds) => this.onConsumersLost(room, location, transportIds),
    };
  }

  /**
   * The home worker of a location died. Everyone there stays in the call:
   * a new router is made on a live worker and each of them is told to set
   * up their transports again (the client does this without reloading).
   */
  private onMediaLost(room: Room, location: RoomLocation, media: RoomMedia): void {
    const affected = [...room.peersAt(location)];
    this.log.warn(
      { room: room.id, location, worker: media.workerIndex, peers: affected.length },
      'room media lost; rebuilding',
    );
    void this.reconnectMedia(room, location, affected);
  }

  /** A worker holding only receive transports died: only their owners set up again. */
  private onConsumersLost(room: Room, location: RoomLocation, transportIds: string[]): void {
    const lost = new Set(transportIds);
    const affected = [...room.peersAt(location)].filter((p) =>
      [...p.transports.keys()].some((id) => lost.has(id)),
    );
    this.log.warn({ room: room.id, location, peers: affected.length }, 'receive router lost; reconnecting');
    void this.reconnectMedia(room, location, affected);
  }

  /**
   * Closes what is left of these peers' media and sends each a Moved event
   * to the same location, with what there is to consume, so their clients
   * rebuild transports and produce again without leaving the call.
   */
  private async reconnectMedia(room: Room, location: RoomLocation, peers: Peer[]): Promise<void> {
    for (const peer of peers) peer.closeMedia();
    let media: RoomMedia;
    try {
      media = await room.ensureMedia(location, this.mediaHooks(room));
    } catch (err) {
      this.log.error({ room: room.id, location, err: String(err) }, 'cannot rebuild room media');
      for (const peer of peers) {
        this.removePeer(room, peer);
        peer.channel.close(pb.CloseReason.CLOSE_REASON_MEDIA_RESTART, 'media server restarted; rejoin');
      }
      return;
    }
    for (const peer of peers) {
      if (room.isPresent(peer) && peer.location === location) this.sendMoved(room, peer, media, true);
    }
  }

  private onDominantSpeaker(room: Room, location: RoomLocation, participantId: string): void {
    if (room.activeSpeakers.get(location) === participantId) return;
    room.activeSpeakers.set(location, participantId);
    this.fanout.publishTopic(
      mediaTopic(room.id, location),
      encodeEvent({ activeSpeakerChanged: { participantId } }),
    );
  }

  /** Tells a newcomer to a location who speaks there now; later changes come as events. */
  private sendSpeakers(room: Room, peer: Peer): void {
    const dominant = room.activeSpeakers.get(peer.location);
    if (dominant) peer.channel.send(encodeEvent({ activeSpeakerChanged: { participantId: dominant } }));
    const speaking = room.speaking.get(peer.location);
    if (speaking)
      peer.channel.send(encodeEvent({ speakingChanged: { participantIds: speaking.split(',') } }));
  }

  /** Announces who is audible, only when that set changes (levels arrive every interval). */
  private onSpeaking(room: Room, location: RoomLocation, participantIds: string[]): void {
    const key = [...participantIds].sort().join(',');
    if (room.speaking.get(location) === key) return;
    room.speaking.set(location, key);
    this.fanout.publishTopic(
      mediaTopic(room.id, location),
      encodeEvent({ speakingChanged: { participantIds } }),
    );
  }

  /** Sends a media event caused by `peer` to everyone else at the peer's location. */
  private publishMediaFrom(room: Room, peer: Peer, location: RoomLocation, bytes: Uint8Array): void {
    const topic = mediaTopic(room.id, location);
    if (!peer.channel.publishExceptSelf(topic, bytes)) this.fanout.publishTopic(topic, bytes);
  }

  private startEmptyTimer(room: Room): void {
    this.cancelEmptyTimer(room.id);
    const timer = setTimeout(() => {
      this.emptyTimers.delete(room.id);
      if (room.peers.size === 0) room.closeMedia();
    }, EMPTY_ROOM_MEDIA_GRACE_MS);
    timer.unref();
    this.emptyTimers.set(room.id, timer);
  }

  private cancelEmptyTimer(roomId: string): void {
    const t = this.emptyTimers.get(roomId);
    if (t) clearTimeout(t);
    this.emptyTimers.delete(roomId);
  }

  dispose(): void {
    this.presence.dispose();
    for (const t of this.emptyTimers.values()) clearTimeout(t);
    this.emptyTimers.clear();
  }

  // ---- media ----------------------------------------------------------------

  private media(room: Room, location: RoomLocation): RoomMedia {
    const media = room.mediaAt(location);
    if (!media) throw new SignalingError(ErrorCode.ERROR_CODE_INTERNAL, 'room media is not available');
    return media;
  }

  routerRtpCapabilities({ room, peer }: JoinedPeer): pb.IRtpCapabilities {
    return rtpCapabilitiesToWire(this.media(room, peer.location).rtpCapabilities as RtpCapabilities);
  }

  async createWebRtcTransport(
    { room, peer }: JoinedPeer,
    req: pb.ICreateWebRtcTransportRequest,
  ): Promise<pb.IWebRtcTransportInfo> {
    let direction: TransportDirection;
    if (req.direction === pb.TransportDirection.TRANSPORT_DIRECTION_SEND) direction = 'send';
    else if (req.direction === pb.TransportDirection.TRANSPORT_DIRECTION_RECV) direction = 'recv';
    else throw invalid('direction must be SEND or RECV');
    if (peer.transports.size >= MAX_TRANSPORTS_PER_PEER) {
      throw invalid(`at most ${MAX_TRANSPORTS_PER_PEER} transports per participant`);
    }
    const location = peer.location;
    const transport = await this.newTransport(room, peer, direction);
    if (room.peers.get(peer.id) !== peer) {
      transport.close();
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'left the room');
    }
    peer.transports.set(transport.id, { transport, direction, connected: false });
    transport.onClose((lost) => {
      peer.transports.delete(transport.id);
      // Its edge worker or host went away: this participant sets up media again.
      if (lost && room.isPresent(peer) && peer.location === location) {
        this.log.warn(
          { room: room.id, participant: peer.id, transport: transport.id },
          'edge transport lost',
        );
        void this.reconnectMedia(room, location, [peer]);
      }
    });
    const { info } = transport;
    return {
      transportId: transport.id,
      direction: req.direction,
      iceParameters: iceParametersToWire(info.iceParameters),
      iceCandidates: iceCandidatesToWire(info.iceCandidates),
      dtlsParameters: dtlsParametersToWire(info.dtlsParameters),
    };
  }

  /** A transport here, or on the edge host the participant is connected to. */
  private async newTransport(room: Room, peer: Peer, direction: TransportDirection): Promise<MediaTransport> {
    const media = this.media(room, peer.location);
    const edgeHost = peer.channel.edgeHost;
    if (edgeHost) {
      if (!this.edges) throw new SignalingError(ErrorCode.ERROR_CODE_INTERNAL, 'no inter-host media here');
      return this.edges.createTransport(media, room.id, edgeHost, direction, peer.id);
    }
    const transport = await media.createWebRtcTransport(direction, {
      roomId: room.id,
      participantId: peer.id,
    });
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        this.log.info({ room: room.id, participant: peer.id, transport: transport.id, state }, 'dtls ended');
      }
    });
    return new LocalTransport(transport, media);
  }

  private ownTransport(peer: Peer, transportId: string | null | undefined) {
    const t = peer.transports.get(transportId ?? '');
    if (!t) throw notFound('transport');
    return t;
  }

  async connectWebRtcTransport({ peer }: JoinedPeer, req: pb.IConnectWebRtcTransportRequest): Promise<void> {
    const t = this.ownTransport(peer, req.transportId);
    const dtlsParameters = fromWire(() => dtlsParametersFromWire(req.dtlsParameters));
    if (t.connected) throw invalid('transport is already connected');
    t.connected = true;
    try {
      await mediasoupCall(() => t.transport.connect(dtlsParameters as types.DtlsParameters));
    } catch (err) {
      t.connected = false;
      throw err;
    }
  }

  async restartIce({ peer }: JoinedPeer, req: pb.IRestartIceRequest): Promise<pb.IIceParameters> {
    const t = this.ownTransport(peer, req.transportId);
    return iceParametersToWire(await t.transport.restartIce());
  }

  async produce({ room, peer }: JoinedPeer, req: pb.IProduceRequest): Promise<pb.IProduceResponse> {
    const t = this.ownTransport(peer, req.transportId);
    if (t.direction !== 'send') throw invalid('transport is not a send transport');
    const kind = fromWire(() => mediaKindFromWire(req.kind));
    const source = SOURCES[req.source ?? 0];
    if (!source) throw invalid('source is required');
    if (source.kind !== kind) throw invalid(`source ${source.name} must be ${source.kind}`);
    if (!mayProduce(peer.identity.role, source.name, room.settings.participantsMayShareScreen)) {
      throw new SignalingError(
        ErrorCode.ERROR_CODE_FORBIDDEN,
        `role ${peer.identity.role} may not share ${source.name}`,
      );
    }
    if (peer.producerFor(source.name)) throw invalid(`already producing ${source.name}`);
    const moderated = moderatedSource(source.name);
    if (moderated && peer.blocked[moderated] && !req.paused) {
      throw new SignalingError(
        ErrorCode.ERROR_CODE_FORBIDDEN,
        `a host turned your ${moderated} off; start it paused and ask to speak`,
      );
    }
    if (source.name === 'screen' && room.screenShareCount() >= room.settings.maxScreenShares) {
      throw new SignalingError(
        ErrorCode.ERROR_CODE_FORBIDDEN,
        `at most ${room.settings.maxScreenShares} screen share(s) at once in this room`,
      );
    }
    const rtpParameters = fromWire(() => rtpParametersFromWire(req.rtpParameters));
    const producer = await mediasoupCall(() =>
      t.transport.produce({
        kind,
        rtpParameters: rtpParameters as types.RtpParameters,
        paused: Boolean(req.paused),
        appData: { participantId: peer.id, source: source.name },
      }),
    );
    if (room.peers.get(peer.id) !== peer || t.transport.closed) {
      producer.close();
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'left the room');
    }
    peer.producers.set(producer.id, { producer, source: source.name });
    if (source.name === 'microphone') {
      await this.media(room, peer.location)
        .watchSpeaker(producer.id)
        .catch((err) => this.log.warn({ err: String(err) }, 'cannot watch speaker'));
    }
    // Announced where it was produced, even if the peer has moved on since.
    const location = peer.location;
    producer.observer.once('close', () => {
      peer.producers.delete(producer.id);
      room.mediaAt(location)?.forgetProducer(producer.id);
      this.publishMediaFrom(
        room,
        peer,
        location,
        encodeEvent({ producerRemoved: { producerId: producer.id, participantId: peer.id } }),
      );
    });
    this.publishMediaFrom(
      room,
      peer,
      location,
      encodeEvent({ producerAdded: { producer: producerToWire(peer, producer, source.name) } }),
    );
    this.log.debug(
      { room: room.id, participant: peer.id, producer: producer.id, source: source.name },
      'produce',
    );
    return { producerId: producer.id };
  }

  closeProducer({ peer }: JoinedPeer, req: pb.ICloseProducerRequest): void {
    const p = peer.producers.get(req.producerId ?? '');
    if (!p) throw notFound('producer');
    p.producer.close();
  }

  async setProducerPaused({ room, peer }: JoinedPeer, req: pb.ISetProducerPausedRequest): Promise<void> {
    const p = peer.producers.get(req.producerId ?? '');
    if (!p) throw notFound('producer');
    const moderated = moderatedSource(p.source);
    if (!req.paused && moderated && peer.blocked[moderated]) {
      throw new SignalingError(
        ErrorCode.ERROR_CODE_FORBIDDEN,
        `a host turned your ${moderated} off; ask to speak`,
      );
    }
    if (req.paused) await p.producer.pause();
    else await p.producer.resume();
    this.announceProducerState(room, peer, p.producer);
  }

  /** Tells the others at the peer's location that a producer was paused or resumed. */
  announceProducerState(room: Room, peer: Peer, producer: types.Producer): void {
    this.publishMediaFrom(
      room,
      peer,
      peer.location,
      encodeEvent({ producerStateChanged: { producerId: producer.id, paused: producer.paused } }),
    );
  }

  async consume({ room, peer }: JoinedPeer, req: pb.IConsumeRequest): Promise<pb.IConsumeResponse> {
    const t = this.ownTransport(peer, req.transportId);
    if (t.direction !== 'recv') throw invalid('transport is not a receive transport');
    const entry = room.findProducer(req.producerId ?? '');
    if (!entry) throw notFound('producer');
    if (entry.peer === peer) throw invalid('cannot consume own producer');
    if (peer.hasConsumerOf(entry.producer.id)) throw invalid('already consuming this producer');
    const rtpCapabilities = fromWire(() => rtpCapabilitiesFromWire(req.rtpCapabilities));
    if (entry.peer.location !== peer.location) throw notFound('producer');
    const decodable = await t.transport.prepareConsume(
      entry.producer.id,
      rtpCapabilities as types.RtpCapabilities,
    );
    if (!decodable) throw invalid('the receiving device cannot decode this producer');
    if (entry.producer.closed) throw notFound('producer');
    const consumer = await mediasoupCall(() =>
      t.transport.consume({
        producerId: entry.producer.id,
        rtpCapabilities: rtpCapabilities as types.RtpCapabilities,
        paused: true,
        appData: { participantId: peer.id },
      }),
    );
    if (room.peers.get(peer.id) !== peer || t.transport.closed) {
      consumer.close();
      throw new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'left the room');
    }
    peer.consumers.set(consumer.id, consumer);
    consumer.once('close', () => peer.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      peer.consumers.delete(consumer.id);
      peer.channel.send(
        encodeEvent({ consumerClosed: { consumerId: consumer.id, producerId: entry.producer.id } }),
      );
    });
    const stateChanged = () =>
      peer.channel.send(
        encodeEvent({
          consumerStateChanged: { consumerId: consumer.id, producerPaused: consumer.producerPaused },
        }),
      );
    consumer.on('producerpause', stateChanged);
    consumer.on('producerresume', stateChanged);
    return {
      consumerId: consumer.id,
      producerId: entry.producer.id,
      participantId: entry.peer.id,
      kind: mediaKindToWire(consumer.kind),
      source: sourceToWire(entry.source),
      rtpParameters: rtpParametersToWire(consumer.rtpParameters as RtpParameters),
      paused: consumer.paused,
      producerPaused: consumer.producerPaused,
    };
  }

  async setConsumerPaused({ peer }: JoinedPeer, req: pb.ISetConsumerPausedRequest): Promise<void> {
    const c = peer.consumers.get(req.consumerId ?? '');
    if (!c) throw notFound('consumer');
    if (req.paused) await c.pause();
    else await c.resume();
  }
}
