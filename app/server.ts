// Wires the parts together: worker pool, deployment (single host or Redis),
// rooms, the features (each its handlers, room listeners and HTTP routes),
// the WebSocket and HTTP endpoints, and metrics. startServer() is what
// main.ts and the integration tests call.
import uWS from 'uWebSockets.js';
import { type Logger, createLogger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { createDirectoryFeature } from '../directory/feature.js';
import { type MessagingFeature, createMessagingFeature } from '../messaging/feature.js';
import { UserTokens } from '../messaging/userTokens.js';
import { createRecorderFeature } from '../recorder/feature.js';
import { WorkerPool } from '../sfu/workerPool.js';
import { AdminAuth } from '../signaling/adminAuth.js';
import { CallStateKeeper } from '../signaling/call/callStateKeeper.js';
import { createCallFeature } from '../signaling/call/feature.js';
import type { Membership } from '../signaling/call/membership.js';
import type { Cluster } from '../signaling/cluster/cluster.js';
import { createControlsFeature } from '../signaling/controls/feature.js';
import { type Deployment, openDeployment } from '../signaling/deployment.js';
import { MeetingBook } from '../signaling/domain/meetings.js';
import type { Room } from '../signaling/domain/room.js';
import { RoomRegistry } from '../signaling/domain/roomRegistry.js';
import { type GuardedApp, guardApp } from '../signaling/http/guardedApp.js';
import { registerJoinRoutes } from '../signaling/http/joinRoutes.js';
import { JoinTokens } from '../signaling/http/joinTokens.js';
import {
  type BroadcastScheduler,
  type MeetingAudience,
  registerMeetingRoutes,
} from '../signaling/http/meetingRoutes.js';
import { registerNotFound, registerPageRoutes } from '../signaling/http/pageRoutes.js';
import { registerRoomRoutes } from '../signaling/http/roomRoutes.js';
import { HttpRouter } from '../signaling/http/router.js';
import { StaticFiles } from '../signaling/http/staticFiles.js';
import { liveCounts } from '../signaling/liveCounts.js';
import { type LiveCounts, Metrics } from '../signaling/metrics.js';
import { redisHealth } from '../signaling/redisClients.js';
import { type Feature, handlerTable } from '../signaling/requests/features.js';
import { demoHostFeature } from '../signaling/security/demoHost.js';
import { turnCredentials } from '../signaling/security/turnCredentials.js';
import { endOrHandOverCalls } from '../signaling/shutdown.js';
import { TokenService } from '../signaling/tokens.js';
import { ConnectionGate } from '../signaling/transport/connectionGate.js';
import { WsServer } from '../signaling/transport/wsServer.js';
import { createViewingFeature } from '../signaling/viewing/feature.js';
import { resyncSnapshot } from '../signaling/wire/snapshots.js';
import { createSubtitlesFeature } from '../transcriber/subtitlesFeature.js';
import { transcribeVoiceMessage } from '../transcriber/voiceMessage.js';
import { createWhiteboardFeature } from '../whiteboard/feature.js';
import type { Config } from './config.js';
import { openDatabase } from './database.js';

import pb = schoolcall.v1;

export interface RunningServer {
  port: number;
  url: string;
  registry: RoomRegistry;
  tokens: TokenService;
  pool: WorkerPool;
  metrics: Metrics;
  log: Logger;
  /** PostgreSQL with every part's schema migrated; null without DATABASE_URL. */
  database: Postgres | null;
  close(): Promise<void>;
}

interface Core {
  /** The uWS app with every route and socket callback guarded (guardedApp.ts). */
  app: GuardedApp;
  /** Who may open a WebSocket, on any path. */
  gate: ConnectionGate;
  config: Config;
  log: Logger;
  pool: WorkerPool;
  registry: RoomRegistry;
  tokens: TokenService;
  metrics: Metrics;
  ws: WsServer;
  cluster: Cluster;
  deployment: Deployment;
  /** Several hosts: call state kept in Redis for a host that takes a room over. */
  callState: CallStateKeeper | null;
}

export async function startServer(
  config: Config,
  log: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  // HTTPS and WSS when certificate files are configured; otherwise plain (behind nginx, say).
  const bareApp = config.tls
    ? uWS.SSLApp({ cert_file_name: config.tls.certFile, key_file_name: config.tls.keyFile })
    : uWS.App();
  // Known once the port is (port 0 in tests).
  const origins = { allowed: [] as string[] };
  // First: a database that is away or newer than this code stops the start here.
  const database = await openDatabase(config, log);
  const core = await startCore(bareApp, config, log, origins);
  // Every part registers its routes and sockets on the guarded app only.
  const { app, registry, ws, cluster, metrics, pool, deployment } = core;

  const call = createCallFeature({
    registry,
    tokens: core.tokens,
    edges: cluster,
    out: ws,
    callState: core.callState,
    iceServers: (peer) => (config.turn ? [turnCredentials(config.turn, peer.identity.userId)] : []),
    log,
  });
  const controls = createControlsFeature({ ...call, log });
  const subtitles = createSubtitlesFeature({
    config: config.transcriber,
    out: ws,
    metrics,
    speakingThresholdDbov: config.speakingThresholdDbov,
    log,
  });
  const joinTokens = new JoinTokens(core.tokens, config.publicUrl);
  const messaging = createMessagingFeature({
    app,
    gate: core.gate,
    trustProxy: config.trustProxy,
    authDeadlineSeconds: config.joinDeadlineSeconds,
    config: config.messaging,
    redisUrl: config.redisUrl,
    tokenSecret: config.tokenSecret,
    tokenIssuer: config.tokenIssuer,
    metricsRegistry: metrics.registry,
    registry,
    joinTokens,
    out: ws,
    maxFrameBytes: config.maxFrameBytes,
    speech: {
      usable: () => subtitles.service.usable,
      text: async (path) =>
        (await transcribeVoiceMessage(subtitles.service, path, config.transcriber.defaultLanguage)).text,
    },
    publicUrl: config.publicUrl,
    log,
  });
  // The public URL has its real port once the server listens (tests listen on port 0).
  let publicUrl = config.publicUrl;
  const recorder = createRecorderFeature({
    storage: {
      dir: config.recordingsDir,
      retentionDays: config.recordingRetentionDays,
      minFreeBytes: config.recordingMinFreeBytes,
    },
    publicUrl: () => publicUrl,
    secret: config.tokenSecret,
    adminSecret: config.adminSecret,
    tokens: core.tokens,
    out: ws,
    metrics,
    log,
  });
  const whiteboard = createWhiteboardFeature({
    config: config.whiteboard,
    redisUrl: config.redisUrl,
    out: ws,
    tokens: core.tokens,
    admin: new AdminAuth(config.adminSecret),
    registry: metrics.registry,
    log,
  });
  followOtherHosts(cluster, registry, call.membership, log);
  // Every feature of the server; a new service adds itself here.
  const viewing = createViewingFeature({
    out: ws,
    defaultLastN: config.lastN,
    registry: metrics.registry,
    log,
  });
  const directory = createDirectoryFeature({
    messenger: messaging.messenger,
    metricsRegistry: metrics.registry,
    admit: async (room, peer) => {
      await call.membership.admit(room, peer);
    },
    demoTokens: config.demoSchool ? new UserTokens(config.tokenSecret, config.tokenIssuer) : null,
    log,
  });
  const features = [
    call.feature,
    controls,
    viewing,
    subtitles.feature,
    messaging.feature,
    directory.feature,
    recorder.feature,
    demoHostFeature(config.demoRoomId),
    whiteboard,
  ] as const;

  ws.attach('/ws', {
    handlers: handlerTable(features),
    leaveRoom: (joined) => call.membership.leave(joined),
    resyncSnapshot: ({ room, peer }) => resyncSnapshot(room, peer),
  });
  registry.onEachRoom((room) => {
    for (const f of features) f.attach?.(room);
  });
  log.info({ rooms: await registry.restore() }, 'rooms restored');
  await cluster.start();
  const meetings = new MeetingBook(deployment.store);
  await meetings.restore();
  if (config.demoRoomId && !(await registry.find(config.demoRoomId))) {
    await registry.createStored({ id: config.demoRoomId, title: 'Demo lesson' });
  }
  if (config.demoSchool) await directory.loadDemo({ registry, meetings, publicUrl: config.publicUrl });
  registerHttp(
    app,
    core,
    features,
    call.membership,
    meetings,
    joinTokens,
    messaging,
    recorder.scheduleBroadcast,
    directory.meetings,
  );

  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(config.host, config.port, (token) => {
      if (token) resolve(token);
      else reject(new Error(`cannot listen on ${config.host}:${config.port}`));
    });
  });
  const port = uWS.us_socket_local_port(listenSocket);
  const url = config.port === port ? config.publicUrl : config.publicUrl.replace(/:\d+$/, `:${port}`);
  publicUrl = url;
  origins.allowed = allowedOrigins(config, url, port);
  log.info({ port, url, workers: pool.size }, 'server listening');

  return {
    port,
    url,
    registry,
    tokens: core.tokens,
    pool,
    metrics,
    log,
    database,
    async close() {
      // Calls end now, lessons do not: features keep what the lesson still needs.
      for (const f of features) f.shutdown?.();
      await endOrHandOverCalls({
        stopListening: () => uWS.us_listen_socket_close(listenSocket),
        registry,
        membership: call.membership,
        callState: core.callState,
        cluster,
        ws,
        log,
      });
      for (const f of features) await f.close?.();
      await cluster.stop();
      pool.close();
      await deployment.close();
      await database?.end();
      app.close?.();
    },
  };
}

