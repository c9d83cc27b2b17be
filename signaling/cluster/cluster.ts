import type { EdgeLinks } from '../../sfu/edgeLinks.js';
import type { EdgeMedia } from '../../sfu/edgeMedia.js';
// One host's part in a multi-host deployment: routes each join to the room's
// home host, serves the home side (remote participants' sessions, inter-host
// pipes) and the edge side (forwarded connections, edge media), and notices
// hosts that went away.
import type { HostInfo, HostRegistry } from '../../sfu/hostRegistry.js';
import type { Logger } from '../log.js';
import { schoolcall } from '../protocol/generated/protocol.js';
import type { Session, SessionSocket } from '../session.js';
import type { TokenService } from '../tokens.js';
import type { ClusterHooks } from '../wsServer.js';
import { EdgeClients, type Forwarder, type LocalFanout } from './edgeClients.js';
import type { HostBus } from './hostBus.js';
import { RemoteClients } from './remoteClients.js';
import type { RoomHomes } from './roomHomes.js';

import pb = schoolcall.v1;

export interface ClusterParts {
  bus: HostBus;
  homes: RoomHomes;
  hosts: HostRegistry;
  edgeLinks: EdgeLinks;
  edgeMedia: EdgeMedia;
  tokens: TokenService;
  fanout: LocalFanout;
  makeSession(connectionId: string, socket: SessionSocket): Session;
  /** Rooms this host is running now (it keeps their home claim fresh). */
  activeRooms(): Iterable<string>;
  /** This host is about to run a room: make sure its copy is the stored one. */
  beforeServing(roomId: string): Promise<void>;
  /** Another host deleted a room: end its call here and forget it. */
  closeRoomHere(roomId: string): void;
  /** Another host runs a room this host was running: send its people there. */
  handOver(roomId: string): void;
  heartbeatMs: number;
  log: Logger;
}

export class Cluster implements ClusterHooks {
  readonly edgeClients: EdgeClients;
  readonly remoteClients: RemoteClients;
  /** Hosts we exchanged messages with, and when each started (a restart forgets everything). */
  private readonly known = new Map<string, string>();
  private live = new Map<string, HostInfo>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly parts: ClusterParts) {
    this.edgeClients = new EdgeClients(parts.bus, parts.fanout);
    this.remoteClients = new RemoteClients(parts.bus, parts.fanout, parts.makeSession);
  }

  get edgeTransportCount(): number {
    return this.parts.edgeMedia.transportCount;
  }

  get selfId(): string {
    return this.parts.bus.selfId;
  }

  async start(): Promise<void> {
    const { bus, edgeMedia, edgeLinks } = this.parts;
    bus.on('message', (env) => {
      if (!this.known.has(env.fromHost))
        this.known.set(env.fromHost, this.live.get(env.fromHost)?.startedAt ?? '');
      if (this.edgeClients.onMessage(env) || this.remoteClients.onMessage(env)) return;
      if (env.body === 'roomDeleted') this.parts.closeRoomHere(env.roomDeleted?.roomId ?? '');
      else if (env.body === 'edgeRequest')
        void edgeMedia.handle(env.fromHost, env.edgeRequest as pb.EdgeRequest);
      else if (env.body === 'edgeEvent') edgeLinks.onEdgeEvent(env.edgeEvent as pb.EdgeEvent);
    });
    await bus.start();
    await this.tick();
    this.timer = setInterval(() => {
      this.tick().catch((err) => this.parts.log.warn({ err: String(err) }, 'cluster check failed'));
    }, this.parts.heartbeatMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.parts.bus.dispose();
    this.parts.edgeMedia.close();
  }

  forward(topic: string, bytes: Uint8Array, except?: { host: string; connectionId: string }): void {
    this.remoteClients.forward(topic, bytes, except);
  }

  /** Where a join goes: null to handle it here, or a forwarder to the room's home host. */
  routeJoin = async (
    roomId: string,
    token: string,
    session: Session,
    socket: SessionSocket,
  ): Promise<Forwarder | null> => {
    // Only a valid token for the room may claim or reach its home; anything
    // else is answered here with the usual typed error.
    const claims = await this.parts.tokens.verify(token).catch(() => null);
    if (!roomId || claims?.roomId !== roomId) return null;
    let home = await this.parts.homes.homeOf(roomId);
    if (home !== this.selfId && !this.live.has(home)) {
      // Its heartbeat lapsed before its claim did: take the room over.
      await this.refreshLive();
      if (!this.live.has(home)) home = await this.parts.homes.takeOver(roomId, home);
    }
    if (home === this.selfId) {
      await this.parts.beforeServing(roomId);
      return null;
    }
    this.known.set(home, this.live.get(home)?.startedAt ?? '');
    return this.edgeClients.open(session.id, socket, home);
  };

  /** Tells every other host that a room is gone, so its home ends the call. */
  roomDeleted(roomId: string): void {
    for (const host of this.live.keys()) {
      if (host !== this.selfId) this.parts.bus.send(host, { roomDeleted: { roomId } });
    }
  }

  private async tick(): Promise<void> {
    await this.refreshLive();
    for (const roomId of await this.parts.homes.refresh(this.parts.activeRooms())) {
      this.parts.log.warn({ room: roomId }, 'another host took this room over; sending its people there');
      this.parts.handOver(roomId);
    }
    for (const [host, startedAt] of [...this.known]) {
      const info = this.live.get(host);
      if (info && (startedAt === '' || info.startedAt === startedAt)) {
        this.known.set(host, info.startedAt);
        continue;
      }
      this.known.delete(host);
      this.parts.log.warn({ host, restarted: Boolean(info) }, 'host went away; dropping what we shared');
      this.edgeClients.hostGone(host);
      this.remoteClients.hostGone(host);
      this.parts.edgeLinks.hostGone(host);
      this.parts.edgeMedia.homeGone(host);
    }
  }

  private async refreshLive(): Promise<void> {
    const hosts = await this.parts.hosts.list();
    this.live = new Map(hosts.map((h) => [h.id, h]));
  }
}
