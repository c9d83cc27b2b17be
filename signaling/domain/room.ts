// A room: its definition and settings, who is in it and who waits, breakout
// rooms, and its media (one router per location). Every change to who is
// where, to producers, speakers and settings goes through a method here that
// tells the room's listeners (roomEvents.ts) once the state has changed.
import type { types } from 'mediasoup';
import { lookKeys, readsAsKey } from '../../common/nameLook.js';
import { DEFAULT_ROOM_MEDIA_OPTIONS, RoomMedia, type RoomMediaOptions } from '../../sfu/roomMedia.js';
import type { WorkerPool } from '../../sfu/workerPool.js';
import { Breakouts } from './breakouts.js';
import type { Peer } from './peer.js';
import { type MediaSourceName, type RoleName, isModerator } from './roles.js';
import {
  DEFAULT_ROOM_SETTINGS,
  type RoomDefinition,
  type RoomLocation,
  type RoomSettings,
} from './roomDefinition.js';
import { type ListenerErrorSink, RoomEvents } from './roomEvents.js';

/** A peer and the room it belongs to: what a joined connection holds. */
export interface JoinedPeer {
  room: Room;
  peer: Peer;
}

export interface ProducerEntry {
  producer: types.Producer;
  peer: Peer;
  source: MediaSourceName;
}

export class Room {
  readonly peers = new Map<string, Peer>();
  /** People waiting to be admitted, oldest first (Map keeps insertion order). */
  readonly waiting = new Map<string, Peer>();
  /** Users let in once during this call; they skip the waiting room on reconnect. */
  readonly admittedUserIds = new Set<string>();
  /** Users removed with a ban; refused until the call ends. */
  readonly bannedUserIds = new Set<string>();
  /**
   * Admissions (where a self-service token was asked from) of people banned
   * in this call, each with the users of that admission who were in the
   * call when the ban came (a second parent at the same home): nobody else
   * gets in through it until the call ends.
   */
  readonly bannedAdmissions = new Map<string, Set<string>>();
  /**
   * The self-chosen names (their `lookKeys`) of guests banned in this call,
   * each with the users present under a name that reads the same when the
   * ban came: nobody else gets in under such a name, from any address, until
   * the call ends.
   */
  readonly bannedNames = new Map<string, Set<string>>();
  /**
   * Roles hosts gave or took during this call, by user. They outrank the role
   * in any token (a demoted co-host reconnecting with an old token comes back
   * demoted) and are forgotten when the call ends.
   */
  readonly roleGrants = new Map<string, RoleName>();
  settings: RoomSettings;
  /** Dominant speaker per location. */
  readonly activeSpeakers = new Map<RoomLocation, string>();
  /** Who is audible per location, as last announced (sorted, joined). */
  readonly speaking = new Map<RoomLocation, string>();
  readonly breakouts = new Breakouts();
  readonly events: RoomEvents;
  /** Live producers by id, and peers present or waiting by user id: joins and consumes look up here, not through everyone. */
  // The school's own people who hosted this call (host or co-host), by user
  // id, kept after they leave: a broadcast or the call goes on without them,
  // and a guest or a viewer's comment may not take their name meanwhile.
  private readonly hostsSeen = new Map<string, string>();
  private readonly producerIndex = new Map<string, ProducerEntry & { location: RoomLocation }>();
  private readonly byUserId = new Map<string, Peer>();
  /** One router per location: the main room and each open breakout room. */
  private readonly media = new Map<RoomLocation, RoomMedia>();
  private readonly mediaPromises = new Map<RoomLocation, Promise<RoomMedia>>();

  constructor(
    readonly definition: RoomDefinition,
    private readonly pool: WorkerPool,
    settings: Partial<RoomSettings> = {},
    private readonly mediaOptions: RoomMediaOptions = DEFAULT_ROOM_MEDIA_OPTIONS,
    onListenerError: ListenerErrorSink = () => undefined,
  ) {
    this.settings = { ...DEFAULT_ROOM_SETTINGS, ...settings };
    this.events = new RoomEvents(onListenerError);
  }

