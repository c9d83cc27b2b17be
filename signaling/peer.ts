// One participant's server-side state in a room: identity and the mediasoup
// objects it owns. Closing a peer closes everything it owns.
import type { types } from 'mediasoup';
import type { MediaConsumer, MediaTransport } from '../sfu/mediaTransport.js';
import type { TransportDirection } from '../sfu/roomMedia.js';
import type { MediaSourceName, RoleName } from './roles.js';
import type { PeerChannel } from './roomService.js';

export interface PeerProducer {
  producer: types.Producer;
  source: MediaSourceName;
}

export interface PeerTransport {
  transport: MediaTransport;
  direction: TransportDirection;
  connected: boolean;
}

export interface PeerIdentity {
  participantId: string;
  userId: string;
  displayName: string;
  /** The key the roster sorts by: the surname where the school sent one. */
  sortName: string;
  role: RoleName;
}

/** Sources a host can turn off and block. */
export type ModeratedSource = 'microphone' | 'camera';

export class Peer {
  readonly transports = new Map<string, PeerTransport>();
  readonly producers = new Map<string, PeerProducer>();
  readonly consumers = new Map<string, MediaConsumer>();
  readonly joinedAt = Date.now();
  /** ms since the epoch when the hand went up; 0 when down. */
  handRaisedAt = 0;
  /** Sources a host turned off that this participant may not turn back on. */
  readonly blocked = { microphone: false, camera: false };
  asksToSpeak = false;
  lastReactionAt = 0;
  /** '' for the main room, else the id of the breakout room this peer is in. */
  location = '';

  constructor(
    readonly identity: PeerIdentity,
    readonly channel: PeerChannel,
  ) {}

  get id(): string {
    return this.identity.participantId;
  }

  producerFor(source: MediaSourceName): PeerProducer | undefined {
    for (const p of this.producers.values()) if (p.source === source) return p;
    return undefined;
  }

  hasConsumerOf(producerId: string): boolean {
    for (const c of this.consumers.values()) if (c.producerId === producerId) return true;
    return false;
  }

  /** Closes all transports; mediasoup closes their producers and consumers with them. */
  closeMedia(): void {
    for (const t of this.transports.values()) t.transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}