/** Workers, store, rooms, metrics, the WebSocket endpoint and the cluster: what every feature builds on. */
async function startCore(
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
    },
    log,
  );
  const deployment = await openDeployment(config.redisUrl, log);
  const registry = new RoomRegistry(pool, deployment.store, config.maxParticipantsPerRoom, log, mediaOptions);
  const callState = config.redisUrl ? new CallStateKeeper(deployment.store, log) : null;
  const tokens = new TokenService(config.tokenSecret, config.tokenIssuer);
  // Gauges are read at scrape time, after the WebSocket server and cluster below exist.
  const live = (): LiveCounts => liveCounts(registry, ws.connectionCount, cluster.counts());
  const metrics = new Metrics(live, () => pool.usage());
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
  return { app, gate, config, log, pool, registry, tokens, metrics, ws, cluster, deployment, callState };
}

/** Ends the call here of a room another host deleted or took over. */
function followOtherHosts(
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

/** The admin API, joining by code, every feature's routes, and the pages. */
function registerHttp(
  app: GuardedApp,
  core: Core,
  features: readonly Feature<never>[],
  membership: Membership,
  meetings: MeetingBook,
  joinTokens: JoinTokens,
  messaging: MessagingFeature,
  scheduleBroadcast: BroadcastScheduler,
  meetingAudience: MeetingAudience,
): void {
  const { config, registry, metrics, log, cluster, pool, ws } = core;
  const router = new HttpRouter(app, new AdminAuth(config.adminSecret), metrics, log, config.trustProxy);
  /** Ends a room's call (on its home too, when that is another host) and deletes it. */
  const deleteRoom = async (room: Room): Promise<void> => {
    membership.closeRoom(room);
    await registry.removeStored(room.id);
    cluster.roomDeleted(room.id);
  };
  const publicUrl = config.publicUrl;
  registerRoomRoutes(router, {
    registry,
    joinTokens,
    publicUrl,
    log,
    deleteRoom,
    listHosts: () => cluster.listHosts(),
  });
  registerMeetingRoutes(router, {
    registry,
    meetings,
    publicUrl,
    log,
    deleteRoom,
    scheduleBroadcast,
    audience: meetingAudience,
  });
  registerJoinRoutes(router, { registry, joinTokens, metrics, log, demoRoomId: config.demoRoomId });
  for (const f of features) f.routes?.(router);
  registerPageRoutes(router, {
    metrics,
    staticFiles: new StaticFiles(config.webRoot),
    demoRoomId: config.demoRoomId,
    health: () => ({
      // Up, but its store is away or frozen: not "ok" (redisClients.ts watches every connection).
      status: config.redisUrl && redisHealth().state !== 'ok' ? 'degraded' : 'ok',
      redis: config.redisUrl ? redisHealth() : null,
      workers: pool.size,
      rooms: registry.size,
      connections: ws.connectionCount,
      messenger: messaging.health(),
    }),
  });
  registerNotFound(router, metrics);
}

/**
 * Pages that may open the WebSocket: the public URL's, those configured,
 * and, when no public URL was set (a first run on one machine), this host
 * opened as localhost.
 */
function allowedOrigins(config: Config, url: string, port: number): string[] {
  const list = [new URL(url).origin, ...config.allowedOrigins];
  if (!config.publicUrlConfigured) list.push(`http://localhost:${port}`, `http://127.0.0.1:${port}`);
  return [...new Set(list)];
}
