// A real Redis server for a test file, on a free port, with nothing on disk.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpUdpPort } from './testServer.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export function redisAvailable(): boolean {
  return existsSync(REDIS_SERVER);
}

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop), with what it kept on disk if `persistent`. */
  start(): Promise<void>;
  /** Sends the process a signal: SIGSTOP freezes it (connections stay open, nothing answers), SIGCONT resumes. */
  signal(sig: NodeJS.Signals): void;
}

/**
 * A redis-server on a free port. `persistent`: it keeps its data in an
 * append-only file in a temporary directory, so a stop and start (a Redis
 * restart) keeps it, as a deployment's Redis would. `from`: a copy of that
 * appendonlydir is loaded (a fixture's data set), and kept as with `persistent`.
 */
export async function startRedis(options: { persistent?: boolean; from?: string } = {}): Promise<TestRedis> {
  const port = await freeTcpUdpPort();
  let disk = ['--appendonly', 'no'];
  if (options.persistent || options.from) {
    const dir = mkdtempSync(join(tmpdir(), 'redis-'));
    if (options.from) cpSync(options.from, join(dir, 'appendonlydir'), { recursive: true });
    disk = ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'];
  }
  let child: ChildProcess | null = null;
  const start = async () => {
    const proc = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...disk], {
      stdio: 'ignore',
    });
    child = proc;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const up = await new Promise<boolean>((resolve) => {
        const s = createConnection(port, '127.0.0.1', () => {
          s.end();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      if (up) break;
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    signal(sig) {
      (child as ChildProcess | null)?.kill(sig);
    },
    async stop() {
      const proc = child;
      child = null;
      if (!proc || proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
    start,
  };
}
