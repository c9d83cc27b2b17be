// The server (with its messenger) as its own process, so a test can crash it
// with SIGKILL and start it again on the same Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freeTcpUdpPort } from './testServer.js';

export class MessengerProcess {
  private child: ChildProcess | null = null;
  port = 0;
  private rtcPort = 0;

  /** `messenger`: ready when the messenger hears its store; `listening`: when /healthz answers. */
  constructor(
    private readonly env: Record<string, string>,
    private readonly readyWhen: 'messenger' | 'listening' = 'messenger',
  ) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  /** Still running (not exited, not killed). */
  get alive(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/chat`;
  }

  async start(): Promise<void> {
    this.port = this.port || (await freeTcpUdpPort());
    this.rtcPort = this.rtcPort || (await freeTcpUdpPort());
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    this.child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'app/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        MEDIASOUP_WORKERS: '1',
        MEDIA_LISTEN_IP: '127.0.0.1',
        MEDIA_ANNOUNCED_IP: '127.0.0.1',
        RTC_BASE_PORT: String(this.rtcPort),
        ...this.env,
        HOST: '127.0.0.1',
        PORT: String(this.port),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await this.ready();
  }

  /** Waits until the messenger answers and hears its store. */
  async ready(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const health = (await (await fetch(`${this.httpUrl}/healthz`)).json()) as {
          messenger: { status: string };
        };
        if (this.readyWhen === 'listening' || health.messenger.status === 'ok') return;
      } catch {
        // Not listening yet.
      }
      if (this.child?.exitCode !== null)
        throw new Error(`messenger exited (${this.child?.exitCode}) before it was ready`);
      if (Date.now() > deadline) throw new Error(`messenger did not become ready in ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
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
