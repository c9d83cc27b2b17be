// Server configuration from environment variables, with single-host defaults.
import { existsSync, readFileSync } from 'node:fs';
import { cpus, hostname, networkInterfaces } from 'node:os';
import { type AccountsConfig, loadAccountsConfig } from '../accounts/config.js';
import {
  baseUrlFromEnv,
  boolFromEnv,
  hostFromEnv,
  intFromEnv,
  ipFromEnv,
  oneOfFromEnv,
  pathFromEnv,
  recordingsDirFromEnv,
} from '../common/envValues.js';
import { parseDatabaseUrl } from '../common/postgres/connect.js';
import { type ObjectStoreSettings, objectStoreFromEnv } from '../common/storage/fileStorage.js';
import { type MessagingConfig, loadMessagingConfig } from '../messaging/config.js';
import type { TurnConfig } from '../signaling/security/turnCredentials.js';
import { type TranscriberConfig, loadTranscriberConfig } from '../transcriber/config.js';
import { type WhiteboardConfig, loadWhiteboardConfig } from '../whiteboard/config.js';

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  adminSecret: string;
  tokenSecret: string;
  tokenIssuer: string;
  logLevel: string;
  numWorkers: number;
  mediaListenIp: string;
  mediaAnnouncedIp: string;
  /** First UDP/TCP port of the per-worker WebRTC servers (worker i uses base + i). */
  rtcBasePort: number;
  /** Ports of the other transports (between hosts, to the recorder and transcriber). */
  mediaPorts: { min: number; max: number };
  maxParticipantsPerRoom: number;
  maxFrameBytes: number;
  /** Unsent bytes a slow client may hold before it is taken out of fan-out. */
  maxBackpressureBytes: number;
  /** Audio quieter than this (dBov) does not count as speaking. */
  speakingThresholdDbov: number;
  /** Receive transports per router before a room grows onto another worker. */
  recvTransportsPerRouter: number;
  /** Cameras forwarded to each receiver (the last N active speakers') unless a room sets its own; 0: all. */
  lastN: number;
  demoRoomId: string | null;
  /** Load the demo school when no directory exists, and let anyone try it as its people (/school-demo). */
  demoSchool: boolean;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  trustProxy: boolean;
  /** Shared Redis of a multi-host deployment; null on a single host. */
  redisUrl: string | null;
  /** PostgreSQL, the system of record (DATABASE_URL); null: none (scripts/run.sh always gives one). */
  databaseUrl: string | null;
  /** Connections this host opens to PostgreSQL at most. */
  databasePoolSize: number;
  /** This host's name among the hosts sharing the Redis. */
  hostId: string;
  hostHeartbeatMs: number;
  webRoot: string;
  /** Serve the web client's source maps (a developer's machine; off in production: they show the whole source). */
  webSourceMaps: boolean;
  /** The whiteboard's limits (WHITEBOARD_* variables). */
  whiteboard: WhiteboardConfig;
  /** Subtitles and transcripts (transcriber/config.ts). */
  transcriber: TranscriberConfig;
  /** The messenger's settings (CHAT_* variables). */
  messaging: MessagingConfig;
  /** Sign-in, sessions, activation codes, schools' single sign-on (accounts/config.ts). */
  accounts: AccountsConfig;
  /** Recordings, their pieces while they run, and broadcast links. */
  recordingsDir: string;
  /** The shared bucket (S3_*) finished recordings and transcripts go to; null: they stay in their directories. */
  bucket: ObjectStoreSettings | null;
  /** Finished recordings older than this are deleted. */
  recordingRetentionDays: number;
  /** Below this much free disk space a recording stops (and none starts). */
  recordingMinFreeBytes: number;
  /** Lessons recorded or broadcast at once on this server (each pipeline costs about a fifth of a core). */
  recordingsAtOnce: number;
  /** ... of one school, on all hosts together (RECORDINGS_PER_SCHOOL). */
  recordingsPerSchool: number;
  /** WebSocket connections this host holds at most; beyond, new ones get a 503. */
  maxConnections: number;
  /** Connections from one address that have not joined a room yet. */
  maxPendingConnectionsPerAddress: number;
  /** A connection that has not joined a room by then is closed. */
  joinDeadlineSeconds: number;
  /** Origins whose pages may open the WebSocket (the public URL's, and any configured). */
  allowedOrigins: string[];
  /** Web Push: the push services' hosts the server may post to, and who runs it (VAPID subject). */
  push: { serviceHosts: string[]; contact: string; lessonReminderMinutes: number; cryptoThreads: number };
  /** Whether PUBLIC_URL was given: if not, pages on localhost may connect too. */
  publicUrlConfigured: boolean;
  /** On SIGTERM, the process exits within this, lessons handed over or not. */
  shutdownTimeoutSeconds: number;
  /** On SIGTERM, running lessons may go on this long before they are closed. */
  shutdownDrainSeconds: number;
  /** Where /metrics is served: its own listener, behind a secret on the main one, or open there. */
  metrics: MetricsExposure;
  /** TURN servers handed to clients with time-limited credentials; null without TURN. */
  turn: TurnConfig | null;
  /** Certificate and key (PEM files) to serve HTTPS and WSS; null for plain HTTP (e.g. behind nginx). */
  tls: { certFile: string; keyFile: string } | null;
}

