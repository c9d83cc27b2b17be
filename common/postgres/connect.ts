// The one way to open PostgreSQL (node-postgres, `pg` 8): a pool named for
// what it is used for, failing fast when the server is away (the caller
// answers "try again" rather than queueing), and reading bigint counts and
// sequence numbers as JS numbers. Parts never build a `pg.Pool` themselves.
import pg from 'pg';
import type { Logger } from '../log.js';

export type Postgres = pg.Pool;
export type PostgresClient = pg.PoolClient;

export interface PostgresOptions {
  /** Connections this pool opens at most. */
  max?: number;
  /** A statement running longer is cancelled by the server (0: no limit). */
  statementTimeoutMs?: number;
  /** Waiting this long for a connection (to a server that is away, or a full pool) fails. */
  connectTimeoutMs?: number;
}

const INT8 = 20;
const NUMERIC = 1700;

// Counts and our seq/rev numbers stay far below 2^53; a value beyond would be
// a fault, so it is refused rather than silently rounded.
function safeNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`PostgreSQL returned ${text}, beyond a safe JS integer`);
  return n;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return safeNumber;
    if (oid === NUMERIC) return Number;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * A pool on the database at `url` (postgresql://user:pass@host:port/db, or
 * postgresql:///db?host=/socket/dir for a unix socket). `purpose` names the
 * connections in pg_stat_activity and in the logs.
 */
export function openPostgres(
  url: string,
  purpose: string,
  log: Logger,
  options: PostgresOptions = {},
): Postgres {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: `school-call:${purpose}`,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    statement_timeout: options.statementTimeoutMs ?? 0,
    types,
  });
  // An idle connection that the server closes (a restart, a failover) is
  // dropped from the pool; without a listener it would crash the process.
  pool.on('error', (err) => log.warn({ err, purpose }, 'an idle PostgreSQL connection failed'));
  // A connection checked out for a transaction that the server drops errors
  // there (its query fails too); the listener keeps it from crashing the process.
  pool.on('connect', (client) => {
    client.on('error', (err) => log.warn({ err, purpose }, 'a PostgreSQL connection in use failed'));
  });
  return pool;
}

const SOCKET_HOST = 'socket.invalid';

/**
 * A database URL as a WHATWG URL. A unix-socket URL has no host before its
 * path (postgresql://user@/db?host=/dir), which WHATWG URLs refuse: it is
 * parsed with a placeholder host, and `host` comes back empty.
 */
export function parseDatabaseUrl(raw: string): { url: URL; host: string; socket: string | null } {
  const url = new URL(raw.replace(/^(postgres(?:ql)?:\/\/(?:[^/@]*@)?)\//, `$1${SOCKET_HOST}/`));
  return {
    url,
    host: url.hostname === SOCKET_HOST ? '' : url.host,
    socket: url.searchParams.get('host'),
  };
}

/** Where a database URL points, without its password, for logs and errors. */
export function describeDatabase(raw: string): string {
  try {
    const { url, host, socket } = parseDatabaseUrl(raw);
    return `${host || socket || 'localhost'}${url.pathname || '/'}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

// SQLSTATE classes and codes that mean the server cannot be used right now
// (connection lost, shutting down, starting up, too many connections), and
// the client's own messages for a connection that never came or was cut.
const UNAVAILABLE_CODES = /^(08|57P0[1-3]|53300|53400)/;
const UNAVAILABLE_MESSAGES =
  /ECONNREFUSED|ECONNRESET|ENOENT|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)/i;

/** Whether a failure means PostgreSQL cannot be reached now (answer "try again"), not a fault of ours. */
export function isPostgresUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.test(code)) return true;
  return UNAVAILABLE_MESSAGES.test(err.message);
}

// A transaction that lost a race with another (serialization failure,
// deadlock) did nothing and may simply run again.
const RETRYABLE = new Set(['40001', '40P01']);

/** Whether a statement or transaction failed by losing such a race (it did nothing; run it again). */
export function lostRace(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * Runs `fn` in one transaction on one connection: committed when it
 * resolves, rolled back when it throws. Resolves only after COMMIT has
 * returned, i.e. (with synchronous_commit on) once the change is on disk.
 * A serialization failure or deadlock runs it again, up to `retries` times.
 */
export async function inTransaction<T>(
  db: Postgres,
  fn: (client: PostgresClient) => Promise<T>,
  options: { retries?: number; isolation?: 'read committed' | 'repeatable read' | 'serializable' } = {},
): Promise<T> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const client = await db.connect();
    let broken: Error | undefined;
    try {
      await client.query(options.isolation ? `BEGIN ISOLATION LEVEL ${options.isolation}` : 'BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        // The connection is unusable: the pool must not hand it out again.
        broken = rollbackErr as Error;
      }
      if (lostRace(err) && attempt < retries) continue;
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