  get id(): string {
    return this.definition.id;
  }

  // ---- membership --------------------------------------------------------------

  /** Whether the peer is in the room proper (not waiting, not gone). */
  isPresent(peer: Peer): boolean {
    return this.peers.get(peer.id) === peer;
  }

  isWaiting(peer: Peer): boolean {
    return this.waiting.get(peer.id) === peer;
  }

  addWaiting(peer: Peer): void {
    this.waiting.set(peer.id, peer);
    this.byUserId.set(peer.identity.userId, peer);
    this.events.emit('participantWaiting', { peer });
    this.events.emit('waitingRoomChanged', { added: [peer], removed: [] });
  }

  /** Takes a peer out of the waiting queue (it left, or was denied). */
  removeWaiting(peer: Peer): boolean {
    if (!this.isWaiting(peer)) return false;
    this.waiting.delete(peer.id);
    this.forgetUser(peer);
    this.events.emit('waitingRoomChanged', { added: [], removed: [peer.id] });
    return true;
  }

  /** Tells listeners who left the waiting queue, after admitting several people at once. */
  waitingRoomChanged(admitted: Peer[]): void {
    this.events.emit('waitingRoomChanged', { added: [], removed: admitted.map((p) => p.id) });
  }

  /** Puts a peer into the room proper; `admitted` when a host let it in from the waiting room. */
  enter(peer: Peer, admitted: boolean): void {
    if (admitted) {
      this.waiting.delete(peer.id);
      this.admittedUserIds.add(peer.identity.userId);
    }
    this.peers.set(peer.id, peer);
    this.byUserId.set(peer.identity.userId, peer);
    this.noteHost(peer);
    this.events.emit('participantJoined', { peer, admitted });
  }

  /** Takes a present peer out, closing its media (which announces its producers' removal). */
  leave(peer: Peer): boolean {
    if (!this.isPresent(peer)) return false;
    this.peers.delete(peer.id);
    this.forgetUser(peer);
    peer.closeMedia();
    if (this.activeSpeakers.get(peer.location) === peer.id) this.activeSpeakers.delete(peer.location);
    this.events.emit('participantLeft', { peer, location: peer.location });
    return true;
  }

  /** Tells listeners that a peer's hand, blocks, ask-to-speak or similar changed. */
  peerUpdated(peer: Peer): void {
    this.events.emit('participantUpdated', { peer });
  }

  /** Changes a present peer's role for the rest of this call, rejoins included. */
  setRole(peer: Peer, role: RoleName): void {
    const from = peer.identity.role;
    this.roleGrants.set(peer.identity.userId, role);
    if (from === role) return;
    peer.identity.role = role;
    this.noteHost(peer);
    this.events.emit('roleChanged', { peer, from });
    this.events.emit('participantUpdated', { peer });
  }

  /** Moves a present peer to another location; its media there is set up by its client. */
  move(peer: Peer, to: RoomLocation): void {
    const from = peer.location;
    peer.closeMedia();
    peer.location = to;
    this.events.emit('participantMoved', { peer, from, to });
  }

  /** A peer of this user, present or waiting. */
  peerByUserId(userId: string): Peer | undefined {
    return this.byUserId.get(userId);
  }

  private noteHost(peer: Peer): void {
    const { tokenRole, role, userId, displayName } = peer.identity;
    if (tokenRole !== 'guest' && isModerator(role)) this.hostsSeen.set(userId, displayName);
  }

  /**
   * Names of the people present or waiting who are not guests (the school's
   * own), of the school's people who hosted this call and left, but
   * `userId`'s, and the staff expected.
   */
  *ownPeoplesNames(exceptUserId = ''): Iterable<string> {
    for (const p of [...this.peers.values(), ...this.waiting.values()]) {
      if (p.identity.tokenRole !== 'guest' && p.identity.userId !== exceptUserId)
        yield p.identity.displayName;
    }
    for (const [userId, name] of this.hostsSeen) {
      if (userId !== exceptUserId && !this.byUserId.has(userId)) yield name;
    }
    // The staff expected in the lesson, before they come too (#21).
    yield* this.definition.owner?.staff ?? [];
  }

