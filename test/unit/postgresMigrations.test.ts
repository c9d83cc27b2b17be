// The PostgreSQL plumbing every part uses, on a real PostgreSQL: the ordered
// migration runner (parts in order, each in its own schema; applied once even
// when two hosts start together; a database newer than the code, or an
// edited migration, refused with nothing changed), the pool's number parsing,
// transactions, and how an unreachable server is recognised.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import {
  type Postgres,
  inTransaction,
  isPostgresUnavailable,
  openPostgres,
} from '../../common/postgres/connect.js';
import {
  MigrationChangedError,
  type SchemaPart,
  SchemaTooNewError,
  loadMigrations,
  migrate,
  schemaStatus,
} from '../../common/postgres/migrations.js';
import { type TestDatabase, startPostgres } from '../helpers/postgres.js';

const log = createLogger('silent');
let db: TestDatabase;
const pools: Postgres[] = [];
const dirs: string[] = [];

function pool(): Postgres {
  const p = openPostgres(db.url, 'test', log);
  pools.push(p);
  return p;
}

/** A part whose migrations are the given SQL texts, numbered from 1. */
function part(name: string, files: Record<string, string>): SchemaPart {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  dirs.push(dir);
  for (const [file, sql] of Object.entries(files)) writeFileSync(join(dir, file), sql);
  return { name, dir: pathToFileURL(`${dir}/`) };
}

beforeAll(async () => {
  db = await startPostgres();
});

afterEach(async () => {
  const p = openPostgres(db.url, 'cleanup', log);
  await p.query('DROP SCHEMA IF EXISTS alpha, beta CASCADE; DROP TABLE IF EXISTS public.schema_versions');
  await p.end();
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await db?.stop();
});

const alphaV1 = { '0001_notes.sql': 'CREATE TABLE alpha.notes (id bigint PRIMARY KEY, body text NOT NULL);' };
const alphaV2 = { ...alphaV1, '0002_note_at.sql': 'ALTER TABLE alpha.notes ADD COLUMN at timestamptz;' };

describe('migrations', () => {
  it('applies each part in order, in its own schema, once', async () => {
    const p = pool();
    const beta = part('beta', {
      '0001_refs.sql': 'CREATE TABLE beta.refs (note bigint REFERENCES alpha.notes (id));',
    });
    const status = await migrate(p, [part('alpha', alphaV2), beta], log);
    expect(status).toEqual([
      { part: 'alpha', applied: 2, known: 2 },
      { part: 'beta', applied: 1, known: 1 },
    ]);
    const cols = await p.query(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'alpha' AND table_name = 'notes' ORDER BY 1",
    );
    expect(cols.rows.map((r) => r.column_name)).toEqual(['at', 'body', 'id']);
    // Run again: nothing new to apply, nothing applied twice.
    await migrate(p, [part('alpha', alphaV2), beta], log);
    const versions = await p.query('SELECT part, version, name FROM public.schema_versions ORDER BY 1, 2');
    expect(versions.rows).toEqual([
      { part: 'alpha', version: 1, name: 'notes' },
      { part: 'alpha', version: 2, name: 'note_at' },
      { part: 'beta', version: 1, name: 'refs' },
    ]);
  });

  it('upgrades a database from an older version of the code', async () => {
    const p = pool();
    await migrate(p, [part('alpha', alphaV1)], log);
    expect(await schemaStatus(p, [part('alpha', alphaV2)])).toEqual([
      { part: 'alpha', applied: 1, known: 2 },
    ]);
    await migrate(p, [part('alpha', alphaV2)], log);
    expect(await schemaStatus(p, [part('alpha', alphaV2)])).toEqual([
      { part: 'alpha', applied: 2, known: 2 },
    ]);
  });

  it('refuses a database a newer server has upgraded, changing nothing', async () => {
    const p = pool();
    await migrate(p, [part('alpha', alphaV2)], log);
    const beta = part('beta', { '0001_refs.sql': 'CREATE TABLE beta.refs (x int);' });
    const err = await migrate(p, [part('alpha', alphaV1), beta], log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaTooNewError);
    expect((err as Error).message).toMatch(/"alpha" schema is at version 2.*up to 1/);
    // beta was checked too before anything ran: its table is not there.
    const beta1 = await p.query("SELECT to_regclass('beta.refs') AS t");
    expect(beta1.rows[0].t).toBeNull();
  });

  it('refuses a database holding a part this code does not know', async () => {
    const p = pool();
    await migrate(p, [part('alpha', alphaV1), part('beta', { '0001_x.sql': 'SELECT 1;' })], log);
    await expect(migrate(p, [part('alpha', alphaV1)], log)).rejects.toThrow(
      /parts this server does not know \(beta\)/,
    );
  });

  it('refuses a migration edited after it was applied', async () => {
    const p = pool();
    await migrate(p, [part('alpha', alphaV1)], log);
    const edited = { '0001_notes.sql': 'CREATE TABLE alpha.notes (id bigint PRIMARY KEY);' };
    await expect(migrate(p, [part('alpha', edited)], log)).rejects.toBeInstanceOf(MigrationChangedError);
  });

  it('rolls a failing migration back whole and says which one failed', async () => {
    const p = pool();
    const broken = {
      ...alphaV1,
      '0002_broken.sql': 'CREATE TABLE alpha.other (x int); SELECT no_such_column;',
    };
    await expect(migrate(p, [part('alpha', broken)], log)).rejects.toThrow(/alpha 0002_broken failed/);
    const other = await p.query("SELECT to_regclass('alpha.other') AS t");
    expect(other.rows[0].t).toBeNull();
    expect(await schemaStatus(p, [part('alpha', broken)])).toEqual([{ part: 'alpha', applied: 1, known: 2 }]);
  });

  it('applies once when several hosts start at the same moment', async () => {
    const slow = {
      '0001_slow.sql': 'SELECT pg_sleep(0.2); CREATE TABLE alpha.once (x int);',
    };
    const hosts = [pool(), pool(), pool()];
    await Promise.all(hosts.map((h) => migrate(h, [part('alpha', slow)], log)));
    const rows = await hosts[0]!.query(
      "SELECT count(*) AS n FROM public.schema_versions WHERE part = 'alpha'",
    );
    expect(rows.rows[0].n).toBe(1);
  });

  it('reads migration folders strictly', () => {
    expect(() => loadMigrations(part('alpha', { '0002_gap.sql': 'SELECT 1;' }))).toThrow(
      /should be number 1/,
    );
    expect(() => loadMigrations(part('alpha', { '1_short.sql': 'SELECT 1;' }))).toThrow(/not named like/);
    expect(() => loadMigrations(part('Bad-Name', {}))).toThrow(/not valid/);
    const m = loadMigrations(part('alpha', { '0001_idx.sql': '-- no transaction\nSELECT 1;' }));
    expect(m[0]?.transactional).toBe(false);
  });
});

