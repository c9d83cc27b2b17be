// Where the private PostgreSQL that scripts/private-postgres.sh starts (when no
// DATABASE_URL is given) keeps its data and socket, for the command-line
// tools that work on the same database as the server. Keep in step with
// that script: PostgreSQL refuses to run as root, so as root it runs as Debian's
// postgres user in /var/lib/school-call/postgres (root's home is closed to
// that user); otherwise in the user's own data directory.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function privatePostgresDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SCHOOL_CALL_PG_DIR) return env.SCHOOL_CALL_PG_DIR;
  if (process.getuid?.() === 0) return '/var/lib/school-call/postgres';
  return join(env.XDG_DATA_HOME || join(homedir(), '.local/share'), 'school-call/postgres');
}

/** DATABASE_URL, else the private PostgreSQL's socket. */
export function defaultDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  return `postgresql://school_call@/school_call?host=${encodeURIComponent(privatePostgresDir(env))}`;
}
