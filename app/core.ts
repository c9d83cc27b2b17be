// What every feature builds on: the worker pool, the deployment (one host or
// Redis), rooms, tokens, metrics, the guarded uWS app, the WebSocket endpoint
// and the cluster; and how this host follows rooms other hosts deleted or
// took over.
import type uWS from 'uWebSockets.js';
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { ProducerLoss } from '../sfu/producerLoss.js';
import { WorkerPool } from '../sfu/workerPool.js';
import { CallStateKeeper } from '../signaling/call/callStateKeeper.js';
import type { Membership } from '../signaling/call/membership.js';
import type { Cluster } from '../signaling/cluster/cluster.js';
import { type Deployment, openDeployment } from '../signaling/deployment.js';
import { RoomRegistry } from '../signaling/domain/roomRegistry.js';
import { type GuardedApp, guardApp } from '../signaling/http/guardedApp.js';
import { liveCounts } from '../signaling/liveCounts.js';
import { type LiveCounts, Metrics } from '../signaling/metrics.js';
import { openRedis } from '../signaling/redisClients.js';
import { SharedLimits } from '../signaling/security/sharedLimits.js';
import { RevocationHook } from '../signaling/tokenRevocation.js';
import { TokenService } from '../signaling/tokens.js';
import { ConnectionGate } from '../signaling/transport/connectionGate.js';
import { WsServer } from '../signaling/transport/wsServer.js';
import type { Config } from './config.js';

import pb = schoolcall.v1;

export interface Core {
  /** The uWS app with every route and socket callback guarded (guardedApp.ts). */
  app: GuardedApp;
  /** Who may open a WebSocket, on any path. */
  gate: ConnectionGate;
  config: Config;
  log: Logger;
  pool: WorkerPool;
  registry: RoomRegistry;
  tokens: TokenService;
  /** Token checks ask it whether the person or session was cut off (accounts plug in the answer). */
  revocation: RevocationHook;
  metrics: Metrics;
  ws: WsServer;
  cluster: Cluster;
  deployment: Deployment;
  /** Several hosts: call state kept in Redis for a host that takes a room over. */
  callState: CallStateKeeper | null;
  /** Every limit protecting something shared, counted in Redis when there is one (every host sees it). */
  limits: SharedLimits;
}

/** Workers, store, rooms, metrics, the WebSocket endpoint and the cluster: what every feature builds on. */
export async function startCore(
  bareApp: uWS.TemplatedApp,
  config: Config,
  log: Logger,
  origins: { allowed: string[] },
): Promise<Core> {
  const mediaOptions = {
    speakingThresholdDbov: config.speakingThresholdDbov,
    recvTransportsPerRouter: config.recvTransportsPerRouter,
  };
  const pool = await WorkerPool.create(
    {
      numWorkers: config.numWorkers,
      listenIp: config.mediaListenIp,
      announcedIp: config.mediaAnnouncedIp,
      rtcBasePort: config.rtcBasePort,
      portRange: config.mediaPorts,
    },
    log,
  );
  const deployment = await openDeployment(config.redisUrl, log);
  const registry = new RoomRegistry(pool, deployment.store, config.maxParticipantsPerRoom, log, mediaOptions);
  const callState = config.redisUrl ? new CallStateKeeper(deployment.store, log) : null;
  const revocation = new RevocationHook();
  const tokens = new TokenService(config.tokenSecret, config.tokenIssuer, revocation);
  // Gauges are read at scrape time, after the WebSocket server and cluster below exist.
  const live = (): LiveCounts => liveCounts(registry, ws.connectionCount, cluster.counts());
  const producerLoss = ProducerLoss.watch(pool);
  const metrics = new Metrics(
    live,
    () => pool.usage(),
    () => producerLoss.take(),
  );
  const limits = new SharedLimits(
    config.redisUrl ? openRedis(config.redisUrl, 'limits', log) : null,
    metrics.registry,
  );
  const app = guardApp(bareApp, (where, err, status) => {
    metrics.faults.inc({ where, status: String(status ?? 'closed') });
    if (status !== undefined && status < 500)
      log.warn({ where, err }, 'request refused: it could not be parsed');
    else
      log.error({ where, err }, 'handler failed; the request or socket was answered and the server goes on');
  });
  pool.on('workerReplaced', () => metrics.workerRestarts.inc());
  // One gate for every WebSocket path (/ws, /chat): descriptors are the process's.
  const gate = new ConnectionGate({
    maxConnections: config.maxConnections,
    maxPendingPerAddress: config.maxPendingConnectionsPerAddress,
    allowedOrigins: () => origins.allowed,
  });
  const ws = new WsServer(
    app,
    {
      maxFrameBytes: config.maxFrameBytes,
      maxBackpressureBytes: config.maxBackpressureBytes,
      idleTimeoutSeconds: 60,
      trustProxy: config.trustProxy,
      joinDeadlineSeconds: config.joinDeadlineSeconds,
    },
    gate,
    metrics,
    log,
  );
  const cluster = deployment.createCluster({
    self: { id: config.hostId, publicUrl: config.publicUrl, mediaIp: config.mediaAnnouncedIp },
    hostLoad: () => {
      const c = live();
      return { rooms: c.roomsLive, participants: c.participants, workers: pool.size };
    },
    pool,
    mediaOptions,
    pipeListenIp: {
      ip: config.mediaListenIp,
      announcedIp: config.mediaListenIp === config.mediaAnnouncedIp ? undefined : config.mediaAnnouncedIp,
    },
    tokens,
    fanout: ws,
    makeSession: (id, socket) => ws.makeSession(id, socket, false),
    activeRooms: () => [...registry.all()].filter((r) => r.peers.size + r.waiting.size > 0).map((r) => r.id),
    runsRoom: (roomId) => {
      const room = registry.get(roomId);
      return Boolean(room && room.peers.size + room.waiting.size > 0);
    },
    beforeServing: async (roomId) => {
      await registry.reloadIfIdle(roomId);
      const room = await registry.find(roomId);
      if (room) await callState?.restoreIfIdle(room);
    },
    heartbeatMs: config.hostHeartbeatMs,
    log,
    metrics,
  });
  ws.useCluster(cluster);
  return {
    app,
    gate,
    config,
    log,
    pool,
    registry,
    tokens,
    metrics,
    ws,
    cluster,
    deployment,
    callState,
    revocation,
    limits,
  };
}

/** Ends the call here of a room another host deleted or took over. */
export function followOtherHosts(
  cluster: Cluster,
  registry: RoomRegistry,
  membership: Membership,
  log: Logger,
): void {
  cluster.on('roomDeletedElsewhere', (roomId) => {
    const room = registry.get(roomId);
    if (!room) return;
    membership.closeRoom(room);
    registry.delete(roomId);
    log.info({ room: roomId }, 'room deleted on another host; call ended');
  });
  cluster.on('roomTakenOver', (roomId) => {
    const room = registry.get(roomId);
    if (!room) return;
    membership.endCall(
      room,
      pb.CloseReason.CLOSE_REASON_MEDIA_RESTART,
      'the lesson moved to another server; rejoin',
      undefined,
      true,
    );
  });
}
