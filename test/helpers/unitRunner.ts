// Runs an installed systemd unit where there is no systemd (CI, this
// machine): its [Service] section's command line, environment, open-file
// limit and runtime directory, under scripts/ops/supervise.mjs with the
// unit's own restart policy (Restart=, RestartSec=, RestartPreventExitStatus=,
// StartLimit*=, TimeoutStopSec=): the same rules systemd applies, so a test
// of a crash and a restart tests what the unit says. User= and the sandboxing
// lines are not applied here (the tests run as whoever runs them), and a
// stopped unit is not restarted, as with `systemctl stop`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SUPERVISE = fileURLToPath(new URL('../../scripts/ops/supervise.mjs', import.meta.url));

export interface Unit {
  path: string;
  /** [Section] -> key -> values, in order (a key may repeat). */
  sections: Record<string, Record<string, string[]>>;
}

export function readUnit(path: string): Unit {
  const sections: Unit['sections'] = {};
  let current: Record<string, string[]> | null = null;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = {};
      sections[section[1]!] = current;
      continue;
    }
    const at = line.indexOf('=');
    if (!current || at < 0) throw new Error(`${path}: cannot read "${line}"`);
    const key = line.slice(0, at);
    const values = current[key] ?? [];
    values.push(line.slice(at + 1));
    current[key] = values;
  }
  return { path, sections };
}

export function unitValue(unit: Unit, section: string, key: string): string | undefined {
  const v = unit.sections[section]?.[key];
  return v?.[v.length - 1];
}

function words(command: string): string[] {
  // Our units quote nothing; systemd's "-" and "@" prefixes are not used either.
  return command.split(/\s+/).filter(Boolean);
}

export interface SupervisedUnit {
  supervisor: ChildProcess;
  /** PIDs of the service's main process, one per start. */
  pids: number[];
  /** What the service and its supervisor printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when the service has been started `count` times in all. */
  started(count: number, timeoutMs?: number): Promise<number>;
  /** Runs the unit's ExecStartPost= commands (e.g. the readiness wait); rejects when one fails. */
  startPost(): Promise<void>;
  /** Like `systemctl stop`: SIGTERM, nothing restarted; resolves with the supervisor's exit code. */
  stop(): Promise<number | null>;
}

/** The hard open-file limit of this process (a sandbox may cap it below a unit's LimitNOFILE, even for root). */
export function hardNofile(): number {
  const m = /Max open files\s+\S+\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1]);
}

/** LimitNOFILE= as applied here: the unit's, or this machine's hard limit where that is lower (said in the test). */
export function effectiveNofile(unit: Unit): number | null {
  const v = unitValue(unit, 'Service', 'LimitNOFILE');
  return v ? Math.min(Number(v), hardNofile()) : null;
}

/**
 * Starts the unit's ExecStart under the supervisor with the unit's restart
 * policy. `prefix`: the folder the unit was installed under (install.sh
 * --prefix), where its RuntimeDirectory= goes.
 */
export function runUnit(
  unit: Unit,
  opts: { env?: Record<string, string>; prefix?: string; user?: string } = {},
): SupervisedUnit {
  const s = (key: string) => unitValue(unit, 'Service', key);
  const u = (key: string) => unitValue(unit, 'Unit', key);
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const e of unit.sections.Service?.Environment ?? []) {
    const at = e.indexOf('=');
    env[e.slice(0, at)] = e.slice(at + 1);
  }
  Object.assign(env, opts.env);
  const runtime = s('RuntimeDirectory');
  if (runtime) mkdirSync(`${opts.prefix ?? ''}/run/${runtime}`, { recursive: true, mode: 0o750 });
  let command = words(s('ExecStart') ?? '');
  const nofile = effectiveNofile(unit);
  if (nofile) command = ['prlimit', `--nofile=${nofile}:${nofile}`, '--', ...command];
  // `user`: run as this user (User= names school-call, which a test machine does not have).
  if (opts.user) command = ['runuser', '-u', opts.user, '--', ...command];
  const args = [
    SUPERVISE,
    '--restart',
    s('Restart') ?? 'no',
    '--restart-sec',
    s('RestartSec') ?? '0.1',
    '--prevent-exit-status',
    s('RestartPreventExitStatus') ?? '',
    '--start-limit-burst',
    u('StartLimitBurst') ?? '5',
    '--start-limit-interval-sec',
    u('StartLimitIntervalSec') ?? '10',
    '--timeout-stop-sec',
    s('TimeoutStopSec') ?? '90',
    '--',
    ...command,
  ];
  const supervisor = spawn(process.execPath, args, {
    env,
    cwd: s('WorkingDirectory') ?? process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  supervisor.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  const pids: number[] = [];
  const waiters: (() => void)[] = [];
  let buffered = '';
  supervisor.stderr!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    output += chunk.toString();
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf('\n');
      if (line.startsWith('{"supervisor"')) {
        const note = JSON.parse(line) as { supervisor: string; pid?: number };
        if (note.supervisor === 'started' && note.pid) pids.push(note.pid);
        for (const w of waiters.splice(0)) w();
      }
      process.stderr.write(`${line}\n`);
    }
  });
  const handle: SupervisedUnit = {
    supervisor,
    pids,
    output: () => output,
    started: async (count, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (pids.length < count) {
        if (Date.now() > deadline) throw new Error(`${unit.path}: not started ${count} times`);
        if (supervisor.exitCode !== null)
          throw new Error(`${unit.path}: supervisor exited ${supervisor.exitCode}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
      return pids[count - 1]!;
    },
    startPost: async () => {
      for (const post of unit.sections.Service?.ExecStartPost ?? []) {
        const [cmd, ...rest] = words(post);
        await new Promise<void>((resolve, reject) => {
          execFile(cmd!, rest, { env, encoding: 'utf8' }, (err, _out, stderr) => {
            if (err) reject(new Error(`${post} failed (${err.code}): ${stderr}`));
            else resolve();
          });
        });
      }
    },
    stop: async () => {
      if (supervisor.exitCode !== null) return supervisor.exitCode;
      const exited = new Promise<number | null>((r) => supervisor.once('exit', (code) => r(code)));
      supervisor.kill('SIGTERM');
      return exited;
    },
  };
  return handle;
}
