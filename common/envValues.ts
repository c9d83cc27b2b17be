// Reading typed settings from environment variables, with a clear error
// naming the variable when a value is out of range. Every setting the server
// reads is listed, with its meaning, in app/settings.ts.
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function intFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function oneOfFromEnv<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

/** A switch: 1/true/yes/on or 0/false/no/off; anything else is a mistake worth stopping for. */
export function boolFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  throw new Error(`${name} must be 1 or 0 (true/false, yes/no, on/off), got ${JSON.stringify(raw)}`);
}

/** An absolute path, or the fallback when unset. */
export function pathFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: string): string;
export function pathFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: null): string | null;
export function pathFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: string | null): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!isAbsolute(raw)) throw new Error(`${name} must be an absolute path, got ${JSON.stringify(raw)}`);
  return raw;
}

/** An http(s) URL without path, query or fragment beyond "/" (a site's base address). */
export function baseUrlFromEnv(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be a URL like https://school.example, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must start with https:// or http://, got ${JSON.stringify(raw)}`);
  }
  if (url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new Error(`${name} must be the site's base address without a path, got ${JSON.stringify(raw)}`);
  }
  return raw.replace(/\/+$/, '');
}

/** An IPv4 or IPv6 address. */
export function ipFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!isIP(raw)) throw new Error(`${name} must be an IP address, got ${JSON.stringify(raw)}`);
  return raw;
}

/** An IP address or a DNS name (what browsers are told to send media to). */
export function hostFromEnv(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  if (
    !isIP(raw) &&
    !/^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(
      raw,
    )
  ) {
    throw new Error(`${name} must be an IP address or a host name, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/** Where recordings (and, unless told otherwise, transcripts) are kept: RECORDINGS_DIR, else the user's data directory. */
export function recordingsDirFromEnv(env: NodeJS.ProcessEnv): string {
  return pathFromEnv(
    env,
    'RECORDINGS_DIR',
    join(env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local/share'), 'school-call/recordings'),
  );
}
