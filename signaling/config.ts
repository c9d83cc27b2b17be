// Server configuration from environment variables, with single-host defaults.
import { cpus, hostname, networkInterfaces } from 'node:os';
import { intFromEnv } from '../common/envValues.js';
import { type MessagingConfig, loadMessagingConfig } from '../messaging/config.js';
import { type TranscriberConfig, loadTranscriberConfig } from '../transcriber/config.js';

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
  /** This host's name among the hosts sharing the Redis. */
  hostId: string;
  hostHeartbeatMs: number;
  webRoot: string;
  /** Subtitles and transcripts (transcriber/config.ts). */
  transcriber: TranscriberConfig;
  /** The messenger's settings (CHAT_* variables). */
  messaging: MessagingConfig;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0, max = 65535 * 1000): number {
  return intFromEnv(env, name, fallback, min, max);
}

function secret(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required (at least 32 characters); scripts/run.sh generates one`);
  if (value.length < 32) throw new Error(`${name} must be at least 32 characters`);
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST || '0.0.0.0';
  const announced = env.MEDIA_ANNOUNCED_IP || defaultAnnouncedIp();
  return {
    host,
    port,
    publicUrl: env.PUBLIC_URL || `http://${announced}:${port}`,
    adminSecret: secret(env, 'ADMIN_SECRET'),
    tokenSecret: secret(env, 'TOKEN_SECRET'),
    tokenIssuer: env.TOKEN_ISSUER || 'school-call',
    logLevel: env.LOG_LEVEL || 'info',
    numWorkers: int(env, 'MEDIASOUP_WORKERS', cpus().length, 1, 256),
    mediaListenIp: env.MEDIA_LISTEN_IP || '0.0.0.0',
    mediaAnnouncedIp: announced,
    rtcBasePort: int(env, 'RTC_BASE_PORT', 40000, 1024, 65000),
    maxParticipantsPerRoom: int(env, 'MAX_PARTICIPANTS_PER_ROOM', 2000, 1, 100000),
    maxFrameBytes: int(env, 'MAX_FRAME_BYTES', 64 * 1024, 1024, 1024 * 1024),
    maxBackpressureBytes: int(env, 'MAX_BACKPRESSURE_BYTES', 1024 * 1024, 16 * 1024, 64 * 1024 * 1024),
    speakingThresholdDbov: int(env, 'SPEAKING_THRESHOLD_DBOV', -60, -127, 0),
    recvTransportsPerRouter: int(env, 'RECV_TRANSPORTS_PER_ROUTER', 250, 1, 100000),
    lastN: int(env, 'LAST_N', 25, 0, 100),
    demoRoomId: env.DEMO_ROOM || null,
    demoSchool: env.DEMO_SCHOOL === '1' || env.DEMO_SCHOOL === 'true',
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    redisUrl: env.REDIS_URL || null,
    hostId: env.HOST_ID || `${hostname()}-${port}`,
    hostHeartbeatMs: int(env, 'HOST_HEARTBEAT_MS', 2000, 50, 60_000),
    webRoot: env.WEB_ROOT || new URL('../web/dist', import.meta.url).pathname,
    transcriber: loadTranscriberConfig(env),
    messaging: loadMessagingConfig(env),
  };
}
