// Puts the messenger on a uWebSockets.js app: the /chat socket, uploads,
// downloads and the admin routes, over its own two Redis connections
// (commands, and events). Without REDIS_URL everything answers "unavailable"
// and nothing else changes; a Redis that goes away makes requests fail with
// CHAT_ERROR_UNAVAILABLE until it is back.
import { Redis } from 'ioredis';
import type client from 'prom-client';
import type uWS from 'uWebSockets.js';
import { AdminAuth } from '../signaling/adminAuth.js';
import type { Logger } from '../common/log.js';
import { registerAdminRoutes } from './adminRoutes.js';
import { type CallRooms, CallStarter } from './calls.js';
import type { MessagingConfig } from './config.js';
import { CHAT_PATH, ChatEndpoint } from './endpoint.js';
import { FileLinks } from './fileLinks.js';
import { Downloads } from './files/downloads.js';
import { Uploads } from './files/uploads.js';
import { Messenger } from './messenger.js';
import { ChatMetrics } from './metrics.js';
import { UserTokens } from './userTokens.js';

export interface MessagingDeps {
  app: uWS.TemplatedApp;
  config: MessagingConfig;
  redisUrl: string | null;
  tokenSecret: string;
  tokenIssuer: string;
  adminSecret: string;
  registry: client.Registry;
  /** The call server's rooms, for calls started from a chat. */
  calls: CallRooms | null;
  maxFrameBytes: number;
  log: Logger;
}

export interface MessagingHandle {
  messenger: Messenger | null;
  tokens: UserTokens;
  metrics: ChatMetrics;
  health(): { status: 'ok' | 'unavailable' | 'off'; connections: number };
  close(): Promise<void>;
}

export const CHAT_MAX_BACKPRESSURE_BYTES = 4 * 1024 * 1024;

export function mountMessaging(deps: MessagingDeps): MessagingHandle {
  const log = deps.log.child({ part: 'messaging' });
  const tokens = new UserTokens(deps.tokenSecret, deps.tokenIssuer);
  let endpoint: ChatEndpoint | null = null;
  const metrics = new ChatMetrics(deps.registry, () => endpoint?.connectionCount ?? 0);
  let messenger: Messenger | null = null;
  let redis: Redis | null = null;
  let sub: Redis | null = null;
  if (deps.redisUrl) {
    // Requests fail fast while Redis is away (typed UNAVAILABLE) instead of queueing.
    redis = new Redis(deps.redisUrl, {
      enableAutoPipelining: true,
      maxRetriesPerRequest: 1,
      commandTimeout: 10_000,
    });
    sub = new Redis(deps.redisUrl);
    for (const [name, r] of [
      ['commands', redis],
      ['events', sub],
    ] as const) {
      r.on('error', (err) => log.warn({ err, connection: name }, 'chat store connection error'));
    }
    messenger = new Messenger(
      redis,
      sub,
      deps.config,
      (topic, bytes) => deps.app.publish(topic, bytes, true),
      metrics,
      log,
    );
    const m = messenger;
    void m.feed.start().catch((err: unknown) => log.error({ err }, 'cannot listen to chat events'));
  } else {
    log.warn('REDIS_URL is not set: the messenger is unavailable');
  }
  const files = () => messenger?.files ?? null;
  const fileLinks = new FileLinks(
    deps.tokenSecret,
    deps.config.fileUrlTtlSeconds,
    () => messenger?.chats ?? null,
    files,
  );
  const calls = messenger && deps.calls ? new CallStarter(messenger, deps.calls) : null;
  endpoint = new ChatEndpoint(
    deps.app,
    {
      maxFrameBytes: deps.maxFrameBytes,
      maxBackpressureBytes: CHAT_MAX_BACKPRESSURE_BYTES,
      idleTimeoutSeconds: 60,
    },
    { messenger, tokens, calls, fileLinks, metrics, log, maxFrameBytes: deps.maxFrameBytes },
    metrics,
    log,
  );
  endpoint.attach();
  new Uploads(
    deps.config.uploadDir,
    deps.config.maxUploadBytes,
    () => messenger,
    files,
    tokens,
    metrics,
    log,
  ).register(deps.app);
  new Downloads(
    deps.config.uploadDir,
    fileLinks,
    tokens,
    files,
    () => messenger?.chatStore ?? null,
    metrics,
    log,
  ).register(deps.app);
  registerAdminRoutes(deps.app, { auth: new AdminAuth(deps.adminSecret), tokens, messenger, metrics, log });
  log.info({ path: CHAT_PATH, store: deps.redisUrl ? 'redis' : 'none' }, 'messenger mounted');

  return {
    messenger,
    tokens,
    metrics,
    health: () => ({
      status: !messenger ? 'off' : messenger.available ? 'ok' : 'unavailable',
      connections: endpoint?.connectionCount ?? 0,
    }),
    async close() {
      endpoint?.closeAll('the server is shutting down');
      redis?.disconnect();
      sub?.disconnect();
    },
  };
}
