#!/usr/bin/env node
// Runs a command and starts it again when it fails, with systemd's restart
// rules: what `scripts/run.sh` runs the quick-start server under, and what the
// tests run an installed unit's command line under where there is no systemd
// (test/helpers/unitRunner.ts reads the unit's [Service] section into these
// options). On an installed server systemd itself does this job.
//
//   node scripts/ops/supervise.mjs [--restart on-failure|always|on-abnormal|no]
//     [--restart-sec 2] [--prevent-exit-status 78] [--start-limit-burst 5]
//     [--start-limit-interval-sec 60] [--timeout-stop-sec 30] -- command args…
//
// Like systemd: `on-failure` restarts after a non-zero exit or a death by a
// signal (but SIGHUP, SIGINT, SIGTERM and SIGPIPE, which count as a clean
// stop), `always` after any exit, `on-abnormal` after such a signal only; an exit
// status in --prevent-exit-status (the server's 78: bad configuration) is
// never restarted; more than --start-limit-burst starts within
// --start-limit-interval-sec gives up. SIGTERM or SIGINT to the supervisor is
// passed to the command (a second one too: the server's "cut the drain
// short") and nothing is restarted after it; past --timeout-stop-sec the
// command gets SIGKILL. Each start and exit is one JSON line on stderr.
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function parseArgs(argv) {
  const o = {
    restart: 'on-failure',
    restartSec: 2,
    preventExitStatus: [],
    startLimitBurst: 5,
    startLimitIntervalSec: 10,
    timeoutStopSec: 90,
    command: [],
  };
  const at = argv.indexOf('--');
  if (at < 0 || at === argv.length - 1) throw new Error('usage: supervise.mjs [options] -- command args…');
  o.command = argv.slice(at + 1);
  const opts = argv.slice(0, at);
  for (let i = 0; i < opts.length; i += 2) {
    const [name, value] = [opts[i], opts[i + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--restart') {
      if (!['no', 'on-failure', 'always', 'on-abnormal'].includes(value))
        throw new Error(`--restart ${value}?`);
      o.restart = value;
    } else if (name === '--restart-sec') o.restartSec = Number(value);
    else if (name === '--prevent-exit-status')
      o.preventExitStatus = value
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number);
    else if (name === '--start-limit-burst') o.startLimitBurst = Number(value);
    else if (name === '--start-limit-interval-sec') o.startLimitIntervalSec = Number(value);
    else if (name === '--timeout-stop-sec') o.timeoutStopSec = Number(value);
    else throw new Error(`unknown option ${name}`);
  }
  return o;
}

/** Whether systemd would start the service again after this exit. */
export function shouldRestart(policy, code, signal, preventExitStatus) {
  if (code !== null && preventExitStatus.includes(code)) return false;
  // systemd counts these four signals as a clean stop, like exit status 0.
  const cleanSignal = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGPIPE'].includes(signal);
  const clean = code === 0 || cleanSignal;
  switch (policy) {
    case 'always':
      return true;
    case 'on-failure':
      return !clean;
    case 'on-abnormal':
      return signal !== null && !cleanSignal;
    default:
      return false;
  }
}

function note(fields) {
  process.stderr.write(
    `${JSON.stringify({ supervisor: fields.event, time: new Date().toISOString(), ...fields })}\n`,
  );
}

export function supervise(o) {
  let child = null;
  let stopping = false;
  let killTimer = null;
  const starts = [];

  const start = () => {
    const now = Date.now();
    while (starts.length && now - starts[0] > o.startLimitIntervalSec * 1000) starts.shift();
    if (starts.length >= o.startLimitBurst) {
      note({
        event: 'gave-up',
        reason: `started ${starts.length} times within ${o.startLimitIntervalSec} s`,
      });
      process.exit(1);
    }
    starts.push(now);
    child = spawn(o.command[0], o.command.slice(1), { stdio: 'inherit' });
    note({ event: 'started', pid: child.pid, command: o.command.join(' ') });
    child.on('error', (err) => note({ event: 'spawn-failed', error: String(err) }));
    child.on('exit', (code, signal) => {
      note({ event: 'exited', pid: child.pid, code, signal });
      child = null;
      if (stopping) {
        clearTimeout(killTimer);
        process.exit(code ?? 0);
      }
      if (!shouldRestart(o.restart, code, signal, o.preventExitStatus)) process.exit(code ?? 1);
      note({ event: 'restarting', inSeconds: o.restartSec });
      setTimeout(start, o.restartSec * 1000);
    });
  };

  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => {
      if (!child) process.exit(0);
      if (!stopping) {
        stopping = true;
        killTimer = setTimeout(() => child?.kill('SIGKILL'), o.timeoutStopSec * 1000);
      }
      child.kill(sig);
    });
  }
  start();
}

// Compared by real path: through /opt/school-call/current (a symlink) argv[1]
// is not the module's own path, and a supervisor that silently did nothing is worse than none.
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  try {
    supervise(parseArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`supervise: ${err.message}\n`);
    process.exit(64);
  }
}
