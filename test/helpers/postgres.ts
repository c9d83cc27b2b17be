// Real PostgreSQL for tests: Debian's postgresql-15 binaries, a cluster on a
// unix socket in a temporary directory (no TCP port), started with the
// shipped scripts/postgresql.conf. `startPostgres()` gives each test file
// its own database on one cluster shared by the whole vitest run (started on
// first use, stopped by postgresGlobal.ts); `PostgresCluster` is a cluster
// of one's own, for tests that kill PostgreSQL.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const SHIPPED_POSTGRES_CONF = fileURLToPath(new URL('../../scripts/postgresql.conf', import.meta.url));
/** Set by postgresGlobal.ts: the directory of the run's shared cluster. */
export const SHARED_DIR_ENV = 'SCHOOL_CALL_TEST_PG_DIR';
/** Set by postgresGlobal.ts: the vitest process that owns the shared cluster. */
export const SHARED_OWNER_ENV = 'SCHOOL_CALL_TEST_PG_OWNER';
const SUPERUSER = 'school_call';

/** Debian's binaries: PG_BIN_DIR, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin/postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed: run scripts/setup.sh --test');
  return join(root, versions[0]!, 'bin');
}

/** PostgreSQL refuses to run as root: then it runs as Debian's `postgres` user. */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root needs the postgres system user (Debian package postgresql-15)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Makes `path` the server's (the postgres user's when the tests run as root). */
export function own(path: string): void {
  const user = serverUser();
  if (user) chownSync(path, user.uid, user.gid);
}

