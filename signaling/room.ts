// A room: its definition (id, title), who is in it, and its media. Events to
// members go out through a RoomFanout so they are encoded once per event.
import type { types } from 'mediasoup';
import { DEFAULT_ROOM_MEDIA_OPTIONS, RoomMedia, type RoomMediaOptions } from '../sfu/roomMedia.js';
import type { WorkerPool } from '../sfu/workerPool.js';
import { Breakouts } from './breakouts.js';
import type { Peer } from './peer.js';
import type { MediaSourceName } from './roles.js';

export interface RoomDefinition {
  id: string;
  title: string;
  createdAt: Date;
  maxParticipants: number;
  /** Short numeric code for /j/<code>, e.g. 148-118-3. */
  code: string;
  /** Password guests type from paper. */
  password: string;
}

export type WaitingRoomMode = 'off' | 'guests' | 'everyone';

export interface RoomSettings {
  waitingRoom: WaitingRoomMode;
  locked: boolean;
  guestsAllowed: boolean;
  selfUnmuteAllowed: boolean;
  participantsMayShareScreen: boolean;
  maxScreenShares: number;
}

export const DEFAULT_ROOM_SETTINGS: RoomSettings = {
  waitingRoom: 'guests',
  locked: false,
  guestsAllowed: true,
  selfUnmuteAllowed: true,
  participantsMayShareScreen: false,
  maxScreenShares: 1,
};

/** Where in a room a peer is: the main room (MAIN) or a breakout room's id. */
export type RoomLocation = string;
export const MAIN: RoomLocation = '';

export interface MediaHooks {
  onLost: (location: RoomLocation, media: RoomMedia) => void;
  onDominantSpeaker: (location: RoomLocation, participantId: string) => void;
  onSpeaking: (location: RoomLocation, participantIds: string[]) => void;
  onConsumersLost: (location: RoomLocation, transportIds: string[]) => void;
}

export interface RoomFanout {
  /** Delivers bytes to every member of the room. */
  publish(roomId: string, bytes: Uint8Array): void;
  /** Delivers bytes to every subscriber of a topic. */
  publishTopic(topic: string, bytes: Uint8Array): void;
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
  settings: RoomSettings;
  /** Dominant speaker per location. */
  readonly activeSpeakers = new Map<RoomLocation, string>();
  /** Who is audible per location, as last announced (sorted, joined). */
  readonly speaking = new Map<RoomLocation, string>();
  readonly breakouts = new Breakouts();
  /** One router per location: the main room and each open breakout room. */
  private readonly media = new Map<RoomLocation, RoomMedia>();
  private readonly mediaPromises = new Map<RoomLocation, Promise<RoomMedia>>();

  constructor(
    readonly definition: RoomDefinition,
    private readonly pool: WorkerPool,
    settings: Partial<RoomSettings> = {},
    private readonly mediaOptions: RoomMediaOptions = DEFAULT_ROOM_MEDIA_OPTIONS,
  ) {
    this.settings = { ...DEFAULT_ROOM_SETTINGS, ...settings };
  }

  /** Whether the peer is in the room proper (not waiting, not gone). */
  isPresent(peer: Peer): boolean {
    return this.peers.get(peer.id) === peer;
  }

  /** Forgets per-call state when a call ends; the room itself stays for the next call. */
  resetCall(): void {
    this.admittedUserIds.clear();
    this.bannedUserIds.clear();
    this.activeSpeakers.clear();
    this.breakouts.clear();
  }

  get id(): string {
    return this.definition.id;
  }

  /** The live router of a location, if it has one. */
  mediaAt(location: RoomLocation): RoomMedia | null {
    const media = this.media.get(location);
    return media && !media.isClosed ? media : null;
  }

  /** A location's media, created on first use; a lost router is replaced on next use. */
  async ensureMedia(location: RoomLocation, hooks: MediaHooks): Promise<RoomMedia> {
    const live = this.mediaAt(location);
    if (live) return live;
    let pending = this.mediaPromises.get(location);
    if (!pending) {
      pending = RoomMedia.create(this.pool, this.mediaOptions).then(
        (media) => {
          this.media.set(location, media);
          this.mediaPromises.delete(location);
          media.once('lost', () => hooks.onLost(location, media));
          media.on('dominantSpeaker', (id) => hooks.onDominantSpeaker(location, id));
          media.on('speaking', (ids) => hooks.onSpeaking(location, ids));
          media.on('consumersLost', (ids) => hooks.onConsumersLost(location, ids));
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

  *peersAt(location: RoomLocation): Iterable<Peer> {
    for (const peer of this.peers.values()) if (peer.location === location) yield peer;
  }

  findProducer(producerId: string): ProducerEntry | undefined {
    for (const peer of this.peers.values()) {
      const p = peer.producers.get(producerId);
      if (p) return { producer: p.producer, peer, source: p.source };
    }
    return undefined;
  }

  *producers(location: RoomLocation): Iterable<ProducerEntry> {
    for (const peer of this.peersAt(location)) {
      for (const p of peer.producers.values()) yield { producer: p.producer, peer, source: p.source };
    }
  }

  /** A present or waiting peer of this user. */
  peerByUserId(userId: string): Peer | undefined {
    for (const p of this.peers.values()) if (p.identity.userId === userId) return p;
    for (const p of this.waiting.values()) if (p.identity.userId === userId) return p;
    return undefined;
  }

  screenShareCount(): number {
    let n = 0;
    for (const peer of this.peers.values()) if (peer.producerFor('screen')) n++;
    return n;
  }
}
