// A room: its definition (id, title), who is in it, and its media. Events to
// members go out through a RoomFanout so they are encoded once per event.
import type { types } from 'mediasoup';
import { RoomMedia } from '../sfu/roomMedia.js';
import type { WorkerPool } from '../sfu/workerPool.js';
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
  activeSpeakerId = '';
  private mediaPromise: Promise<RoomMedia> | null = null;
  private media: RoomMedia | null = null;

  constructor(
    readonly definition: RoomDefinition,
    private readonly pool: WorkerPool,
    settings: Partial<RoomSettings> = {},
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
    this.activeSpeakerId = '';
  }

  get id(): string {
    return this.definition.id;
  }

  get liveMedia(): RoomMedia | null {
    return this.media && !this.media.isClosed ? this.media : null;
  }

  /** The room's media, created on first use; a lost router is replaced on next use. */
  async ensureMedia(hooks: {
    onLost: (media: RoomMedia) => void;
    onDominantSpeaker: (participantId: string) => void;
  }): Promise<RoomMedia> {
    if (this.media && !this.media.isClosed) return this.media;
    if (!this.mediaPromise) {
      this.mediaPromise = RoomMedia.create(this.pool).then(
        (media) => {
          this.media = media;
          this.mediaPromise = null;
          media.once('lost', () => hooks.onLost(media));
          media.on('dominantSpeaker', hooks.onDominantSpeaker);
          return media;
        },
        (err) => {
          this.mediaPromise = null;
          throw err;
        },
      );
    }
    return this.mediaPromise;
  }

  closeMedia(): void {
    this.media?.close();
    this.media = null;
  }

  findProducer(producerId: string): ProducerEntry | undefined {
    for (const peer of this.peers.values()) {
      const p = peer.producers.get(producerId);
      if (p) return { producer: p.producer, peer, source: p.source };
    }
    return undefined;
  }

  *producers(): Iterable<ProducerEntry> {
    for (const peer of this.peers.values()) {
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
