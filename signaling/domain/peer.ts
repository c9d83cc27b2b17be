// One participant's server-side state in a room: identity and the mediasoup
// objects it owns. Closing a peer closes everything it owns.
import type { types } from 'mediasoup';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { MediaConsumer, MediaTransport } from '../../sfu/mediaTransport.js';
import type { TransportDirection } from '../../sfu/roomMedia.js';
import type { MediaSourceName, ModeratedSource, RoleName } from './roles.js';

import pb = schoolcall.v1;

/** How a peer's connection is reached: a local WebSocket, or one on another host. */
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
  /** The role now: the token's, or what a host made of it during the call. */
  role: RoleName;
  /** The role the token gave; reconnect tokens carry this one, never a role granted in the call. */
  tokenRole: RoleName;
  /** The signed-in session the token came from, if any: signing it out takes the peer out. */
  sessionId?: string;
  /** Where a self-service (guest, demo) token was asked from: a ban holds against new tokens from there. */
  admission?: string;
}

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