  private forgetUser(peer: Peer): void {
    if (this.byUserId.get(peer.identity.userId) === peer) this.byUserId.delete(peer.identity.userId);
  }

  *peersAt(location: RoomLocation): Iterable<Peer> {
    for (const peer of this.peers.values()) if (peer.location === location) yield peer;
  }

  // ---- settings, breakouts, the end of a call -----------------------------------

  updateSettings(next: RoomSettings, by: Peer | null): void {
    this.settings = next;
    this.events.emit('settingsChanged', { settings: next, by });
  }

  breakoutsChanged(): void {
    this.events.emit('breakoutsChanged', {});
  }

  /** Nobody came back within the grace: tells listeners, then closes the room's media (call/emptyRooms.ts). */
  leftEmpty(): void {
    this.events.emit('leftEmpty', {});
    this.closeMedia();
  }

  /** Tells listeners the call's saved state was put back after a takeover (callState.ts). */
  callStateRestored(): void {
    this.events.emit('callStateRestored', {});
  }

  /** Refuses this person for the rest of the call: their user id, and new people through their admission. */
  ban(identity: { userId: string; admission?: string; displayName?: string }): void {
    const { userId, admission, displayName } = identity;
    this.bannedUserIds.add(userId);
    if (admission) {
      const spared = this.bannedAdmissions.get(admission) ?? new Set<string>();
      for (const p of this.peers.values()) {
        if (p.identity.admission === admission && p.identity.userId !== userId) spared.add(p.identity.userId);
      }
      spared.delete(userId);
      this.bannedAdmissions.set(admission, spared);
    }
    // A self-chosen name (a self-service token) is banned too, as it looks.
    for (const key of admission && displayName ? lookKeys(displayName) : []) {
      const spared = this.bannedNames.get(key) ?? new Set<string>();
      for (const p of [...this.peers.values(), ...this.waiting.values()]) {
        if (p.identity.userId !== userId && readsAsKey(p.identity.displayName, key))
          spared.add(p.identity.userId);
      }
      spared.delete(userId);
      this.bannedNames.set(key, spared);
    }
    this.events.emit('userBanned', { userId });
  }

  /** Whether this user may not come in through this admission (someone else from it was banned). */
  admissionBanned(admission: string | undefined, userId: string): boolean {
    const spared = admission ? this.bannedAdmissions.get(admission) : undefined;
    return !!spared && !spared.has(userId) && !this.admittedUserIds.has(userId);
  }

  /** Whether this user may not come in under this self-chosen name (a guest banned under it). */
  nameBanned(displayName: string, userId: string): boolean {
    return nameRefused(this.bannedNames, displayName, userId, this.admittedUserIds);
  }

  /**
   * Forgets per-call state when a call ends here; the room itself stays for
   * the next call. `handedOver`: another host carries the call on.
   */
  endCall(handedOver = false): void {
    this.closeMedia();
    this.admittedUserIds.clear();
    this.bannedUserIds.clear();
    this.bannedAdmissions.clear();
    this.bannedNames.clear();
    this.roleGrants.clear();
    this.activeSpeakers.clear();
    this.breakouts.clear();
    this.events.emit('callEnded', { handedOver });
  }

  // ---- producers and speakers ----------------------------------------------------

  /** Records a new producer of a peer at the peer's location and announces it; its close is announced too. */
  addProducer(peer: Peer, producer: types.Producer, source: MediaSourceName): void {
    const location = peer.location;
    peer.producers.set(producer.id, { producer, source });
    this.producerIndex.set(producer.id, { producer, peer, source, location });
    producer.observer.once('close', () => {
      peer.producers.delete(producer.id);
      this.producerIndex.delete(producer.id);
      this.mediaAt(location)?.forgetProducer(producer.id);
      this.events.emit('producerRemoved', { peer, producer, source, location });
    });
    this.events.emit('producerAdded', { peer, producer, source, location });
  }

