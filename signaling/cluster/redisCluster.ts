// One host's part in a multi-host deployment sharing a Redis: it announces
// itself with its load, routes each join to the room's home host, serves the
// home side (remote participants' sessions, inter-host pipes) and the edge
// side (forwarded connections, edge media), and notices hosts that went away.
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/log.js';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { EdgeSideMedia } from '../../sfu/edgeSideMedia.js';
import { HomeSideLinks } from '../../sfu/homeSideLinks.js';
import type { MediaTransport } from '../../sfu/mediaTransport.js';
import type { RoomMedia, RoomMediaOptions, TransportDirection } from '../../sfu/roomMedia.js';
import type { WorkerPool } from '../../sfu/workerPool.js';
import type { LocalFanout } from '../fanout/topics.js';
import type { Metrics } from '../metrics.js';
import type { TokenService } from '../tokens.js';
import type { Forwarder, ServedConnection, SessionSocket } from '../transport/connection.js';
import type { Cluster, ClusterCounts, ClusterRoomEvent } from './cluster.js';
import { EdgeSideConnections } from './edgeSideConnections.js';
import { HomeSideSessions } from './homeSideSessions.js';
import { HostBus } from './hostBus.js';
import { type HostInfo, type HostLoad, HostRegistry } from './hostRegistry.js';
import { RoomHomes } from './roomHomes.js';

import pb = schoolcall.v1;

/** What a cluster needs from the rest of the server. */
export interface ClusterParts {
  self: { id: string; publicUrl: string; mediaIp: string };
  hostLoad(): HostLoad;
  pool: WorkerPool;
  mediaOptions: RoomMediaOptions;
  pipeListenIp: { ip: string; announcedIp?: string };
  tokens: TokenService;
  fanout: LocalFanout;
  /** A session for a connection on another host, served here. */
  makeSession(connectionId: string, socket: SessionSocket): ServedConnection;
  /** Rooms this host is running now (it keeps their home claim fresh). */
  activeRooms(): Iterable<string>;
  /** Whether this host is running the room now (people in it here). */
  runsRoom(roomId: string): boolean;
  /** This host is about to run a room: make sure its copy is the stored one. */
  beforeServing(roomId: string): Promise<void>;
  heartbeatMs: number;
  log: Logger;
  metrics: Metrics;
}

export class RedisCluster implements Cluster {
  private readonly bus: HostBus;
  private readonly hosts: HostRegistry;
  private readonly homes: RoomHomes;
  private readonly links: HomeSideLinks;
  private readonly edgeMedia: EdgeSideMedia;
  private readonly edgeConnections: EdgeSideConnections;
  private readonly homeSessions: HomeSideSessions;
  /** Hosts we exchanged messages with, and when each started (a restart forgets everything). */
  private readonly known = new Map<string, string>();
  private live = new Map<string, HostInfo>();
  /** When Redis last failed us: hosts' heartbeats need time to come back after it does. */
  private troubleAt = 0;
  /** A check is running (they never overlap) / the last one failed. */
  private ticking = false;
  private failing = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly roomEvents = new EventEmitter<Record<ClusterRoomEvent, [roomId: string]>>();

  constructor(
    redis: Redis,
    redisSub: Redis,
    private readonly parts: ClusterParts,
  ) {
    const { self, log } = parts;
    this.hosts = new HostRegistry(redis, self, parts.hostLoad, parts.heartbeatMs, log);
    this.bus = new HostBus(redis, redisSub, self.id, log, parts.metrics);
    this.homes = new RoomHomes(redis, self.id, this.hosts.ttlMs);
    this.links = new HomeSideLinks(this.bus, parts.pipeListenIp, log);
    const bus = this.bus;
    this.edgeMedia = new EdgeSideMedia(
      parts.pool,
      parts.mediaOptions,
      parts.pipeListenIp,
      (host, body) => bus.send(host, body),
      log,
    );
    this.edgeConnections = new EdgeSideConnections(this.bus, parts.fanout);
    this.homeSessions = new HomeSideSessions(this.bus, parts.fanout, parts.makeSession);
  }

  get selfId(): string {
    return this.parts.self.id;
  }

  counts(): ClusterCounts {
    return {
      forwardedConnections: this.edgeConnections.count,
      remoteParticipants: this.homeSessions.count,
      edgeTransports: this.edgeMedia.transportCount,
    };
  }

  on(event: ClusterRoomEvent, listener: (roomId: string) => void): void {
    this.roomEvents.on(event, listener);
  }

  listHosts(): Promise<HostInfo[]> {
    return this.hosts.list();
  }

  createEdgeTransport(
    media: RoomMedia,
    roomId: string,
    host: string,
    direction: TransportDirection,
    participantId: string,
  ): Promise<MediaTransport> {
    return this.links.createTransport(media, roomId, host, direction, participantId);
  }

