// Where the private PostgreSQL that scripts/private-postgres.sh starts (when no
// DATABASE_URL is given) keeps its data and socket, for the command-line
// tools that work on the same database as the server. Keep in step with
// that script: PostgreSQL refuses to run as root, so as root it runs as Debian's
// postgres user in /var/lib/school-call-trial/postgres (root's home is closed to
// that user; /var/lib/school-call/postgres is the installed unit's cluster, which
// a quick start must never share: an older trial there is used while nothing is installed);
// otherwise in the user's own data directory.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function privatePostgresDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SCHOOL_CALL_PG_DIR) return env.SCHOOL_CALL_PG_DIR;
  if (process.getuid?.() === 0) return rootDir(existsSync);
  return join(env.XDG_DATA_HOME || join(homedir(), '.local/share'), 'school-call/postgres');
}

/** As root: the trial's own folder, or an older trial's (made by an older run.sh) while no install exists. */
export function rootDir(exists: (path: string) => boolean): string {
  const trial = '/var/lib/school-call-trial/postgres';
  const older = '/var/lib/school-call/postgres';
  if (!exists(trial) && exists(`${older}/data/PG_VERSION`) && !exists('/etc/school-call/school-call.env')) {
    return older;
  }
  return trial;
}

/** DATABASE_URL, else the private PostgreSQL's socket. */
export function defaultDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  return `postgresql://school_call@/school_call?host=${encodeURIComponent(privatePostgresDir(env))}`;
}
