// The messenger alone on its own listener: for a deployment that runs chat
// hosts apart from call hosts, and for tests that crash it on purpose
// (`node --import tsx messaging/standalone.ts`). Same environment variables
// as the server (PORT, HOST, REDIS_URL, TOKEN_SECRET, ADMIN_SECRET, CHAT_*).
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import uWS from 'uWebSockets.js';
import { type Logger, createLogger } from '../common/log.js';
import { loadMessagingConfig } from './config.js';
import { type MessagingHandle, mountMessaging } from './mount.js';

export interface StandaloneMessenger {
  port: number;
  handle: MessagingHandle;
  registry: client.Registry;
  close(): Promise<void>;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v || v.length < 32) throw new Error(`${name} is required (at least 32 characters)`);
  return v;
}

export async function startStandalone(env: NodeJS.ProcessEnv, log: Logger): Promise<StandaloneMessenger> {
  const app = uWS.App();
  const registry = new client.Registry();
  const handle = mountMessaging({
    app,
    config: loadMessagingConfig(env),
    redisUrl: env.REDIS_URL || null,
    tokenSecret: required(env, 'TOKEN_SECRET'),
    tokenIssuer: env.TOKEN_ISSUER || 'school-call',
    adminSecret: required(env, 'ADMIN_SECRET'),
    registry,
    calls: null,
    maxFrameBytes: 64 * 1024,
    log,
  });
  app.get('/healthz', (res) => {
    res.writeHeader('content-type', 'application/json').end(JSON.stringify({ messenger: handle.health() }));
  });
  app.get('/metrics', (res) => {
    res.onAborted(() => undefined);
    void registry
      .metrics()
      .then((text) => res.cork(() => res.writeHeader('content-type', registry.contentType).end(text)));
  });
  const listen = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(env.HOST || '127.0.0.1', Number(env.PORT ?? 0), (token) =>
      token ? resolve(token) : reject(new Error('cannot listen')),
    );
  });
  const port = uWS.us_socket_local_port(listen);
  return {
    port,
    handle,
    registry,
    async close() {
      uWS.us_listen_socket_close(listen);
      await handle.close();
      app.close?.();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const log = createLogger(process.env.LOG_LEVEL || 'info', { service: 'school-call-messenger' });
  const server = await startStandalone(process.env, log);
  log.info({ port: server.port }, 'messenger listening');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void server.close().then(() => process.exit(0)));
  }
}
