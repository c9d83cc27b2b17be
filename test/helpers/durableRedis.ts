// A redis-server started as scripts/run.sh starts it (the shipped
// scripts/redis.conf, append-only, a unix socket in its own data directory),
// which a test may kill with SIGKILL and start again on the same data.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { REDIS_SERVER } from './redis.js';

export const SHIPPED_REDIS_CONF = fileURLToPath(new URL('../../scripts/redis.conf', import.meta.url));

export class DurableRedis {
  private child: ChildProcess | null = null;
  readonly dir = mkdtempSync(join(tmpdir(), 'redis-durable-'));
  readonly url = join(this.dir, 'redis.sock');

  constructor(private readonly extraArgs: string[] = []) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  async start(): Promise<void> {
    this.child = spawn(
      REDIS_SERVER,
      [SHIPPED_REDIS_CONF, '--dir', this.dir, '--unixsocket', this.url, ...this.extraArgs],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 15_000;
    for (;;) {
      const r = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      r.on('error', () => undefined);
      try {
        await r.connect();
        // Loading the AOF answers LOADING until done.
        if ((await r.ping()) === 'PONG') {
          r.disconnect();
          return;
        }
      } catch {
        // Not up yet.
      }
      r.disconnect();
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error('redis-server did not start');
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}
