// Starts the real server in-process on free ports with one mediasoup worker.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, loadConfig } from '../../app/config.js';
import { type RunningServer, type ServerExtras, startServer } from '../../app/server.js';
import { createLogger } from '../../common/log.js';
import { type TestDatabase, startPostgres } from './postgres.js';

// A deployment is a Redis and a PostgreSQL: servers given the same REDIS_URL
// (several hosts, or one restarted) share one test database, kept until the
// run's cluster stops, unless the test names its own DATABASE_URL.
const databases = new Map<string, Promise<TestDatabase>>();

/** The test database of the deployment whose Redis is `redisUrl`. */
export function databaseFor(redisUrl: string): Promise<TestDatabase> {
  let db = databases.get(redisUrl);
  if (!db) {
    db = startPostgres();
    databases.set(redisUrl, db);
  }
  return db;
}

async function portIsFree(port: number): Promise<boolean> {
  const tcpFree = await new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
  if (!tcpFree) return false;
  return new Promise<boolean>((resolve) => {
    const sock = createSocket('udp4');
    sock.once('error', () => resolve(false));
    sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
  });
}

/**
 * The first of `count` consecutive ports free for both TCP and UDP right now
 * (worker i's WebRtcServer listens on base + i, both protocols).
 */
export async function freeTcpUdpPort(count = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    if (base < 1024 || base + count > 65535) continue;
    let free = true;
    for (let i = 0; i < count && free; i++) free = await portIsFree(base + i);
    if (free) return base;
  }
  throw new Error('no free port');
}

export interface TestServer extends RunningServer {
  config: Config;
  wsUrl: string;
  httpUrl: string;
  adminHeaders: Record<string, string>;
}

export async function startTestServer(
  overrides: Record<string, string> = {},
  extras: ServerExtras = {},
): Promise<TestServer> {
  // Other processes on a busy machine may take a port between our check and
  // the workers' bind; a fresh set of ports fixes that.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts(overrides, extras);
    } catch (err) {
      if (attempt >= 3 || !String((err as Error).cause ?? err).includes('address already in use')) throw err;
    }
  }
}

async function startOnFreePorts(
  overrides: Record<string, string>,
  extras: ServerExtras,
): Promise<TestServer> {
  const workers = Number(overrides.MEDIASOUP_WORKERS ?? '1');
  const env: Record<string, string> = {
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
    PORT: '0',
    HOST: '127.0.0.1',
    MEDIA_LISTEN_IP: '127.0.0.1',
    MEDIA_ANNOUNCED_IP: '127.0.0.1',
    MEDIASOUP_WORKERS: '1',
    RTC_BASE_PORT: String(await freeTcpUdpPort(workers)),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    WEB_ROOT: fileURLToPath(new URL('../../web/dist', import.meta.url)),
    // Each test server records into a directory of its own, removed when it closes.
    RECORDINGS_DIR: mkdtempSync(join(tmpdir(), 'test-recordings-')),
    RECORDING_MIN_FREE_MB: '1',
    ...overrides,
  };
  if (env.REDIS_URL && env.DATABASE_URL === undefined)
    env.DATABASE_URL = (await databaseFor(env.REDIS_URL)).url;
  const config = loadConfig(env);
  const server = await startServer(config, createLogger(config.logLevel, { test: true }), extras);
  const httpUrl = `http://127.0.0.1:${server.port}`;
  return {
    ...server,
    async close() {
      await server.close();
      if (!overrides.RECORDINGS_DIR) rmSync(env.RECORDINGS_DIR!, { recursive: true, force: true });
    },
    config,
    httpUrl,
    wsUrl: `ws://127.0.0.1:${server.port}/ws`,
    adminHeaders: { authorization: `Bearer ${config.adminSecret}`, 'content-type': 'application/json' },
  };
}

/** Creates a room and returns a token for it via the admin API. */
export async function createRoomWithToken(
  server: TestServer,
  roomId: string,
  people: { displayName: string; role?: string; userId?: string }[],
): Promise<{ token: string; joinUrl: string; userId: string }[]> {
  const created = await fetch(`${server.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: server.adminHeaders,
    body: JSON.stringify({ id: roomId, title: `Room ${roomId}` }),
  });
  if (created.status !== 201 && created.status !== 409) throw new Error(`create room: ${created.status}`);
  const out: { token: string; joinUrl: string; userId: string }[] = [];
  for (const p of people) {
    const res = await fetch(`${server.httpUrl}/api/rooms/${roomId}/tokens`, {
      method: 'POST',
      headers: server.adminHeaders,
      body: JSON.stringify(p),
    });
    if (res.status !== 201) throw new Error(`mint token: ${res.status} ${await res.text()}`);
    out.push((await res.json()) as { token: string; joinUrl: string; userId: string });
  }
  return out;
}
