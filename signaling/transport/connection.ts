// What a session sees of its connection, and what takes over a connection
// whose room runs on another host.
import type { PeerChannel } from '../domain/peer.js';

export interface SessionSocket extends PeerChannel {
  readonly remoteAddress: string;
}

/** Carries a connection's frames to the room's home host instead of handling them here. */
export interface Forwarder {
  readonly home: string;
  frame(bytes: Uint8Array): void;
  resync(): void;
  /** The local connection closed. */
  gone(): void;
}

/** Decides where a join goes: null to run it here, or a forwarder to the room's home host. */
export type JoinRouter = (
  roomId: string,
  token: string,
  connectionId: string,
  socket: SessionSocket,
) => Promise<Forwarder | null>;

/** A connection's session as the multi-host code drives it. */
export interface ServedConnection {
  /** `data` stays valid after the call: handlers may keep views of it (wsServer copies uWS's frames). */
  onFrame(data: Uint8Array, isBinary: boolean): Promise<void>;
  resync(): void;
  onClose(): void;
}

/** Multi-host: topic events for other hosts' subscribers, and where joins go. */
export interface ClusterLink {
  forward(topic: string, bytes: Uint8Array, except?: { host: string; connectionId: string }): void;
  /** Absent when every room runs on this host. */
  readonly routeJoin: JoinRouter | null;
}
