// Debian's Janus (apt-get install janus) run for a side-by-side load test:
// a private config with only the VideoRoom plugin and the HTTP transport, and
// a small client for its HTTP API.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LIB = '/usr/lib/x86_64-linux-gnu/janus';

export class Janus {
  private session = 0;
  private handle = 0;
  private tx = 0;

  private constructor(
    readonly process: ChildProcess,
    private readonly url: string,
    private readonly dir: string,
  ) {}

  static async start(httpPort: number): Promise<Janus> {
    if (!existsSync('/usr/bin/janus') || !existsSync(`${LIB}/plugins/libjanus_videoroom.so`)) {
      throw new Error('Janus is needed for this comparison: apt-get install -y janus');
    }
    const dir = mkdtempSync(join(tmpdir(), 'janus-'));
    for (const sub of ['plugins', 'transports', 'events', 'loggers']) mkdirSync(join(dir, sub));
    symlinkSync(`${LIB}/plugins/libjanus_videoroom.so`, join(dir, 'plugins/libjanus_videoroom.so'));
    symlinkSync(`${LIB}/transports/libjanus_http.so`, join(dir, 'transports/libjanus_http.so'));
    writeFileSync(
      join(dir, 'janus.jcfg'),
      `general: {
  configs_folder = "${dir}"
  plugins_folder = "${dir}/plugins"
  transports_folder = "${dir}/transports"
  events_folder = "${dir}/events"
  loggers_folder = "${dir}/loggers"
  debug_level = 2
}
media: { rtp_port_range = "20000-29999" }
nat: { ignore_mdns = true }
`,
    );
    writeFileSync(
      join(dir, 'janus.transport.http.jcfg'),
      `general: { base_path = "/janus" http = true port = ${httpPort} ip = "127.0.0.1" https = false }
admin: { admin_http = false }
`,
    );
    writeFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), 'general: { }\n');
    const child = spawn('janus', ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const janus = new Janus(child, `http://127.0.0.1:${httpPort}/janus`, dir);
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const r = await janus.post('', { janus: 'create' });
        janus.session = r.data.id;
        break;
      } catch {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('janus did not start');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const attached = await janus.post(`/${janus.session}`, {
      janus: 'attach',
      plugin: 'janus.plugin.videoroom',
    });
    janus.handle = attached.data.id;
    return janus;
  }

  /** A VideoRoom request on our handle; returns the plugin's answer. */
  // biome-ignore lint/suspicious/noExplicitAny: Janus answers are loosely typed JSON.
  async videoroom(body: Record<string, unknown>): Promise<any> {
    const r = await this.post(`/${this.session}/${this.handle}`, { janus: 'message', body });
    const data = r.plugindata?.data;
    if (!data || data.error)
      throw new Error(`videoroom ${String(body.request)}: ${JSON.stringify(data ?? r)}`);
    return data;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      this.process.kill('SIGTERM');
      await new Promise((r) => this.process.once('exit', r));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  // biome-ignore lint/suspicious/noExplicitAny: Janus answers are loosely typed JSON.
  private async post(path: string, body: Record<string, unknown>): Promise<any> {
    const res = await fetch(this.url + path, {
      method: 'POST',
      body: JSON.stringify({ ...body, transaction: `t${++this.tx}` }),
    });
    const json = await res.json();
    if (json.janus === 'error') throw new Error(`janus: ${JSON.stringify(json.error)}`);
    return json;
  }
}
