import type { MediaTransport } from '../../sfu/mediaTransport.js';
import type { EdgeTransportMaker } from '../call/transports.js';
import { ErrorCode, SignalingError } from '../errors.js';
import type { ClusterLink, JoinRouter } from '../transport/connection.js';
// One seam between running every room on this host and sharing rooms with
// other hosts through Redis. The server picks an implementation once, at
// start (openDeployment in deployment.ts); nothing else asks which it is.
import type { HostInfo } from './hostRegistry.js';

export interface ClusterCounts {
  /** Connections here whose room runs on another host. */
  forwardedConnections: number;
  /** Participants of rooms here connected to other hosts. */
  remoteParticipants: number;
  /** WebRTC transports here for rooms that run on other hosts. */
  edgeTransports: number;
}

/** What other hosts did to rooms of this host, that the call here must follow. */
export type ClusterRoomEvent =
  /** Another host deleted the room: end its call here and forget it. */
  | 'roomDeletedElsewhere'
  /** Another host took over a room this host was running: send its people there. */
  | 'roomTakenOver';

export interface Cluster extends EdgeTransportMaker, ClusterLink {
  readonly selfId: string;
  /** Where a join goes; absent when every room runs on this host. */
  readonly routeJoin: JoinRouter | null;
  /** A topic event, for subscribers on other hosts. */
  forward(topic: string, bytes: Uint8Array, except?: { host: string; connectionId: string }): void;
  /** A room was deleted here: its home host ends the call. */
  roomDeleted(roomId: string): void;
  /** Hosts of this deployment, least loaded first. */
  listHosts(): Promise<HostInfo[]>;
  counts(): ClusterCounts;
  on(event: ClusterRoomEvent, listener: (roomId: string) => void): void;
  /** Whether another host can carry on this host's rooms when it stops (their state is shared). */
  readonly handsOver: boolean;
  /** Shutting down: stop claiming rooms, and give up the claim on these so another host may take them. */
  leave(roomIds: string[]): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Every room runs here; there is nobody to forward to. */
export class SingleHostCluster implements Cluster {
  readonly routeJoin = null;
  readonly handsOver = false;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly self: Pick<HostInfo, 'id' | 'publicUrl' | 'mediaIp'>,
    private readonly load: () => HostInfo['load'],
  ) {}

  get selfId(): string {
    return this.self.id;
  }

  forward(): void {}

  roomDeleted(): void {}

  /** No other host ever acts on this host's rooms. */
  on(): void {}

  async listHosts(): Promise<HostInfo[]> {
    return [
      { ...this.self, startedAt: this.startedAt, heartbeatAt: new Date().toISOString(), load: this.load() },
    ];
  }

  counts(): ClusterCounts {
    return { forwardedConnections: 0, remoteParticipants: 0, edgeTransports: 0 };
  }

  createEdgeTransport(): Promise<MediaTransport> {
    throw new SignalingError(ErrorCode.ERROR_CODE_INTERNAL, 'no inter-host media here');
  }

  async leave(): Promise<void> {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
