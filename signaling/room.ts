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
}

export interface RoomFanout {
  /** Delivers bytes to every member of the room. */
  publish(roomId: string, bytes: Uint8Array): void;
}

export interface ProducerEntry {
  producer: types.Producer;
  peer: Peer;
  source: MediaSourceName;
}

export class Room {
  readonly peers = new Map<string, Peer>();
  private mediaPromise: Promise<RoomMedia> | null = null;
  private media: RoomMedia | null = null;

  constructor(
    readonly definition: RoomDefinition,
    private readonly pool: WorkerPool,
  ) {}

  get id(): string {
    return this.definition.id;
  }

  get liveMedia(): RoomMedia | null {
    return this.media && !this.media.isClosed ? this.media : null;
  }

  /** The room's media, created on first use; a lost router is replaced on next use. */
  async ensureMedia(onLost: (media: RoomMedia) => void): Promise<RoomMedia> {
    if (this.media && !this.media.isClosed) return this.media;
    if (!this.mediaPromise) {
      this.mediaPromise = RoomMedia.create(this.pool).then(
        (media) => {
          this.media = media;
          this.mediaPromise = null;
          media.once('lost', () => onLost(media));
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

  peerByUserId(userId: string): Peer | undefined {
    for (const p of this.peers.values()) if (p.identity.userId === userId) return p;
    return undefined;
  }
}
