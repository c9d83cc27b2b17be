// Wires the parts together: the core (core.ts: worker pool, deployment,
// rooms, metrics, the guarded app, the WebSocket endpoint, the cluster), the
// features (each its handlers, room listeners and HTTP routes), the HTTP side
// (httpRoutes.ts, probes.ts), listening, draining and closing. startServer()
// is what main.ts and the integration tests call.
// Over 400 lines: the order of starting and stopping the parts is one
// sequence (what must be up before what, what drains first), read best whole.
import type { Agent } from 'node:https';
import uWS from 'uWebSockets.js';
import { attendanceStore, createAttendance } from '../attendance/feature.js';
import { startAwards } from '../awards/feature.js';
import { type Logger, createLogger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import { openFileStorage } from '../common/storage/openFileStorage.js';
import { createDirectoryFeature } from '../directory/feature.js';
import { startDocuments } from '../documents/feature.js';
import { createHomeworkFeature } from '../homework/feature.js';
import { createMessagingFeature } from '../messaging/feature.js';
import type { Caller } from '../messaging/permissions.js';
import { UserTokens } from '../messaging/userTokens.js';
import { type Notifications, startNotifications } from '../notifications/feature.js';
import { createRecorderFeature } from '../recorder/feature.js';
import type { WorkerPool } from '../sfu/workerPool.js';
import { AdminAuth } from '../signaling/adminAuth.js';
import { createCallFeature } from '../signaling/call/feature.js';
import { createControlsFeature } from '../signaling/controls/feature.js';
import { MeetingBook } from '../signaling/domain/meetings.js';
import type { RoomRegistry } from '../signaling/domain/roomRegistry.js';
import { Drain } from '../signaling/drain.js';
import { JoinTokens } from '../signaling/http/joinTokens.js';
import { registerNotFound } from '../signaling/http/pageRoutes.js';
import { registerProbeRoutes } from '../signaling/http/probeRoutes.js';
import type { Metrics } from '../signaling/metrics.js';
import { handlerTable } from '../signaling/requests/features.js';
import { turnCredentials } from '../signaling/security/turnCredentials.js';
import { endOrHandOverCalls } from '../signaling/shutdown.js';
import { MAX_TOKEN_TTL_SECONDS, type TokenService } from '../signaling/tokens.js';
import { createViewingFeature } from '../signaling/viewing/feature.js';
import { resyncSnapshot } from '../signaling/wire/snapshots.js';
import { createSubtitlesFeature } from '../transcriber/subtitlesFeature.js';
import { transcribeVoiceMessage } from '../transcriber/voiceMessage.js';
import { createWhiteboardFeature } from '../whiteboard/feature.js';
import { assembleAccounts } from './accounts.js';
import { assembleActivity, lessonHeld } from './activity.js';
import type { Config } from './config.js';
import { followOtherHosts, startCore } from './core.js';
import { openDatabase } from './database.js';
import { allowedOrigins, registerHttp } from './httpRoutes.js';
import { meetingLessonBook, upcomingLessons } from './lessonBook.js';
import { lessonFiles } from './lessonFiles.js';
import { listenForMetrics, probeDeps } from './probes.js';

/** Who the demo room's host link names: the person running the server, for up to a week. */
const DEMO_OWNER = { displayName: 'Учитель', userId: 'demo-owner', ttlSeconds: MAX_TOKEN_TTL_SECONDS };

export interface RunningServer {
  port: number;
  url: string;
  /** The separate metrics listener's port (METRICS_PORT), or null. */
  metricsPort: number | null;
  registry: RoomRegistry;
  tokens: TokenService;
  pool: WorkerPool;
  metrics: Metrics;
  log: Logger;
  /** PostgreSQL with every part's schema migrated; null without DATABASE_URL. */
  database: Postgres | null;
  /** Web Push (null without the messenger's database). */
  notifications: Notifications | null;
  /** A new server's one-time code for its first school administrator (null once a school exists). */
  setupCode: string | null;
  /**
   * The demo room's host link (DEMO_ROOM), for whoever runs the server: the
   * demo room's one owner. Visitors from /demo are participants, never hosts.
   */
  demoHostLink: string | null;
  /** SIGTERM's first half: no new lessons, /readyz 503, running ones told and awaited (drain.ts). */
  drain(seconds: number, cut: Promise<unknown>): Promise<void>;
  close(): Promise<void>;
}

/** What tests hand the server besides its settings. */
export interface ServerExtras {
  /** TLS settings for reaching push services (a test trusts its local one). */
  pushAgent?: Agent;
  /** How often lesson reminders are looked for (tests: less than the half minute). */
  reminderEveryMs?: number;
  /** The messenger's clock (tests move it forward instead of waiting out a window). */
  clock?: () => number;
  /** How often retention looks for old messages (default ten minutes). */
  retentionEveryMs?: number;
}

export async function startServer(
  config: Config,
  log: Logger = createLogger(config.logLevel),
  extras: ServerExtras = {},
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
  const drain = new Drain({
    registry,
    membership: call.membership,
    toRoom: (room, event) => call.fanout.toRoom(room, event),
    resumes: cluster.handsOver,
    log,
  });
  // Transcripts in the shared bucket (any host reads them) or in TRANSCRIPT_DIR.
  const transcripts = openFileStorage(config.bucket, {
    dir: config.transcriber.transcriptDir,
    prefix: 'transcripts/',
  });
  const subtitles = createSubtitlesFeature({
    config: config.transcriber,
    out: ws,
    metrics,
    speakingThresholdDbov: config.speakingThresholdDbov,
    transcripts,
    log,
  });
  const joinTokens = new JoinTokens(core.tokens, config.publicUrl);
  const meetings = new MeetingBook(deployment.store);
  // The public URL has its real port once the server listens (tests listen on port 0).
  let publicUrl = config.publicUrl;
  const attendanceRows = database ? attendanceStore(database) : null;
  const messaging = createMessagingFeature({
    app,
    // The recorder is made below; comments are asked for only once the server runs.
    commentsOf: (roomId, cookie) => recorder.commentsOf(roomId, cookie),
    gate: core.gate,
    trustProxy: config.trustProxy,
    authDeadlineSeconds: config.joinDeadlineSeconds,
    config: config.messaging,
    redisUrl: config.redisUrl,
    database,
    tokenSecret: config.tokenSecret,
    tokenIssuer: config.tokenIssuer,
    revocation: core.revocation,
    metricsRegistry: metrics.registry,
    limits: core.limits,
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
    lessonBook: meetingLessonBook(registry, meetings, joinTokens, () => publicUrl),
    // A call started in a chat hands its lessons back there («Итоги урока»).
    callStarted: async ({ roomId, chatId }) => attendanceRows?.rememberChat(roomId, chatId),
    clock: extras.clock,
    retentionEveryMs: extras.retentionEveryMs,
    log,
  });
  const attendance =
    messaging.messenger && attendanceRows
      ? createAttendance({
          messenger: messaging.messenger,
          store: attendanceRows,
          // A lesson booked in a chat, or a class's lesson the school's system announced (made below).
          scheduledChatOf: async (roomId) =>
            meetings.all().find((m) => m.roomId === roomId)?.chatId ||
            (await directory.meetings.targetOf([roomId]))[0]?.chatId ||
            null,
          // The activity figures are made below (they need the accounts' edge); lessons end later.
          lessonEnded: async (lesson, people) => activity?.lessonEnded(lessonHeld(lesson, people)),
          // The recorder and the whiteboard are made below; files are asked for only once the server runs.
          files: lessonFiles({
            recorder: () => recorder,
            whiteboard: () => whiteboard,
            transcripts,
          }),
          now: extras.clock,
          log,
        })
      : null;
  const notifications =
    messaging.messenger && database
      ? await startNotifications({
          messenger: messaging.messenger,
          db: database,
          metricsRegistry: metrics.registry,
          log,
          push: config.push,
          ...(extras.pushAgent ? { agent: extras.pushAgent } : {}),
          ...(config.push.lessonReminderMinutes > 0
            ? {
                reminders: {
                  lessons: upcomingLessons(meetings),
                  leadMinutes: config.push.lessonReminderMinutes,
                  everyMs: extras.reminderEveryMs,
                  now: extras.clock,
                },
              }
            : {}),
        })
      : null;
  const recorder = createRecorderFeature({
    storage: {
      dir: config.recordingsDir,
      // Finished recordings in the shared bucket (every host serves them) or in RECORDINGS_DIR.
      files: openFileStorage(config.bucket, { dir: config.recordingsDir, prefix: 'recordings/' }),
      retentionDays: config.recordingRetentionDays,
      minFreeBytes: config.recordingMinFreeBytes,
    },
    recordingsAtOnce: config.recordingsAtOnce,
    recordingsPerSchool: config.recordingsPerSchool,
    publicUrl: () => publicUrl,
    secret: config.tokenSecret,
    adminSecret: config.adminSecret,
    tokens: core.tokens,
    out: ws,
    metrics,
    limits: core.limits,
    demo: config.demoSchool,
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
    limits: core.limits,
    admit: async (room, peer) => {
      await call.membership.admit(room, peer);
    },
    demoTokens: config.demoSchool
      ? new UserTokens(config.tokenSecret, config.tokenIssuer, core.revocation)
      : null,
    log,
  });
  const accounts = assembleAccounts({
    config,
    database,
    messaging,
    directory,
    registry,
    tokens: core.tokens,
    revocation: core.revocation,
    membership: call.membership,
    meetings: () => meetings,
    publicUrl: () => publicUrl,
    metricsRegistry: metrics.registry,
    log,
  });
  core.revocation.use(accounts.revocation);
  const activity = assembleActivity({
    messenger: messaging.messenger,
    database,
    directory: directory.store,
    accounts,
    ...(extras.clock ? { now: extras.clock } : {}),
    log,
  });
  const childrenOf = async (caller: Caller) =>
    (await directory.store?.placements(caller.user.school, [caller.user.id]))?.[0]?.children ?? [];
  const homework =
    messaging.messenger && database
      ? createHomeworkFeature({
          messenger: messaging.messenger,
          db: database,
          tokenSecret: config.tokenSecret,
          childrenOf,
          log,
        })
      : null;
  if (messaging.messenger && database) {
    startDocuments({
      messenger: messaging.messenger,
      db: database,
      defaultQuotaBytes: messaging.messenger.config.documentsQuotaBytes,
    });
    startAwards({
      messenger: messaging.messenger,
      db: database,
      verified: (schoolId) => accounts.verified(schoolId),
      childrenOf,
      classesOf: async (schoolId, ids) =>
        ((await directory.store?.placements(schoolId, ids)) ?? []).map((p) => p?.classes ?? []),
    });
  }
  const features = [
    call.feature,
    controls,
    viewing,
    subtitles.feature,
    // Before the messenger: a lesson ending at shutdown still posts its recap before the chat's Redis closes.
    ...(attendance ? [attendance.feature] : []),
    messaging.feature,
    directory.feature,
    accounts.feature,
    recorder.feature,
    whiteboard,
    ...(homework ? [homework] : []),
    ...(activity ? [activity.feature] : []),
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
  await meetings.restore();
  if (config.demoRoomId && !(await registry.find(config.demoRoomId))) {
    await registry.createStored({ id: config.demoRoomId, title: 'Пробный урок' });
  }
  if (config.demoSchool) await directory.loadDemo({ registry, meetings, publicUrl: config.publicUrl });
  const router = registerHttp(
    app,
    core,
    features,
    call.membership,
    meetings,
    joinTokens,
    messaging,
    recorder.scheduleBroadcast,
    directory.meetings,
    () => origins.allowed,
  );
  const probes = probeDeps(core, messaging, drain);
  registerProbeRoutes(router, probes.main);
  registerNotFound(router, metrics);
  const metricsListener = probes.separate ? await listenForMetrics(config, core, probes.separate) : null;

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
  log.info({ port, url, workers: pool.size, metricsPort: metricsListener?.port ?? null }, 'server listening');
  if (config.metrics.kind === 'open') {
    log.warn('/metrics is open to anyone who reaches this port: set METRICS_PORT or METRICS_SECRET');
  }
  const setupCode = await accounts.start();
  const demoRoom = config.demoRoomId ? registry.get(config.demoRoomId) : undefined;
  const demoHostLink = demoRoom
    ? (await joinTokens.mint(demoRoom, DEMO_OWNER, 'host')).joinUrl.replace(config.publicUrl, url)
    : null;

  return {
    port,
    url,
    metricsPort: metricsListener?.port ?? null,
    registry,
    tokens: core.tokens,
    pool,
    metrics,
    log,
    database,
    notifications,
    setupCode,
    demoHostLink,
    drain: (seconds, cut) => drain.run(seconds, cut),
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
      await notifications?.close();
      for (const f of features) await f.close?.();
      await cluster.stop();
      metricsListener?.close();
      pool.close();
      await deployment.close();
      core.limits.close();
      await database?.end();
      app.close?.();
    },
  };
}
