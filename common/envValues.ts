// Reading typed settings from environment variables, with a clear error
// naming the variable when a value is out of range.
import { homedir } from 'node:os';
import { join } from 'node:path';

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
  if (!Number.isInteger(value) || value < min || value > max) {
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

/** Where recordings (and, unless told otherwise, transcripts) are kept: RECORDINGS_DIR, else the user's data directory. */
export function recordingsDirFromEnv(env: NodeJS.ProcessEnv): string {
  return (
    env.RECORDINGS_DIR ||
    join(env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local/share'), 'school-call/recordings')
  );
}