  async start(): Promise<void> {
    this.bus.on('message', (env) => {
      if (!this.known.has(env.fromHost))
        this.known.set(env.fromHost, this.live.get(env.fromHost)?.startedAt ?? '');
      if (this.edgeConnections.onMessage(env) || this.homeSessions.onMessage(env)) return;
      if (env.body === 'roomDeleted')
        this.roomEvents.emit('roomDeletedElsewhere', env.roomDeleted?.roomId ?? '');
      else if (env.body === 'edgeRequest')
        void this.edgeMedia.handle(env.fromHost, env.edgeRequest as pb.EdgeRequest);
      else if (env.body === 'edgeEvent') this.links.onEdgeEvent(env.edgeEvent as pb.EdgeEvent);
    });
    await this.hosts.start();
    await this.bus.start();
    await this.tick();
    this.timer = setInterval(() => {
      // One check at a time: while Redis is frozen they would pile up and all land at once.
      if (this.ticking) return;
      this.ticking = true;
      this.tick()
        .then(
          () => {
            this.failing = false;
          },
          (err) => {
            // Logged once per outage; troubleAt holds hosts' verdicts back until heartbeats return.
            if (!this.failing) this.parts.log.warn({ err }, 'cluster check failed');
            this.failing = true;
            this.troubleAt = Date.now();
          },
        )
        .finally(() => {
          this.ticking = false;
        });
    }, this.parts.heartbeatMs);
    this.timer.unref();
  }

  readonly handsOver = true;

  async leave(roomIds: string[]): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.homes.release(roomIds);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // What was published (sessions closed at shutdown) goes out before we leave.
    await this.bus.flush().catch(() => undefined);
    this.bus.dispose();
    this.edgeMedia.close();
    await this.hosts.stop().catch((err) => this.parts.log.warn({ err }, 'cannot leave the host list'));
  }

  forward(topic: string, bytes: Uint8Array, except?: { host: string; connectionId: string }): void {
    this.homeSessions.forward(topic, bytes, except);
  }

  /** Where a join goes: null to handle it here, or a forwarder to the room's home host. */
  readonly routeJoin = async (
    roomId: string,
    token: string,
    connectionId: string,
    socket: SessionSocket,
  ): Promise<Forwarder | null> => {
    // Only a valid token for the room may claim or reach its home; anything
    // else is answered here with the usual typed error.
    const claims = await this.parts.tokens.verify(token).catch(() => null);
    if (!roomId || claims?.roomId !== roomId) return null;
    // A room running here is ours (the tick notices if another host took it):
    // its people reconnect without asking Redis, which may be away.
    if (this.parts.runsRoom(roomId)) return null;
    let home = await this.homes.homeOf(roomId);
    // Asked of Redis, not the list cached at the last tick: a join sent to a
    // host that has just died would only be closed again a beat later.
    if (home !== this.selfId && !(await this.hosts.isLive(home))) {
      // Its heartbeat lapsed before its claim did: take the room over.
      home = await this.homes.takeOver(roomId, home);
    }
    if (home === this.selfId) {
      await this.parts.beforeServing(roomId);
      return null;
    }
    this.known.set(home, this.live.get(home)?.startedAt ?? '');
    return this.edgeConnections.open(connectionId, socket, home);
  };

  /** Tells every other host that a room is gone, so its home ends the call. */
  roomDeleted(roomId: string): void {
    for (const host of this.live.keys()) {
      if (host !== this.selfId) this.bus.send(host, { roomDeleted: { roomId } });
    }
  }

  private async tick(): Promise<void> {
    await this.refreshLive();
    for (const roomId of await this.homes.refresh(this.parts.activeRooms())) {
      this.parts.log.warn({ room: roomId }, 'another host took this room over; sending its people there');
      this.roomEvents.emit('roomTakenOver', roomId);
    }
    // Just after Redis was away, a missing heartbeat says nothing about its host.
    if (Date.now() - this.troubleAt < this.hosts.ttlMs * 2) return;
    for (const [host, startedAt] of [...this.known]) {
      const info = this.live.get(host);
      if (info && (startedAt === '' || info.startedAt === startedAt)) {
        this.known.set(host, info.startedAt);
        continue;
      }
      this.known.delete(host);
      this.parts.log.warn({ host, restarted: Boolean(info) }, 'host went away; dropping what we shared');
      this.edgeConnections.hostGone(host);
      this.homeSessions.hostGone(host);
      this.links.hostGone(host);
      this.edgeMedia.homeGone(host);
    }
  }

  private async refreshLive(): Promise<void> {
    const hosts = await this.hosts.list();
    this.live = new Map(hosts.map((h) => [h.id, h]));
  }
}
