// The ordered schema migrations of every part that keeps tables in
// PostgreSQL. Each part (messaging, accounts, ...) owns a PostgreSQL schema
// of its own name and a folder of numbered SQL files, applied in order and
// recorded in public.schema_versions. The server runs this at start; hosts
// starting together take turns on an advisory lock. A database whose schema
// is newer than this code (a newer server already ran) is refused: the code
// would misread tables it does not know. See ARCHITECTURE.md, "A part's tables".
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import type { Logger } from '../log.js';
import type { Postgres, PostgresClient } from './connect.js';

export interface SchemaPart {
  /** The part's name: its PostgreSQL schema and its line in schema_versions (lower case, digits, _). */
  name: string;
  /** Folder of `0001_what_it_does.sql` files, numbered from 1 without gaps. */
  dir: URL;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
  /** A file starting with `-- no transaction` (e.g. CREATE INDEX CONCURRENTLY) runs outside one. */
  transactional: boolean;
}

/** The database's schema of a part is newer than this code: a newer server has run on it. */
export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
}

/** An applied migration's file differs from what was applied (edited after merging). */
export class MigrationChangedError extends Error {
  override name = 'MigrationChangedError';
}

const PART_NAME = /^[a-z][a-z0-9_]{0,40}$/;
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
// Any constant: the one lock every host's migration run takes.
const LOCK_KEY = 0x5c4001;

/** A part's migrations, read and checked (numbered 1..n, no gaps, no doubles). */
export function loadMigrations(part: SchemaPart): Migration[] {
  if (!PART_NAME.test(part.name))
    throw new Error(`schema part name ${JSON.stringify(part.name)} is not valid`);
  const files = readdirSync(part.dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  return files.map((file, i) => {
    const m = FILE_NAME.exec(file);
    if (!m) throw new Error(`${part.name}: migration file ${file} is not named like 0001_what_it_does.sql`);
    const version = Number(m[1]);
    if (version !== i + 1) throw new Error(`${part.name}: migration ${file} should be number ${i + 1}`);
    const sql = readFileSync(new URL(file, part.dir), 'utf8');
    return {
      version,
      name: m[2]!,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
      transactional: !/^--\s*no transaction\b/i.test(sql),
    };
  });
}

export interface PartStatus {
  part: string;
  /** The version the database is at. */
  applied: number;
  /** The newest version this code has. */
  known: number;
}

const VERSIONS_TABLE = `CREATE TABLE IF NOT EXISTS public.schema_versions (
  part text NOT NULL,
  version integer NOT NULL,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (part, version)
)`;

async function appliedOf(
  client: PostgresClient,
  part: string,
): Promise<{ version: number; checksum: string }[]> {
  const r = await client.query<{ version: number; checksum: string }>(
    'SELECT version, checksum FROM public.schema_versions WHERE part = $1 ORDER BY version',
    [part],
  );
  return r.rows;
}

function check(part: string, applied: { version: number; checksum: string }[], known: Migration[]): void {
  const newest = applied.at(-1)?.version ?? 0;
  if (newest > known.length) {
    throw new SchemaTooNewError(
      `the database's "${part}" schema is at version ${newest}, but this server knows versions up to ${known.length}: ` +
        'a newer server has upgraded it. Run that version (or newer) of the server; going back needs a restore from backup.',
    );
  }
  for (const a of applied) {
    const m = known[a.version - 1];
    if (m && m.checksum !== a.checksum) {
      throw new MigrationChangedError(
        `"${part}" migration ${String(a.version).padStart(4, '0')}_${m.name}.sql differs from what was applied to this database; ` +
          'a merged migration must not be edited (add a new one instead)',
      );
    }
  }
}

/**
 * Brings every part's schema up to this code's newest version, in the order
 * the parts are given (a part that refers to another's tables comes after
 * it). Refuses (throws, changing nothing) if any part's schema is newer than
 * the code or an applied file was edited.
 */
export async function migrate(db: Postgres, parts: SchemaPart[], log: Logger): Promise<PartStatus[]> {
  const loaded = parts.map((p) => ({ part: p, migrations: loadMigrations(p) }));
  const client = await db.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await client.query(VERSIONS_TABLE);
      const applied = new Map<string, { version: number; checksum: string }[]>();
      // Check every part before changing any.
      await refuseUnknownParts(
        client,
        loaded.map((l) => l.part.name),
      );
      for (const { part, migrations } of loaded) {
        const done = await appliedOf(client, part.name);
        check(part.name, done, migrations);
        applied.set(part.name, done);
      }
      const out: PartStatus[] = [];
      for (const { part, migrations } of loaded) {
        const from = applied.get(part.name)?.length ?? 0;
        for (const m of migrations.slice(from)) await apply(client, part.name, m, log);
        out.push({ part: part.name, applied: migrations.length, known: migrations.length });
      }
      return out;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

async function refuseUnknownParts(client: PostgresClient, known: string[]): Promise<void> {
  const r = await client.query<{ part: string }>(
    'SELECT DISTINCT part FROM public.schema_versions WHERE NOT (part = ANY($1)) ORDER BY part',
    [known],
  );
  if (r.rows.length > 0) {
    throw new SchemaTooNewError(
      `the database has tables of parts this server does not know (${r.rows.map((x) => x.part).join(', ')}): ` +
        'a newer server has upgraded it. Run that version (or newer) of the server.',
    );
  }
}

async function apply(client: PostgresClient, part: string, m: Migration, log: Logger): Promise<void> {
  const started = Date.now();
  const record = async () => {
    await client.query(
      'INSERT INTO public.schema_versions (part, version, name, checksum) VALUES ($1, $2, $3, $4)',
      [part, m.version, m.name, m.checksum],
    );
  };
  if (m.transactional) {
    await client.query('BEGIN');
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${part}`);
      await client.query(m.sql);
      await record();
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw annotate(err, part, m);
    }
  } else {
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${part}`);
      await client.query(m.sql);
      await record();
    } catch (err) {
      throw annotate(err, part, m);
    }
  }
  log.info({ part, version: m.version, migration: m.name, ms: Date.now() - started }, 'schema migrated');
}

function annotate(err: unknown, part: string, m: Migration): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  e.message = `migration ${part} ${String(m.version).padStart(4, '0')}_${m.name} failed: ${e.message}`;
  return e;
}

/** Each part's applied and known versions, changing nothing (for `npm run db -- status`). */
export async function schemaStatus(db: Postgres, parts: SchemaPart[]): Promise<PartStatus[]> {
  const client = await db.connect();
  try {
    const exists = await client.query("SELECT to_regclass('public.schema_versions') IS NOT NULL AS e");
    const out: PartStatus[] = [];
    for (const part of parts) {
      const known = loadMigrations(part).length;
      const applied = exists.rows[0]?.e ? ((await appliedOf(client, part.name)).at(-1)?.version ?? 0) : 0;
      out.push({ part: part.name, applied, known });
    }
    return out;
  } finally {
    client.release();
  }
}
