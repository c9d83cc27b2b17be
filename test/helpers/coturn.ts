// A real coturn (Debian's turnserver) for a test file: TURN REST
// credentials (use-auth-secret), UDP and TCP listeners on one free port,
// TLS on another when a certificate is given, relaying to loopback peers
// only (the media server under test), nothing on disk but its log.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { freeTcpUdpPort } from './testServer.js';

export const TURNSERVER = process.env.TURNSERVER ?? '/usr/bin/turnserver';

export function coturnAvailable(): boolean {
  return existsSync(TURNSERVER);
}

export interface TestCoturn {
  port: number;
  tlsPort: number | null;
  stop(): Promise<void>;
  /** Starts it again on the same ports (after stop): a relay that went away and came back. */
  start(): Promise<void>;
}

export async function startCoturn(secret: string, tls?: { cert: string; key: string }): Promise<TestCoturn> {
  const port = await freeTcpUdpPort();
  const tlsPort = tls ? await freeTcpUdpPort() : null;
  const relayFrom = 20000 + Math.floor(Math.random() * 20000);
  const args = [
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=school-call',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${relayFrom}`,
    `--max-port=${relayFrom + 200}`,
    '--fingerprint',
    '--no-cli',
    '--no-multicast-peers',
    // The media server under test listens on loopback.
    '--allow-loopback-peers',
    '--no-dtls',
    '--log-file=stdout',
    '--simple-log',
    '--pidfile=',
  ];
  if (tls && tlsPort) args.push(`--tls-listening-port=${tlsPort}`, `--cert=${tls.cert}`, `--pkey=${tls.key}`);
  else args.push('--no-tls');
  let child: ChildProcess | null = null;
  const start = async () => {
    const proc = spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
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
      if (Date.now() > deadline || proc.exitCode !== null)
        throw new Error(`turnserver did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await start();
  return {
    port,
    tlsPort,
    async stop() {
      const proc = child;
      child = null;
      if (!proc || proc.exitCode !== null) return;
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
    },
    start,
  };
}
