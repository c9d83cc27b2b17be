// The server and its PostgreSQL: scripts/private-postgres.sh (what run.sh
// starts without a DATABASE_URL) brings up a cluster once, on a unix socket
// only, with synchronous_commit on; the server migrates its database at
// start, and refuses to start on a database a newer server has upgraded.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startServer } from '../../app/server.js';
import { createLogger } from '../../common/log.js';
import { openPostgres } from '../../common/postgres/connect.js';
import { postgresBinDir, startPostgres } from '../helpers/postgres.js';
import { startTestServer } from '../helpers/testServer.js';

const log = createLogger('silent');
const SCRIPT = fileURLToPath(new URL('../../scripts/private-postgres.sh', import.meta.url));

describe('the private PostgreSQL of run.sh', () => {
  let parent: string;
  let dir: string;

  beforeAll(() => {
    parent = mkdtempSync(join(tmpdir(), 'private-pg-'));
    // As root, the server runs as the postgres user, who must reach the directory.
    chmodSync(parent, 0o755);
    dir = join(parent, 'postgres');
  });

  afterAll(() => {
    try {
      const pg_ctl = join(postgresBinDir(), 'pg_ctl');
      const as = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
      const [cmd, ...args] = [...as, pg_ctl, '-D', join(dir, 'data'), '-m', 'immediate', 'stop'];
      execFileSync(cmd!, args, { stdio: 'ignore' });
    } catch {
      // Not running.
    }
    rmSync(parent, { recursive: true, force: true });
  });

  const start = () =>
    execFileSync('bash', [SCRIPT], {
      env: { ...process.env, SCHOOL_CALL_PG_DIR: dir },
      encoding: 'utf8',
    }).trim();
  const postmasterPid = () => readFileSync(join(dir, 'data/postmaster.pid'), 'utf8').split('\n')[0];

  it('starts once, on a unix socket only, with commits on disk before they return', async () => {
    const url = start();
    expect(url).toBe(`postgresql://school_call@/school_call?host=${dir}`);
    const pid = postmasterPid();
    // Running already: the same server, the same URL.
    expect(start()).toBe(url);
    expect(postmasterPid()).toBe(pid);
    const db = openPostgres(url, 'test', log);
    try {
      const settings = await db.query(
        "SELECT name, setting FROM pg_settings WHERE name IN ('listen_addresses', 'synchronous_commit', 'fsync', 'default_text_search_config') ORDER BY name",
      );
      expect(Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]))).toEqual({
        default_text_search_config: 'pg_catalog.russian',
        fsync: 'on',
        listen_addresses: '',
        synchronous_commit: 'on',
      });
      expect((await db.query('SELECT current_database() AS d')).rows[0].d).toBe('school_call');
    } finally {
      await db.end();
    }
  });
});

describe('the server on PostgreSQL', () => {
  it('migrates its database at start and closes it when it stops', async () => {
    const db = await startPostgres();
    const server = await startTestServer({ DATABASE_URL: db.url });
    try {
      expect(server.database).not.toBeNull();
      const t = await server.database!.query("SELECT to_regclass('public.schema_versions') IS NOT NULL AS t");
      expect(t.rows[0].t).toBe(true);
    } finally {
      await server.close();
      await db.stop();
    }
  });

  it('refuses to start on a database a newer server has upgraded, saying so', async () => {
    const db = await startPostgres();
    const pool = openPostgres(db.url, 'test', log);
    try {
      // What a newer server with a part this one does not know leaves behind.
      await pool.query(
        `CREATE TABLE public.schema_versions (part text, version int, name text, checksum text,
           applied_at timestamptz DEFAULT now(), PRIMARY KEY (part, version));
         INSERT INTO public.schema_versions VALUES ('from_the_future', 1, 'x', 'y')`,
      );
      const config = loadConfig({
        ADMIN_SECRET: 'a'.repeat(32),
        TOKEN_SECRET: 'b'.repeat(32),
        DATABASE_URL: db.url,
        PORT: '0',
      });
      await expect(startServer(config, log)).rejects.toThrow(
        /PostgreSQL at .*: .*a newer server has upgraded it/,
      );
    } finally {
      await pool.end();
      await db.stop();
    }
  });

  it('refuses to start when PostgreSQL cannot be reached', async () => {
    const nowhere = mkdtempSync(join(tmpdir(), 'nopg-'));
    const config = loadConfig({
      ADMIN_SECRET: 'a'.repeat(32),
      TOKEN_SECRET: 'b'.repeat(32),
      DATABASE_URL: `postgresql://x@/x?host=${nowhere}`,
      PORT: '0',
    });
    await expect(startServer(config, log)).rejects.toThrow(/PostgreSQL at .*nopg-.*ENOENT|ECONNREFUSED/);
    rmSync(nowhere, { recursive: true });
  });
});
