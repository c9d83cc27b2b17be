// Starts the real server as its own process for a load run, so its CPU and
// memory are measured apart from the load generator's.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freeTcpUdpPort } from '../test/helpers/testServer.js';

export interface ServerUnderTest {
  process: ChildProcess;
  pid: number;
  httpUrl: string;
  wsUrl: string;
  adminSecret: string;
  tokenSecret: string;
  stop(): Promise<void>;
}

export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerUnderTest> {
  const port = await freeTcpUdpPort();
  const adminSecret = randomBytes(24).toString('base64url');
  const tokenSecret = randomBytes(24).toString('base64url');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MEDIA_LISTEN_IP: '127.0.0.1',
      MEDIA_ANNOUNCED_IP: '127.0.0.1',
      RTC_BASE_PORT: String(await freeTcpUdpPort()),
      ADMIN_SECRET: adminSecret,
      TOKEN_SECRET: tokenSecret,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${httpUrl}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    process: child,
    pid: child.pid!,
    httpUrl,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    adminSecret,
    tokenSecret,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