export type MetricsExposure =
  | { kind: 'listener'; host: string; port: number }
  | { kind: 'secret'; secret: string }
  | { kind: 'open' };

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0, max = 65535 * 1000): number {
  return intFromEnv(env, name, fallback, min, max);
}

function secret(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required (at least 32 characters); scripts/run.sh generates one`);
  if (value.length < 32) throw new Error(`${name} must be at least 32 characters, got ${value.length}`);
  return value;
}

/** The first non-internal IPv4 address, so other machines on the LAN can reach the media ports. */
export function defaultAnnouncedIp(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return '127.0.0.1';
}

/**
 * Open files this process may hold (the soft limit), from /proc; each
 * WebSocket is one. Null where /proc cannot tell.
 */
export function openFileLimit(): number | null {
  try {
    const line = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!line) return null;
    return line[1] === 'unlimited' ? null : Number(line[1]);
  } catch {
    return null;
  }
}

/** By default, WebSockets may use four fifths of the open-file limit: the rest keeps HTTP, Redis and logs working. */
function defaultMaxConnections(): number {
  const limit = openFileLimit();
  return limit ? Math.max(64, Math.floor(limit * 0.8) - 64) : 50_000;
}

/** The browsers' own push services (Chrome/Edge/Yandex, Firefox, Safari, Windows). */
const DEFAULT_PUSH_SERVICES =
  'fcm.googleapis.com,*.push.services.mozilla.com,web.push.apple.com,*.notify.windows.com';

function origins(list: string | undefined): string[] {
  const out: string[] = [];
  for (const raw of (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    let origin: string;
    try {
      origin = new URL(raw).origin;
    } catch {
      throw new Error(`ALLOWED_ORIGINS: ${JSON.stringify(raw)} is not a URL like https://school.example`);
    }
    out.push(origin);
  }
  return out;
}

function tlsFiles(env: NodeJS.ProcessEnv): Config['tls'] {
  const certFile = env.TLS_CERT_FILE ?? '';
  const keyFile = env.TLS_KEY_FILE ?? '';
  if (!certFile && !keyFile) return null;
  if (!certFile || !keyFile) throw new Error('TLS_CERT_FILE and TLS_KEY_FILE go together');
  for (const f of [certFile, keyFile]) {
    if (!existsSync(f)) throw new Error(`${f} does not exist (TLS_CERT_FILE / TLS_KEY_FILE)`);
  }
  return { certFile, keyFile };
}

/**
 * DATABASE_URL, checked: a postgresql:// URL naming a database, e.g.
 * postgresql://app:secret@db.school.example:5432/school_call, or for a unix
 * socket postgresql://school_call@/school_call?host=/var/run/postgresql.
 */
