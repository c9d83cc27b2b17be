// An install of a built release into a folder (scripts/install.sh --prefix),
// as a school's server would have it under /, with its units run by the unit
// runner: what the install, backup and upgrade tests start from.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { freeTcpUdpPort } from './testServer.js';
import { type SupervisedUnit, readUnit, runUnit } from './unitRunner.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A command's output; rejects with its output when it fails. (Never a sync call: it would stall the test worker.) */
export function run(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts },
      (err, stdout, stderr) => {
        if (err)
          reject(new Error(`${command} ${args.join(' ')} failed (${err.code}):\n${stdout}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/** Folders this file made (a release is ~200 MB, an install as much again). */
const made: string[] = [];

/** Removes every release and install this file made; after their units have stopped. */
export async function removeInstalls(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Builds a release of this checkout (scripts/build-release.mjs) into a temporary folder. */
export async function buildRelease(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'school-call-release-'));
  made.push(out);
  return (await run(process.execPath, [join(ROOT, 'scripts/build-release.mjs'), out])).stdout.trim();
}

export interface Installed {
  prefix: string;
  env: Record<string, string>;
  /** What install.sh printed. */
  output: string;
  unit(name: string): string;
  /** Starts a unit under the runner. */
  run(name: string, env?: Record<string, string>): SupervisedUnit;
  httpUrl: string;
  wsUrl: string;
  metricsUrl: string;
}

/** Ports of this install, from the free ones now (the defaults would collide between tests). */
async function ports(): Promise<Record<string, string>> {
  return {
    PORT: String(await freeTcpUdpPort()),
    METRICS_PORT: String(await freeTcpUdpPort()),
    RTC_BASE_PORT: String(await freeTcpUdpPort()),
    TURN_PORT: String(await freeTcpUdpPort()),
  };
}

export async function install(
  release: string,
  sets: Record<string, string> = {},
  prefix?: string,
): Promise<Installed> {
  const root = prefix ?? mkdtempSync(join(tmpdir(), 'school-call-root-'));
  if (!prefix) made.push(root);
  const values = {
    ...(await ports()),
    MEDIASOUP_WORKERS: '1',
    MEDIA_LISTEN_IP: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RECORDING_MIN_FREE_MB: '1',
    ...sets,
  };
  const args = [
    join(ROOT, 'scripts/install.sh'),
    '--prefix',
    root,
    '--release',
    release,
    '--media-ip',
    '127.0.0.1',
  ];
  for (const [k, v] of Object.entries(values)) args.push('--set', `${k}=${v}`);
  const r = await run('bash', args);
  const env = parseEnv(readFileSync(join(root, 'etc/school-call/school-call.env'), 'utf8')) as Record<
    string,
    string
  >;
  const unit = (name: string) => join(root, 'etc/systemd/system', name);
  return {
    prefix: root,
    env,
    output: r.stdout + r.stderr,
    unit,
    run: (name, extra) => runUnit(readUnit(unit(name)), { prefix: root, env: extra }),
    httpUrl: `http://127.0.0.1:${env.PORT}`,
    wsUrl: `ws://127.0.0.1:${env.PORT}/ws`,
    metricsUrl: `http://127.0.0.1:${env.METRICS_PORT}`,
  };
}

/** Waits until `check` holds, asking every 100 ms. */
export async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