function run(bin: string, args: string[]): void {
  const user = serverUser();
  const r = spawnSync(join(postgresBinDir(), bin), args, {
    encoding: 'utf8',
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  if (r.status !== 0) throw new Error(`${bin} failed: ${r.stderr || r.stdout || r.error}`);
}

/**
 * A freshly initialised data directory is copied from one made once per
 * machine and PostgreSQL version (initdb takes seconds, a copy a fraction).
 */
function templateDir(): string {
  const major = postgresBinDir().split('/').at(-2) ?? 'x';
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'school-call');
  const dir = join(cache, `postgres-initdb-${major}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  mkdirSync(cache, { recursive: true });
  // initdb runs as the server's user, who may not enter the cache (root's home).
  const building = mkdtempSync(join(tmpdir(), 'postgres-initdb-'));
  own(building);
  run('initdb', [
    '-D',
    join(building, 'data'),
    '-U',
    SUPERUSER,
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  const staged = `${dir}.${process.pid}`;
  const r = spawnSync('cp', ['-a', join(building, 'data'), staged]);
  if (r.status !== 0) throw new Error(`caching the initdb template failed: ${r.stderr}`);
  try {
    renameSync(staged, dir);
  } catch {
    // Another run made it meanwhile.
    rmSync(staged, { recursive: true, force: true });
  }
  rmSync(building, { recursive: true, force: true });
  return dir;
}

async function waitReady(url: string, alive: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (!alive()) throw new Error('postgres exited while starting');
    if (Date.now() > deadline) throw new Error('postgres did not start in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The connection URL of a database on a cluster listening in `socketDir`. */
export function socketUrl(socketDir: string, database: string): string {
  return `postgresql://${SUPERUSER}@/${database}?host=${encodeURIComponent(socketDir)}`;
}

/**
 * A cluster of its own in a directory (its socket there too), started with
 * the shipped configuration plus `settings`. `kill()` kills every process
 * of it at once (a crash); `start()` again runs crash recovery on the same data.
 */
export class PostgresCluster {
  private child: ChildProcess | null = null;

  constructor(
    readonly dir: string = mkdtempSync(join(tmpdir(), 'pg-')),
    private readonly settings: Record<string, string> = {},
  ) {
    own(dir);
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  url(database = 'postgres'): string {
    return socketUrl(this.dir, database);
  }

  /** The postmaster's pid (0 when not running). */
  get pid(): number {
    return this.child?.exitCode === null && this.child.signalCode === null ? (this.child.pid ?? 0) : 0;
  }

  async start(options: { detached?: boolean } = {}): Promise<void> {
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) {
      const r = spawnSync('cp', ['-a', templateDir(), this.dataDir]);
      if (r.status !== 0) throw new Error(`copying the initdb template failed: ${r.stderr}`);
      appendFileSync(join(this.dataDir, 'postgresql.conf'), "\ninclude_if_exists = 'school-call.conf'\n");
    }
    const conf = join(this.dataDir, 'school-call.conf');
    copyFileSync(SHIPPED_POSTGRES_CONF, conf);
    own(conf);
    const args = ['-D', this.dataDir, '-c', `unix_socket_directories=${this.dir}`];
    for (const [k, v] of Object.entries(this.settings)) args.push('-c', `${k}=${v}`);
    const user = serverUser();
    const logFile = openSync(join(this.dir, 'postgres.log'), 'a');
    const child = spawn(join(postgresBinDir(), 'postgres'), args, {
      stdio: ['ignore', logFile, logFile],
      // Its own process group: kill() takes the postmaster and its backends together.
      detached: true,
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    this.child = child;
    if (options.detached) child.unref();
    await waitReady(this.url(), () => child.exitCode === null && child.signalCode === null).catch((err) => {
      throw new Error(
        `${(err as Error).message}; log: ${readFileSync(join(this.dir, 'postgres.log'), 'utf8')}`,
      );
    });
  }

  /** Kills the postmaster and every backend with `signal` (SIGKILL: a crash). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid, signal);
    await exited;
  }

  /** A clean, fast shutdown (SIGINT: "fast" mode), then the directory is removed. */
  async stop(): Promise<void> {
    await this.kill('SIGINT');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- the run's shared cluster ----

const SHARED_SETTINGS = { fsync: 'off', full_page_writes: 'off', max_connections: '300' };

async function sharedCluster(dir: string): Promise<void> {
  const lock = join(dir, 'starting');
  const ready = join(dir, 'ready');
  if (existsSync(ready)) return;
  try {
    mkdirSync(lock);
  } catch {
    // Another test process is starting it.
    const deadline = Date.now() + 60_000;
    while (!existsSync(ready)) {
      if (Date.now() > deadline) throw new Error('the shared test PostgreSQL did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    return;
  }
  // Outlives this test file's process; postgresGlobal.ts stops it after the run.
  const cluster = new PostgresCluster(dir, SHARED_SETTINGS);
  await cluster.start({ detached: true });
  // A run that is killed (a timeout) never tears down: a watchdog stops the cluster once its owner is gone.
  const owner = Number(process.env[SHARED_OWNER_ENV]);
  if (owner > 0 && cluster.pid) {
    spawn('sh', ['-c', `while kill -0 ${owner} 2>/dev/null; do sleep 5; done; kill -QUIT ${cluster.pid}`], {
      stdio: 'ignore',
      detached: true,
    }).unref();
  }
  appendFileSync(ready, `${Date.now()}\n`);
}

export interface TestDatabase {
  url: string;
  /** Drops the database (closing whatever is still connected to it). */
  stop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file. Inside vitest it lives on the
 * run's shared cluster; elsewhere (a load test) on a cluster of its own.
 */
export async function startPostgres(): Promise<TestDatabase> {
  const sharedDir = process.env[SHARED_DIR_ENV];
  if (!sharedDir) {
    const cluster = new PostgresCluster(undefined, SHARED_SETTINGS);
    await cluster.start();
    return { url: cluster.url(), stop: () => cluster.stop() };
  }
  await sharedCluster(sharedDir);
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: socketUrl(sharedDir, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 STRATEGY FILE_COPY`);
  } finally {
    await admin.end();
  }
  return {
    url: socketUrl(sharedDir, name),
    async stop() {
      const c = new pg.Client({ connectionString: socketUrl(sharedDir, 'postgres') });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** For postgresGlobal.ts: stops the shared cluster in `dir` if it was started, and removes `dir`. */
export function stopSharedCluster(dir: string): void {
  const pidFile = join(dir, 'data', 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      // SIGQUIT: immediate shutdown (nothing on it needs keeping).
      process.kill(pid, 'SIGQUIT');
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        process.kill(pid, 0);
        spawnSync('sleep', ['0.05']);
      }
    } catch {
      // Gone.
    }
  }
  if (existsSync(dir) && statSync(dir).isDirectory()) rmSync(dir, { recursive: true, force: true });
}