export function databaseUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env.DATABASE_URL;
  if (!raw) return null;
  const example =
    'e.g. postgresql://user:password@db.example:5432/school_call or postgresql://user@/school_call?host=/run/postgresql';
  let parsed: ReturnType<typeof parseDatabaseUrl>;
  try {
    parsed = parseDatabaseUrl(raw);
  } catch {
    throw new Error(`DATABASE_URL is not a URL (${example})`);
  }
  const { url, host, socket } = parsed;
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`DATABASE_URL must start with postgresql:// (${example})`);
  }
  if (url.pathname.replace(/^\//, '') === '')
    throw new Error(`DATABASE_URL must name a database (${example})`);
  if (!host && !socket) throw new Error(`DATABASE_URL needs a host, or ?host=/socket/directory (${example})`);
  if (socket && !host && !socket.startsWith('/')) {
    throw new Error('DATABASE_URL: ?host= must be the absolute path of the socket directory');
  }
  return raw;
}

function turn(env: NodeJS.ProcessEnv): TurnConfig | null {
  const urls = (env.TURN_URLS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (urls.length === 0) return null;
  for (const u of urls) {
    if (!/^turns?:[^\s]+$/.test(u))
      throw new Error(`TURN_URLS: ${JSON.stringify(u)} is not a turn: or turns: URI`);
  }
  return {
    urls,
    secret: secret(env, 'TURN_SECRET'),
    ttlSeconds: int(env, 'TURN_CREDENTIAL_TTL_SECONDS', 12 * 3600, 60, 7 * 24 * 3600),
  };
}

/** /metrics on METRICS_PORT, or behind METRICS_SECRET on the main listener, or (neither set) open there. */
function metricsExposure(env: NodeJS.ProcessEnv, mainPort: number): MetricsExposure {
  const port = int(env, 'METRICS_PORT', 0, 1, 65535);
  const secretValue = env.METRICS_SECRET ?? '';
  if (port && secretValue) throw new Error('METRICS_PORT and METRICS_SECRET: set one of them, not both');
  if (port) {
    if (port === mainPort) throw new Error(`METRICS_PORT must differ from PORT (both ${port})`);
    return { kind: 'listener', host: ipFromEnv(env, 'METRICS_HOST', '127.0.0.1'), port };
  }
  if (secretValue) return { kind: 'secret', secret: secret(env, 'METRICS_SECRET') };
  return { kind: 'open' };
}

/** The other transports' port range, clear of the WebRTC servers' ports. */
function mediaPorts(env: NodeJS.ProcessEnv, rtcBasePort: number, workers: number): Config['mediaPorts'] {
  const min = int(env, 'MEDIA_MIN_PORT', 21000, 1024, 65535);
  const max = int(env, 'MEDIA_MAX_PORT', 29999, 1024, 65535);
  if (max - min < 99)
    throw new Error(`MEDIA_MIN_PORT..MEDIA_MAX_PORT must span at least 100 ports, got ${min}..${max}`);
  const rtcLast = rtcBasePort + workers - 1;
  if (rtcBasePort <= max && rtcLast >= min) {
    throw new Error(
      `RTC_BASE_PORT..+MEDIASOUP_WORKERS (${rtcBasePort}..${rtcLast}) overlaps MEDIA_MIN_PORT..MEDIA_MAX_PORT (${min}..${max})`,
    );
  }
  return { min, max };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function redisUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env.REDIS_URL;
  if (!raw) return null;
  if (raw.startsWith('/')) return raw;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('REDIS_URL must be redis://[:password@]host:port, rediss://… or a unix socket path');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(
      `REDIS_URL must start with redis:// or rediss:// (or be a socket path), got ${url.protocol}`,
    );
  }
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 8080, 0, 65535);
  const host = ipFromEnv(env, 'HOST', '0.0.0.0');
  const announced = hostFromEnv(env, 'MEDIA_ANNOUNCED_IP') ?? defaultAnnouncedIp();
  const tls = tlsFiles(env);
  const publicUrl = baseUrlFromEnv(env, 'PUBLIC_URL');
  const numWorkers = int(env, 'MEDIASOUP_WORKERS', cpus().length, 1, 256);
  // Outside Linux's ephemeral range (32768-60999), so an outgoing connection never holds it at a restart.
  const rtcBasePort = int(env, 'RTC_BASE_PORT', 20000, 1024, 65535 - numWorkers + 1);
  return {
    host,
    port,
    publicUrl: publicUrl ?? `${tls ? 'https' : 'http'}://${announced}:${port}`,
    adminSecret: secret(env, 'ADMIN_SECRET'),
    tokenSecret: secret(env, 'TOKEN_SECRET'),
    tokenIssuer: env.TOKEN_ISSUER || 'school-call',
    logLevel: oneOfFromEnv(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    numWorkers,
    mediaListenIp: ipFromEnv(env, 'MEDIA_LISTEN_IP', '0.0.0.0'),
    mediaAnnouncedIp: announced,
    rtcBasePort,
    mediaPorts: mediaPorts(env, rtcBasePort, numWorkers),
    maxParticipantsPerRoom: int(env, 'MAX_PARTICIPANTS_PER_ROOM', 2000, 1, 100000),
    maxFrameBytes: int(env, 'MAX_FRAME_BYTES', 64 * 1024, 1024, 1024 * 1024),
    maxBackpressureBytes: int(env, 'MAX_BACKPRESSURE_BYTES', 1024 * 1024, 16 * 1024, 64 * 1024 * 1024),
    speakingThresholdDbov: int(env, 'SPEAKING_THRESHOLD_DBOV', -60, -127, 0),
    recvTransportsPerRouter: int(env, 'RECV_TRANSPORTS_PER_ROUTER', 250, 1, 100000),
    lastN: int(env, 'LAST_N', 25, 0, 100),
    demoRoomId: env.DEMO_ROOM || null,
    demoSchool: boolFromEnv(env, 'DEMO_SCHOOL', false),
    trustProxy: boolFromEnv(env, 'TRUST_PROXY', false),
    redisUrl: redisUrl(env),
    databaseUrl: databaseUrl(env),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 20, 1, 1000),
    hostId: env.HOST_ID || `${hostname()}-${port}`,
    hostHeartbeatMs: int(env, 'HOST_HEARTBEAT_MS', 2000, 50, 60_000),
    webRoot: pathFromEnv(env, 'WEB_ROOT', new URL('../web/dist', import.meta.url).pathname),
    webSourceMaps: boolFromEnv(env, 'WEB_SOURCE_MAPS', false),
    whiteboard: loadWhiteboardConfig(env),
    transcriber: loadTranscriberConfig(env),
    messaging: loadMessagingConfig(env),
    accounts: loadAccountsConfig(env),
    recordingsDir: recordingsDirFromEnv(env),
    bucket: objectStoreFromEnv(env),
    recordingRetentionDays: int(env, 'RECORDING_RETENTION_DAYS', 30, 1, 3650),
    recordingMinFreeBytes: int(env, 'RECORDING_MIN_FREE_MB', 1024, 1, 1_000_000) * 1024 * 1024,
    recordingsAtOnce: int(env, 'RECORDINGS_AT_ONCE', 2 * Math.max(1, cpus().length), 1, 10_000),
    recordingsPerSchool: int(
      env,
      'RECORDINGS_PER_SCHOOL',
      int(env, 'RECORDINGS_AT_ONCE', 2 * Math.max(1, cpus().length), 1, 10_000),
      1,
      10_000,
    ),
    maxConnections: int(env, 'MAX_CONNECTIONS', defaultMaxConnections(), 1, 10_000_000),
    maxPendingConnectionsPerAddress: int(env, 'MAX_PENDING_CONNECTIONS_PER_ADDRESS', 200, 1, 1_000_000),
    joinDeadlineSeconds: int(env, 'JOIN_DEADLINE_SECONDS', 15, 1, 3600),
    allowedOrigins: origins(env.ALLOWED_ORIGINS),
    push: {
      serviceHosts: (env.PUSH_SERVICE_HOSTS ?? DEFAULT_PUSH_SERVICES)
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      contact: env.PUSH_CONTACT || `mailto:admin@${publicUrl ? new URL(publicUrl).hostname : announced}`,
      lessonReminderMinutes: int(env, 'LESSON_REMINDER_MINUTES', 15, 0, 24 * 60),
      // One thread on two cores (the event loop keeps one), two beyond.
      cryptoThreads: int(env, 'PUSH_CRYPTO_THREADS', Math.min(2, Math.max(1, cpus().length - 1)), 1, 64),
    },
    publicUrlConfigured: publicUrl !== null,
    shutdownTimeoutSeconds: int(env, 'SHUTDOWN_TIMEOUT_SECONDS', 10, 1, 600),
    shutdownDrainSeconds: int(env, 'SHUTDOWN_DRAIN_SECONDS', 0, 0, 24 * 3600),
    metrics: metricsExposure(env, port),
    turn: turn(env),
    tls,
  };
}
