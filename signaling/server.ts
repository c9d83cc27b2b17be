import { Redis } from 'ioredis';
// Wires the parts together: worker pool, rooms, tokens, the WebSocket and
// HTTP endpoints, and metrics. startServer() is what main.ts and the
// integration tests call.
import uWS from 'uWebSockets.js';
import { EdgeLinks } from '../sfu/edgeLinks.js';
import { EdgeMedia } from '../sfu/edgeMedia.js';
import { type HostLoad, HostRegistry } from '../sfu/hostRegistry.js';
import { WorkerPool } from '../sfu/workerPool.js';
import { AdminAuth } from './adminAuth.js';
import { Cluster } from './cluster/cluster.js';
import { HostBus } from './cluster/hostBus.js';
import { RoomHomes } from './cluster/roomHomes.js';
import type { Config } from './config.js';
import { registerHttpRoutes } from './httpApi.js';
import { LessonControls } from './lessonControls.js';
import { type Logger, createLogger } from './log.js';
import { MeetingBook } from './meetings.js';
import { type LiveCounts, Metrics } from './metrics.js';
import { schoolcall } from './protocol/generated/protocol.js';
import { RoomRegistry } from './roomRegistry.js';
import { RoomService } from './roomService.js';
import { RoomStore } from './roomStore.js';
import { StaticFiles } from './staticFiles.js';
import { TokenService } from './tokens.js';
import { WsServer } from './wsServer.js';

import pb = schoolcall.v1;

export interface RunningServer {
  port: number;
  url: string;
  registry: RoomRegistry;
  tokens: TokenService;
  pool: WorkerPool;
  metrics: Metrics;
  log: Logger;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  log: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  const pool = await WorkerPool.create(
    {
      numWorkers: config.numWorkers,
      listenIp: config.mediaListenIp,
      announcedIp: config.mediaAnnouncedIp,
      rtcBasePort: config.rtcBasePort,
    },
    log,
  );
  const registry = new RoomRegistry(pool, config.maxParticipantsPerRoom, {
    speakingThresholdDbov: config.speakingThresholdDbov,
    recvTransportsPerRouter: config.recvTransportsPerRouter,
  });
  const tokens = new TokenService(config.tokenSecret, config.tokenIssuer);
  const app = uWS.App();

  let ws: WsServer | null = null;
  let cluster: Cluster | null = null;
  const live = (): LiveCounts => {
    const c: LiveCounts = {
      roomsDefined: registry.size,
      roomsLive: 0,
      participants: 0,
      connections: ws?.connectionCount ?? 0,
      transports: 0,
      producers: { audio: 0, video: 0 },
      consumers: { audio: 0, video: 0 },
      forwardedConnections: cluster?.edgeClients.count ?? 0,
      remoteParticipants: cluster?.remoteClients.count ?? 0,
      edgeTransports: cluster?.edgeTransportCount ?? 0,
    };
    for (const room of registry.all()) {
      if (room.peers.size > 0) c.roomsLive++;
      c.participants += room.peers.size;
      for (const peer of room.peers.values()) {
        c.transports += peer.transports.size;
        for (const p of peer.producers.values()) c.producers[p.producer.kind]++;
        for (const consumer of peer.consumers.values()) c.consumers[consumer.kind]++;
      }
    }
    return c;
  };
  const metrics = new Metrics(live, () => pool.usage());
  pool.on('workerReplaced', () => metrics.workerRestarts.inc());

  ws = new WsServer(
    app,
    {
      maxFrameBytes: config.maxFrameBytes,
      maxBackpressureBytes: config.maxBackpressureBytes,
      idleTimeoutSeconds: 60,
      trustProxy: config.trustProxy,
    },
    metrics,
    log,
  );
  const self = { id: config.hostId, publicUrl: config.publicUrl, mediaIp: config.mediaAnnouncedIp };
  const hostLoad = (): HostLoad => {
    const c = live();
    return { rooms: c.roomsLive, participants: c.participants, workers: pool.size };
  };
  const pipeListenIp = {
    ip: config.mediaListenIp,
    announcedIp: config.mediaListenIp === config.mediaAnnouncedIp ? undefined : config.mediaAnnouncedIp,
  };

