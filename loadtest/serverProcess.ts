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
  /** SIGTERM shuts down cleanly; SIGKILL is a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerUnderTest> {
  // A given PORT: the same server started again where its clients expect it.
  const port = env.PORT ? Number(env.PORT) : await freeTcpUdpPort();
  // Hosts of one deployment share their secrets; pass them in env for that.
  const adminSecret = env.ADMIN_SECRET ?? randomBytes(24).toString('base64url');
  const tokenSecret = env.TOKEN_SECRET ?? randomBytes(24).toString('base64url');
  const root = fileURLToPath(new URL('..', import.meta.url));
  // SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server under load.
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // SERVER_NOFILE caps the server's open files (prlimit), e.g. to reach that limit in a load run.
  const nofile = env.SERVER_NOFILE;
  const command = nofile ? 'prlimit' : process.execPath;
  const commandArgs = [...nodeArgs, '--import', 'tsx', 'app/main.ts'];
  if (nofile) commandArgs.unshift(`--nofile=${nofile}:${nofile}`, '--', process.execPath);
  const child = spawn(command, commandArgs, {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MEDIA_LISTEN_IP: '127.0.0.1',
      MEDIA_ANNOUNCED_IP: '127.0.0.1',
      RTC_BASE_PORT: String(await freeTcpUdpPort()),
      LOG_LEVEL: 'warn',
      ...env,
      ADMIN_SECRET: adminSecret,
      TOKEN_SECRET: tokenSecret,
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
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await new Promise((r) => child.once('exit', r));
    },
  };
}
