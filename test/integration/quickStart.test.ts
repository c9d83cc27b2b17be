// The README's quick start as a school's IT person runs it: scripts/run.sh
// with its private Redis and PostgreSQL in folders of its own. It starts with
// METRICS_PORT given by hand (it used to add its generated METRICS_SECRET too,
// and the server refused the pair and stopped), says "first start" only while
// no school exists, and the school made with the setup code is there after a
// restart. Setup itself is skipped (--no-setup): CI has just run it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { AccountClient, SETUP_CODE } from '../helpers/accounts.js';
import { freeTcpUdpPort } from '../helpers/testServer.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'quick-start-'));
// As root, run.sh's PostgreSQL runs as the postgres user, who must reach its folder.
chmodSync(dir, 0o755);
const pgDir = join(dir, 'pg');

interface Started {
  child: ChildProcess;
  output: () => string;
}

async function runSh(env: Record<string, string>): Promise<Started> {
  const base = { ...process.env };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'METRICS_SECRET', 'TURN_URLS', 'TURN_SECRET']) delete base[k];
  const child = spawn('bash', [join(ROOT, 'scripts/run.sh'), '--no-setup'], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b) => {
    out += b;
  });
  child.stderr!.on('data', (b) => {
    out += b;
  });
  return { child, output: () => out };
}

async function readyOn(url: string, run: Started, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (run.child.exitCode !== null || Date.now() > end) {
      throw new Error(`run.sh did not become ready:\n${run.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stop(run: Started): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  const exited = new Promise((r) => run.child.once('exit', r));
  run.child.kill('SIGTERM');
  await exited;
}

const runs: Started[] = [];
afterAll(async () => {
  for (const r of runs) await stop(r);
  const sh = promisify(execFile);
  const sock = join(dir, 'data/school-call/redis/redis.sock');
  await sh('redis-cli', ['-s', sock, 'shutdown', 'nosave']).catch(() => undefined);
  const bin = (await sh('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'])).stdout.trim();
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const stopPg = [...asPostgres, `${bin}/pg_ctl`, '-D', join(pgDir, 'data'), '-m', 'fast', 'stop'];
  await sh(stopPg[0]!, stopPg.slice(1)).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('the quick start (scripts/run.sh)', () => {
  it('runs with METRICS_PORT, creates the school with the setup code, and knows it after a restart', async () => {
    const port = await freeTcpUdpPort();
    const metricsPort = await freeTcpUdpPort();
    const env = {
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_DATA_HOME: join(dir, 'data'),
      SCHOOL_CALL_PG_DIR: pgDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      RTC_BASE_PORT: String(await freeTcpUdpPort()),
      MEDIASOUP_WORKERS: '1',
      MEDIA_LISTEN_IP: '127.0.0.1',
      MEDIA_ANNOUNCED_IP: '127.0.0.1',
      // An external TURN is "configured", so run.sh starts no coturn of its own here.
      TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
      TURN_SECRET: 'quick-start-test-secret-of-32-characters',
      SETUP_CODE,
      LOG_LEVEL: 'warn',
    };
    const first = await runSh(env);
    runs.push(first);
    await readyOn(`http://127.0.0.1:${metricsPort}/readyz`, first);
    expect(first.output()).toContain(`[run] METRICS_PORT=${metricsPort}`);
    expect(first.output()).toContain('[run] first start: the server logs a setup code');
    // /metrics is on its own port, not on the main one.
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);

    const admin = new AccountClient(`http://127.0.0.1:${port}`);
    const setup = await admin.post('/api/account/setup', {
      code: SETUP_CODE,
      schoolName: 'Школа № 12',
      lastName: 'Иванова',
      firstName: 'Мария',
      login: 'director12',
      password: 'пароль-директора-12',
    });
    expect(setup.status).toBe(200);
    await stop(first);

    const second = await runSh(env);
    runs.push(second);
    await readyOn(`http://127.0.0.1:${metricsPort}/readyz`, second);
    expect(second.output()).toContain('[run] the school is set up: people sign in at /login');
    expect(second.output()).not.toContain('first start');
    const again = new AccountClient(`http://127.0.0.1:${port}`);
    const login = await again.post('/api/account/login', {
      login: 'director12',
      password: 'пароль-директора-12',
    });
    expect(login.status).toBe(200);
    expect((await again.me())?.role).toBe('admin');
  }, 240_000);
});
