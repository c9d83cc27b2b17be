import type { Redis } from 'ioredis';
import type client from 'prom-client';
import type { Logger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import { openFileStorage } from '../common/storage/openFileStorage.js';
import type { RoomRegistry } from '../signaling/domain/roomRegistry.js';
import type { RoomFanout } from '../signaling/fanout/topics.js';
import type { GuardedApp } from '../signaling/http/guardedApp.js';
import type { JoinTokens } from '../signaling/http/joinTokens.js';
import { openRedis } from '../signaling/redisClients.js';
import type { Feature } from '../signaling/requests/features.js';
import type { SharedLimits } from '../signaling/security/sharedLimits.js';
import type { TokenRevocation } from '../signaling/tokenRevocation.js';
import type { ConnectionGate } from '../signaling/transport/connectionGate.js';
import { registerAdminRoutes } from './adminRoutes.js';
import { registerBotRoutes } from './botRoutes.js';
import { type CallRooms, CallStarter } from './calls.js';
import type { MessagingConfig } from './config.js';
import { CHAT_PATH, ChatEndpoint } from './endpoint.js';
import { FileLinks } from './fileLinks.js';
import { Downloads } from './files/downloads.js';
import { startUnsentSweep } from './files/unsentSweep.js';
import { Uploads } from './files/uploads.js';
import { registerInviteQr } from './inviteQr.js';
import { type CallChatRequest, callChatHandlers } from './lesson/callChatHandlers.js';
import { registerCommentRoutes } from './lesson/commentRoutes.js';
import { LessonChats } from './lesson/lessonChats.js';
import { deliverLessonChats } from './lesson/lessonDelivery.js';
import { UploadGrants } from './lesson/uploadGrants.js';
import { type LessonBook, LessonScheduler } from './lessonSchedule.js';
import { Messenger } from './messenger.js';
import { ChatMetrics } from './metrics.js';
import type { PersonLimits } from './personLimits.js';
import type { StoredUser } from './records.js';
// The messenger as a feature of the server: its own WebSocket endpoint
// (/chat) and HTTP routes (uploads, downloads, the admin API for people and
// chats, viewers' comments), the lesson chat of every room answered from the
// call's own socket (requests 90-119), and calls started from a chat. It
// keeps its history in the server's PostgreSQL and its own two Redis
// connections (commands, and the chat bus). Without DATABASE_URL or
// REDIS_URL everything answers "unavailable" and nothing else changes; a
// store that goes away makes requests fail with a typed UNAVAILABLE until it
// is back.
import { DEFAULT_RETENTION, RetentionJob } from './retention.js';
import { UserTokens } from './userTokens.js';
import { type SpeechToText, VoiceNotes } from './voiceNotes.js';

export interface MessagingDeps {
  app: GuardedApp;
  /** The process's one WebSocket gate (shared with /ws). */
  gate: ConnectionGate;
  trustProxy: boolean;
  /** A /chat connection that has not authenticated by then is closed. */
  authDeadlineSeconds: number;
  config: MessagingConfig;
  redisUrl: string | null;
  /** The server's PostgreSQL (schema migrated), the messenger's system of record. */
  database: Postgres | null;
  tokenSecret: string;
  tokenIssuer: string;
  /** Whether a token's person or session was cut off since it was minted (accounts). */
  revocation: TokenRevocation | null;
  /** The server's metrics registry. */
  metricsRegistry: client.Registry;
  /** Limits shared by every host (security/sharedLimits.ts). */
  limits: SharedLimits;
  /** The broadcast whose viewers' comments a viewer (by its cookies) reads and writes; null: none it may. */
  commentsOf: (roomId: string, cookie: string) => { code: string; live: boolean } | null;
  /** Rooms: each has a lesson chat; a chat can start a call in a new one. */
  registry: RoomRegistry;
  joinTokens: JoinTokens;
  /** Where the call's room events go (the in-call chat's live changes). */
  out: RoomFanout;
  maxFrameBytes: number;
  /** Voice messages' text (the transcriber), when a model is configured. */
  speech: SpeechToText | null;
  /** The time, when a test moves it (the edit window, retention). */
  clock?: () => number;
  /** How often retention looks for old messages (tests: less than ten minutes). */
  retentionEveryMs?: number;
  /** Base of links the messenger hands out (invitation QR codes). */
  publicUrl: string;
  /** The call server's meetings, for lessons teachers schedule from a chat. */
  lessonBook?: LessonBook;
  /** Told of every call started in a chat (the lessons part keeps which chat a room's lesson belongs to). */
  callStarted?: (call: {
    roomId: string;
    chatId: string;
    title: string;
    starter: StoredUser;
  }) => Promise<void>;
  log: Logger;
}

export interface MessagingFeature {
  feature: Feature<CallChatRequest>;
  messenger: Messenger | null;
  /** Calls started from chats (null without Redis). */
  calls: CallStarter | null;
  /** Closes this host's chat connections of a person (or of some of their sessions) at once. */
  closeConnections(match: (who: { userId: string; sessionId?: string }) => boolean, reason: string): void;
  health(): { status: 'ok' | 'unavailable' | 'off'; connections: number };
}

export const CHAT_MAX_BACKPRESSURE_BYTES = 4 * 1024 * 1024;

/** Rooms for calls started from a chat, and each member's own join link. */
function callRooms(
  registry: RoomRegistry,
  joinTokens: JoinTokens,
  callStarted: MessagingDeps['callStarted'],
  perPerson: PersonLimits,
): CallRooms {
  return {
    async createRoom(title, chatId, starter) {
      await perPerson.room(starter.id);
      const owner = { school: starter.school, staff: [starter.name] };
      const roomId = (await registry.createStored({ title, owner })).id;
      await callStarted?.({ roomId, chatId, title, starter });
      return roomId;
    },
    async joinUrl(roomId, user, role) {
      const room = await registry.find(roomId);
      if (!room) throw new Error(`room ${roomId} is gone`);
      const minted = await joinTokens.mint(
        room,
        { displayName: user.name, userId: user.id, sortName: user.sort },
        role,
      );
      return minted.joinUrl;
    },
  };
}

/** The lesson book with every room it makes counted against its organiser (personLimits.ts). */
function roomsCounted(book: LessonBook, perPerson: PersonLimits): LessonBook {
  return {
    check: (input) => book.check(input),
    of: (organiserId) => book.of(organiserId),
    async book(input, chatId, organiser) {
      await perPerson.room(organiser.id);
      return book.book(input, chatId, organiser);
    },
    async linkCall(title, organiser) {
      await perPerson.room(organiser.id);
      return book.linkCall(title, organiser);
    },
  };
}

export function createMessagingFeature(deps: MessagingDeps): MessagingFeature {
  const log = deps.log.child({ part: 'messaging' });
  const tokens = new UserTokens(deps.tokenSecret, deps.tokenIssuer, deps.revocation);
  let endpoint: ChatEndpoint | null = null;
  const metrics = new ChatMetrics(deps.metricsRegistry, () => endpoint?.connectionCount ?? 0);
  let messenger: Messenger | null = null;
  let lessons: LessonChats | null = null;
  const connections: Redis[] = [];
  let stopSweep = () => {};
  let stopRetention = () => {};
  // The uploads' bytes: the upload directory, or the bucket every host shares (docs/storage.md).
  const storage = openFileStorage(deps.config.bucket, { dir: deps.config.uploadDir, prefix: 'chat/' });
  if (deps.redisUrl && deps.database) {
    // The server's one failure policy: requests fail fast (typed UNAVAILABLE) while Redis is away or frozen.
    const redis = openRedis(deps.redisUrl, 'chat', log);
    const sub = openRedis(deps.redisUrl, 'chat-events', log, { subscriber: true });
    connections.push(redis, sub);
    messenger = new Messenger(
      deps.database,
      redis,
      sub,
      deps.config,
      (topic, bytes) => deps.app.publish(topic, bytes, true),
      metrics,
      log,
      deps.limits,
      storage,
    );
    lessons = new LessonChats(messenger);
    if (deps.clock) messenger.messages.now = deps.clock;
    if (deps.speech) {
      messenger.messages.voice = new VoiceNotes(messenger.messages, storage, deps.speech, log);
    }
    deliverLessonChats(messenger, lessons, deps.registry, deps.out);
    stopSweep = startUnsentSweep(messenger.files, deps.config.unsentUploadMs, log);
    void messenger.feed.start().catch((err: unknown) => log.error({ err }, 'cannot listen to chat events'));
    messenger.scheduled.start();
    messenger.bots.webhooks.start();
    const m = messenger;
    const retention = new RetentionJob(
      m.retention,
      (ids) => m.files.released(ids),
      (chatId, b) => m.bus.publish({ t: 'ex', c: chatId, s: b.upToSeq, n: b.unread, l: b.lastSeq }),
      log,
      deps.clock,
      DEFAULT_RETENTION,
      (n) => metrics.retentionRemoved.inc(n),
    );
    stopRetention = retention.start(deps.retentionEveryMs ?? 10 * 60_000);
  } else {
    log.info('DATABASE_URL or REDIS_URL is not set: the messenger is unavailable');
  }
  const files = () => messenger?.files ?? null;
  const fileLinks = new FileLinks(
    deps.tokenSecret,
    deps.config.fileUrlTtlSeconds,
    () => messenger?.chats ?? null,
    files,
  );
  const uploadGrants = new UploadGrants(deps.tokenSecret, deps.tokenIssuer);
  const calls = messenger
    ? new CallStarter(
        messenger,
        callRooms(deps.registry, deps.joinTokens, deps.callStarted, messenger.perPerson),
      )
    : null;
  const scheduler =
    messenger && deps.lessonBook
      ? new LessonScheduler(messenger, roomsCounted(deps.lessonBook, messenger.perPerson))
      : null;
  endpoint = new ChatEndpoint(
    deps.app,
    {
      maxFrameBytes: deps.maxFrameBytes,
      maxBackpressureBytes: CHAT_MAX_BACKPRESSURE_BYTES,
      idleTimeoutSeconds: 60,
      trustProxy: deps.trustProxy,
      authDeadlineSeconds: deps.authDeadlineSeconds,
      socketsPerPerson: deps.config.socketsPerPerson,
    },
    deps.gate,
    {
      messenger,
      tokens,
      calls,
      lessons: scheduler,
      fileLinks,
      metrics,
      log,
      maxFrameBytes: deps.maxFrameBytes,
    },
    metrics,
    log,
  );
  const chatEndpoint = endpoint;

  const feature: Feature<CallChatRequest> = {
    name: 'messaging',
    handlers: callChatHandlers(
      () => messenger,
      () => lessons,
      { grants: uploadGrants, links: fileLinks },
    ),
    attach(room) {
      if (!lessons) return;
      const l = lessons;
      const admit = (peer: Parameters<LessonChats['admit']>[1]) =>
        void l
          .admit(room, peer)
          .catch((err: unknown) => log.warn({ err, room: room.id }, 'cannot add someone to the lesson chat'));
      room.events.on('participantJoined', ({ peer }) => admit(peer));
      room.events.on('roleChanged', ({ peer }) => admit(peer));
      room.events.on('userBanned', ({ userId }) => {
        void l
          .banned(room, userId)
          .catch((err: unknown) =>
            log.warn({ err, room: room.id }, 'cannot take a banned person out of the lesson chat'),
          );
      });
      room.events.on('callEnded', ({ handedOver }) => l.forget(room.id, handedOver));
      // The last person left: that lesson is over (a guest of the next one does not read it).
      room.events.on('participantLeft', () => {
        if (room.peers.size > 0) return;
        void l
          .lessonOver(room.id)
          .catch((err: unknown) => log.error({ err, room: room.id }, "cannot end the lesson chat's lesson"));
      });
    },
    routes(router) {
      chatEndpoint.attach();
      new Uploads(
        deps.config.uploadDir,
        storage,
        deps.config.maxUploadBytes,
        () => messenger,
        files,
        tokens,
        metrics,
        log,
        uploadGrants,
      ).register(router);
      new Downloads(
        storage,
        fileLinks,
        tokens,
        files,
        () => messenger?.chatStore ?? null,
        metrics,
        log,
      ).register(router.app);
      registerAdminRoutes(router, { tokens, messenger });
      registerBotRoutes(router, { bots: () => messenger?.bots ?? null, metrics });
      registerCommentRoutes(router, {
        messenger,
        registry: deps.registry,
        metrics,
        limits: deps.limits,
        commentsOf: deps.commentsOf,
      });
      registerInviteQr(router, { invites: () => messenger?.invites ?? null, publicUrl: deps.publicUrl });
      log.info({ path: CHAT_PATH, store: messenger ? 'postgres' : 'none' }, 'messenger ready');
    },
    async close() {
      stopSweep();
      stopRetention();
      messenger?.scheduled.stop();
      chatEndpoint.closeAll('the server is shutting down');
      for (const r of connections) r.disconnect();
      // Tries under way finish; deliveries not yet sent stay in PostgreSQL for the next start.
      await messenger?.bots.webhooks.stop();
    },
  };
  return {
    feature,
    messenger,
    calls,
    closeConnections: (match, reason) => chatEndpoint.closeWhere(match, reason),
    health: () => ({
      status: !messenger ? 'off' : messenger.available ? 'ok' : 'unavailable',
      connections: chatEndpoint.connectionCount,
    }),
  };
}