  /** Announces that a producer was paused or resumed (at its owner's current location). */
  producerStateChanged(peer: Peer, producer: types.Producer): void {
    const source = peer.producers.get(producer.id)?.source;
    if (!source) return;
    this.events.emit('producerStateChanged', { peer, producer, source, location: peer.location });
  }

  /** A live producer of someone present. */
  findProducer(producerId: string): ProducerEntry | undefined {
    const entry = this.producerIndex.get(producerId);
    return entry && this.isPresent(entry.peer) ? entry : undefined;
  }

  /** Live producers of the people at a location. */
  *producers(location: RoomLocation): Iterable<ProducerEntry> {
    for (const entry of this.producerIndex.values()) {
      if (entry.location === location && entry.peer.location === location && this.isPresent(entry.peer))
        yield entry;
    }
  }

  screenShareCount(): number {
    let n = 0;
    for (const peer of this.peers.values()) if (peer.producerFor('screen')) n++;
    return n;
  }

  private setActiveSpeaker(location: RoomLocation, participantId: string): void {
    if (this.activeSpeakers.get(location) === participantId) return;
    this.activeSpeakers.set(location, participantId);
    this.events.emit('activeSpeakerChanged', { location, participantId });
  }

  /** Announces who is audible only when that set changes (levels arrive every interval). */
  private setSpeaking(location: RoomLocation, participantIds: string[]): void {
    const key = [...participantIds].sort().join(',');
    if (this.speaking.get(location) === key) return;
    this.speaking.set(location, key);
    this.events.emit('speakingChanged', { location, participantIds });
  }

  // ---- media ------------------------------------------------------------------------

  /** The live router of a location, if it has one. */
  mediaAt(location: RoomLocation): RoomMedia | null {
    const media = this.media.get(location);
    return media && !media.isClosed ? media : null;
  }

  /** A location's media, created on first use; a lost router is replaced on next use. */
  async ensureMedia(location: RoomLocation): Promise<RoomMedia> {
    const live = this.mediaAt(location);
    if (live) return live;
    let pending = this.mediaPromises.get(location);
    if (!pending) {
      pending = RoomMedia.create(this.pool, this.mediaOptions).then(
        (media) => {
          this.media.set(location, media);
          this.mediaPromises.delete(location);
          media.once('lost', () => this.events.emit('mediaLost', { location, media }));
          media.on('dominantSpeaker', (id) => this.setActiveSpeaker(location, id));
          media.on('speaking', (ids) => this.setSpeaking(location, ids));
          media.on('consumersLost', (transportIds) =>
            this.events.emit('receiversLost', { location, transportIds }),
          );
          this.events.emit('mediaReady', { location, media });
          return media;
        },
        (err) => {
          this.mediaPromises.delete(location);
          throw err;
        },
      );
      this.mediaPromises.set(location, pending);
    }
    return pending;
  }

  /** Closes one location's router, or all of them. */
  closeMedia(location?: RoomLocation): void {
    for (const [loc, media] of [...this.media]) {
      if (location !== undefined && loc !== location) continue;
      media.close();
      this.media.delete(loc);
      this.activeSpeakers.delete(loc);
      this.speaking.delete(loc);
    }
  }
}

/** Whether `displayName` reads as a banned name whose spared users do not include `userId`. */
export function nameRefused(
  bannedNames: Iterable<[string, Iterable<string>]>,
  displayName: string,
  userId: string,
  admitted: { has(id: string): boolean },
): boolean {
  if (admitted.has(userId)) return false;
  for (const [key, spared] of bannedNames) {
    if (readsAsKey(displayName, key) && ![...spared].includes(userId)) return true;
  }
  return false;
}