  // Multi-host: rooms and meetings in the shared Redis, this host announced
  // there with its load, and rooms bridged between hosts over the host bus.
  let redis: Redis | null = null;
  let redisSub: Redis | null = null;
  let hosts: HostRegistry | null = null;
  let store: RoomStore | null = null;
  let bus: HostBus | null = null;
  let edgeLinks: EdgeLinks | null = null;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    redisSub = new Redis(config.redisUrl, { lazyConnect: true });
    await redis.connect();
    await redisSub.connect();
    store = new RoomStore(redis);
    registry.useStore(store);
    log.info({ rooms: await registry.restore() }, 'rooms restored from redis');
    hosts = new HostRegistry(redis, self, hostLoad, config.hostHeartbeatMs, log);
    bus = new HostBus(redis, redisSub, config.hostId, log, metrics);
    edgeLinks = new EdgeLinks(bus, pipeListenIp, log);
  }

  const rooms = new RoomService(registry, tokens, ws, log, edgeLinks);
  ws.attach('/ws', rooms, new LessonControls(rooms, log));

  if (redis && hosts && bus && edgeLinks) {
    const wsServer = ws;
    const hostBus = bus;
    cluster = new Cluster({
      bus: hostBus,
      homes: new RoomHomes(redis, config.hostId, hosts.ttlMs),
      hosts,
      edgeLinks,
      edgeMedia: new EdgeMedia(
        pool,
        {
          speakingThresholdDbov: config.speakingThresholdDbov,
          recvTransportsPerRouter: config.recvTransportsPerRouter,
        },
        pipeListenIp,
        (host, body) => hostBus.send(host, body),
        log,
      ),
      tokens,
      fanout: wsServer,
      makeSession: (id, socket) => wsServer.makeSession(id, socket, false),
      beforeServing: (roomId) => registry.reloadIfIdle(roomId),
      closeRoomHere: (roomId) => {
        const room = registry.get(roomId);
        if (!room) return;
        rooms.closeRoom(room);
        registry.delete(roomId);
        log.info({ room: roomId }, 'room deleted on another host; call ended');
      },
      handOver: (roomId) => {
        const room = registry.get(roomId);
        if (room) {
          rooms.endCall(
            room,
            pb.CloseReason.CLOSE_REASON_MEDIA_RESTART,
            'the lesson moved to another server; rejoin',
          );
        }
      },
      activeRooms: () =>
        [...registry.all()].filter((r) => r.peers.size + r.waiting.size > 0).map((r) => r.id),
      heartbeatMs: config.hostHeartbeatMs,
      log,
    });
    wsServer.useCluster(cluster);
    await hosts.start();
    await cluster.start();
  }
  const meetings = new MeetingBook(store);
  await meetings.restore();

  if (config.demoRoomId && !(await registry.find(config.demoRoomId))) {
    await registry.createStored({ id: config.demoRoomId, title: 'Demo lesson' });
  }

  registerHttpRoutes(app, {
    registry,
    rooms,
    tokens,
    auth: new AdminAuth(config.adminSecret),
    metrics,
    staticFiles: new StaticFiles(config.webRoot),
    log,
    publicUrl: config.publicUrl,
    demoRoomId: config.demoRoomId,
    trustProxy: config.trustProxy,
    meetings,
    roomDeleted: (roomId) => cluster?.roomDeleted(roomId),
    listHosts: async () => {
      if (hosts) return hosts.list();
      return [{ ...self, load: hostLoad() }];
    },
    health: () => ({
      status: 'ok',
      workers: pool.size,
      rooms: registry.size,
      connections: ws?.connectionCount ?? 0,
    }),
  });

  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(config.host, config.port, (token) => {
      if (token) resolve(token);
      else reject(new Error(`cannot listen on ${config.host}:${config.port}`));
    });
  });
  const port = uWS.us_socket_local_port(listenSocket);
  const url = config.port === port ? config.publicUrl : config.publicUrl.replace(/:\d+$/, `:${port}`);
  log.info({ port, url, workers: pool.size }, 'server listening');

  return {
    port,
    url,
    registry,
    tokens,
    pool,
    metrics,
    log,
    async close() {
      uWS.us_listen_socket_close(listenSocket);
      for (const room of [...registry.all()]) rooms.closeRoom(room);
      ws?.closeAll(pb.CloseReason.CLOSE_REASON_SERVER_SHUTDOWN, 'server is shutting down');
      rooms.dispose();
      cluster?.stop();
      pool.close();
      await hosts?.stop().catch(() => undefined);
      redis?.disconnect();
      redisSub?.disconnect();
      app.close?.();
    },
  };
}