describe('the pool', () => {
  it('reads bigint counts as numbers and commits or rolls back a transaction whole', async () => {
    const p = pool();
    expect((await p.query('SELECT count(*) AS n, 9007199254740991::bigint AS big')).rows[0]).toEqual({
      n: 1,
      big: 9007199254740991,
    });
    await p.query('CREATE TEMP TABLE IF NOT EXISTS t (x int)');
    await p.query('CREATE TABLE IF NOT EXISTS public.tx_test (x int)');
    await expect(
      inTransaction(p, async (c) => {
        await c.query('INSERT INTO public.tx_test VALUES (1)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(
      await inTransaction(
        p,
        async (c) => (await c.query('INSERT INTO public.tx_test VALUES (2) RETURNING x')).rows[0].x,
      ),
    ).toBe(2);
    expect((await p.query('SELECT array_agg(x) AS xs FROM public.tx_test')).rows[0].xs).toEqual([2]);
    await p.query('DROP TABLE public.tx_test');
  });

  it('retries a transaction that lost a serialization race', async () => {
    const p = pool();
    await p.query(
      'CREATE TABLE IF NOT EXISTS public.counter (n int); TRUNCATE public.counter; INSERT INTO public.counter VALUES (0)',
    );
    let attempts = 0;
    await Promise.all(
      [1, 2, 3, 4].map(() =>
        inTransaction(
          p,
          async (c) => {
            attempts++;
            const n = (await c.query('SELECT n FROM public.counter')).rows[0].n as number;
            await new Promise((r) => setTimeout(r, 20));
            await c.query('UPDATE public.counter SET n = $1', [n + 1]);
          },
          { isolation: 'serializable', retries: 10 },
        ),
      ),
    );
    expect((await p.query('SELECT n FROM public.counter')).rows[0].n).toBe(4);
    expect(attempts).toBeGreaterThan(4);
    await p.query('DROP TABLE public.counter');
  });

  it('recognises a server that cannot be reached as unavailable', async () => {
    const gone = openPostgres(
      `postgresql://x@/x?host=${encodeURIComponent(mkdtempSync(join(tmpdir(), 'nopg-')))}`,
      'test',
      log,
      { connectTimeoutMs: 500 },
    );
    pools.push(gone);
    const err = await gone.query('SELECT 1').catch((e: unknown) => e);
    expect(isPostgresUnavailable(err)).toBe(true);
    expect(isPostgresUnavailable(new Error('syntax error at or near "x"'))).toBe(false);
  });
});
