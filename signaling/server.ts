// Wires the parts together: worker pool, deployment (single host or Redis),
// rooms, the features (each its handlers, room listeners and HTTP routes),
// the WebSocket and HTTP endpoints, and metrics. startServer() is what
// main.ts and the integration tests call.
import uWS from 'uWebSockets.js';
import { type Logger, createLogger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { HostLoad } from '../sfu/hostRegistry.js';
import { WorkerPool } from '../sfu/workerPool.js';
import { AdminAuth } from './adminAuth.js';
import { Consuming } from './call/consuming.js';
import { EmptyRooms } from './call/emptyRooms.js';
import { type CallRequest, callHandlers } from './call/handlers.js';
import { MediaRecovery } from './call/mediaRecovery.js';
import { Membership } from './call/membership.js';
import { Moves } from './call/moves.js';
import { Producing } from './call/producing.js';
import { SessionTokens } from './call/sessionTokens.js';
import { Transports } from './call/transports.js';
import type { Config } from './config.js';
import { BreakoutControl } from './controls/breakouts.js';
import { type ControlRequest, controlHandlers } from './controls/handlers.js';
import { Hands } from './controls/hands.js';
import { Moderation } from './controls/moderation.js';
import { SettingsControl } from './controls/settings.js';
import { WaitingRoomControl } from './controls/waitingRoom.js';
import { openDeployment } from './deployment.js';
import { MeetingBook } from './domain/meetings.js';
import type { Room } from './domain/room.js';
import { RoomRegistry } from './domain/roomRegistry.js';
import { ClientFanout } from './fanout/clientFanout.js';
import { registerJoinRoutes } from './http/joinRoutes.js';
import { JoinTokens } from './http/joinTokens.js';
import { registerMeetingRoutes } from './http/meetingRoutes.js';
import { registerNotFound, registerPageRoutes } from './http/pageRoutes.js';
import { registerRoomRoutes } from './http/roomRoutes.js';
import { HttpRouter } from './http/router.js';
import { StaticFiles } from './http/staticFiles.js';
import { type LiveCounts, Metrics } from './metrics.js';
import { type Feature, handlerTable } from './requests/features.js';
import { TokenService } from './tokens.js';
import { WsServer } from './transport/wsServer.js';
import { resyncSnapshot } from './wire/snapshots.js';

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
  const tokens = new TokenService(config.tokenSecret, config.tokenIssuer);
  const app = uWS.App();

  // Live gauges are read at scrape time from the state itself.
  const live = (): LiveCounts => {
    const c: LiveCounts = {
      roomsDefined: registry.size,
      roomsLive: 0,
      participants: 0,
      connections: ws.connectionCount,
      transports: 0,
      producers: { audio: 0, video: 0 },
      consumers: { audio: 0, video: 0 },
      ...cluster.counts(),
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
  const hostLoad = (): HostLoad => {
    const c = live();
    return { rooms: c.roomsLive, participants: c.participants, workers: pool.size };
  };

  const ws = new WsServer(
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
  const cluster = deployment.createCluster({
    self: { id: config.hostId, publicUrl: config.publicUrl, mediaIp: config.mediaAnnouncedIp },
    hostLoad,
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
    beforeServing: (roomId) => registry.reloadIfIdle(roomId),
    closeRoomHere: (roomId) => {
      const room = registry.get(roomId);
      if (!room) return;
      membership.closeRoom(room);
      registry.delete(roomId);
      log.info({ room: roomId }, 'room deleted on another host; call ended');
    },
    handOver: (roomId) => {
      const room = registry.get(roomId);
      if (room) {
        membership.endCall(
          room,
          pb.CloseReason.CLOSE_REASON_MEDIA_RESTART,
          'the lesson moved to another server; rejoin',
        );
      }
    },
    heartbeatMs: config.hostHeartbeatMs,
    log,
    metrics,
  });
  ws.useCluster(cluster);

  // The call itself, and the lesson controls.
  const fanout = new ClientFanout(ws);
  const sessionTokens = new SessionTokens(tokens);
  const membership = new Membership(registry, tokens, sessionTokens, log);
  const recovery = new MediaRecovery(membership, log);
  const emptyRooms = new EmptyRooms();
  const moves = new Moves(log);
  const call: Feature<CallRequest> = {
    name: 'call',
    handlers: callHandlers({
      membership,
      sessionTokens,
      transports: new Transports(cluster, recovery, log),
      producing: new Producing(log),
      consuming: new Consuming(),
    }),
    attach: (room: Room) => {
      fanout.attach(room);
      recovery.attach(room);
      emptyRooms.attach(room);
    },
    close: () => {
      fanout.dispose();
      emptyRooms.dispose();
    },
  };
  const controls: Feature<ControlRequest> = {
    name: 'controls',
    handlers: controlHandlers({
      settings: new SettingsControl(log),
      waitingRoom: new WaitingRoomControl(membership, log),
      moderation: new Moderation(membership, fanout, log),
      hands: new Hands(fanout),
      breakouts: new BreakoutControl(moves, fanout, log),
    }),
  };
  const features = [call, controls] as const;

  ws.attach('/ws', {
    handlers: handlerTable(features),
    leaveRoom: (joined) => membership.leave(joined),
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

  const router = new HttpRouter(app, new AdminAuth(config.adminSecret), metrics, log, config.trustProxy);
  const joinTokens = new JoinTokens(tokens, config.publicUrl);
  /** Ends a room's call (on its home too, when that is another host) and deletes it. */
  const deleteRoom = async (room: Room): Promise<void> => {
    membership.closeRoom(room);
    await registry.removeStored(room.id);
    cluster.roomDeleted(room.id);
  };
  registerRoomRoutes(router, {
    registry,
    joinTokens,
    publicUrl: config.publicUrl,
    log,
    deleteRoom,
    listHosts: () => cluster.listHosts(),
  });
  registerMeetingRoutes(router, { registry, meetings, publicUrl: config.publicUrl, log, deleteRoom });
  registerJoinRoutes(router, { registry, joinTokens, metrics, log, demoRoomId: config.demoRoomId });
  for (const f of features) f.routes?.(router);
  registerPageRoutes(router, {
    metrics,
    staticFiles: new StaticFiles(config.webRoot),
    demoRoomId: config.demoRoomId,
    health: () => ({
      status: 'ok',
      workers: pool.size,
      rooms: registry.size,
      connections: ws.connectionCount,
    }),
  });
  registerNotFound(router, metrics);

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
      for (const room of [...registry.all()]) membership.closeRoom(room);
      ws.closeAll(pb.CloseReason.CLOSE_REASON_SERVER_SHUTDOWN, 'server is shutting down');
      for (const f of features) await f.close?.();
      await cluster.stop();
      pool.close();
      await deployment.close();
      app.close?.();
    },
  };
}
