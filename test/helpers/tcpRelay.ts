// A TCP relay in its own process, for network faults between a host and a
// service (Redis): SIGSTOP freezes it (connections stay open, nothing passes:
// a partition as a host sees it), SIGCONT heals it. No iptables needed.
import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freeTcpUdpPort } from './testServer.js';

const RELAY = `
const net = require('node:net');
const [listen, target] = process.argv.slice(1).map(Number);
net.createServer((a) => {
  const b = net.connect(target, '127.0.0.1');
  a.pipe(b); b.pipe(a);
  const end = () => { a.destroy(); b.destroy(); };
  a.on('error', end); b.on('error', end); a.on('close', end); b.on('close', end);
}).listen(listen, '127.0.0.1');
`;

export interface TcpRelay {
  port: number;
  /** Nothing passes until heal(); connections stay open. */
  cut(): void;
  heal(): void;
  stop(): Promise<void>;
}

export async function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  const port = await freeTcpUdpPort();
  const child: ChildProcess = spawn(process.execPath, ['-e', RELAY, String(port), String(targetPort)], {
    stdio: 'ignore',
  });
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
    if (Date.now() > deadline) throw new Error('the relay did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    cut: () => child.kill('SIGSTOP'),
    heal: () => child.kill('SIGCONT'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
