// One participant's server-side state in a room: identity and the mediasoup
// objects it owns. Closing a peer closes everything it owns.
import type { types } from 'mediasoup';
import type { TransportDirection } from '../sfu/roomMedia.js';
import type { MediaSourceName, RoleName } from './roles.js';
import type { PeerChannel } from './roomService.js';

export interface PeerProducer {
  producer: types.Producer;
  source: MediaSourceName;
}

export interface PeerTransport {
  transport: types.WebRtcTransport;
  direction: TransportDirection;
  connected: boolean;
}

export interface PeerIdentity {
  participantId: string;
  userId: string;
  displayName: string;
  role: RoleName;
}

export class Peer {
  readonly transports = new Map<string, PeerTransport>();
  readonly producers = new Map<string, PeerProducer>();
  readonly consumers = new Map<string, types.Consumer>();
  readonly joinedAt = Date.now();

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
