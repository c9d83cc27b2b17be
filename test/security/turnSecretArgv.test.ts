// The TURN secret is never on a command line, not even for the moment the
// configuration is written (#21 re-run, O6): /proc/<pid>/cmdline is readable
// by everyone on the host. The real turn-start.sh runs with `cat` and
// `turnserver` stand-ins that record the command line of every process above
// them while they run, so the check does not depend on catching a short-lived
// process.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'turn-argv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Appends the command lines of this process and all its ancestors to $ARGV_LOG, then does the real job.
const recorder = (then: string) => `#!/usr/bin/env bash
p=$$
while [[ "$p" -gt 1 ]]; do
  tr '\\0' ' ' </proc/$p/cmdline >>"$ARGV_LOG"; echo >>"$ARGV_LOG"
  p=$(awk '{print $4}' /proc/$p/stat)
done
${then}
`;

describe('coturn configuration', () => {
  it('is written with the secret in no process command line, and in a 0600 file', () => {
    const bin = join(dir, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    const realCat = execFileSync('bash', ['-c', 'command -v cat'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'cat'), recorder(`exec ${realCat} "$@"`));
    writeFileSync(join(bin, 'turnserver'), recorder('exit 0'));
    for (const f of ['cat', 'turnserver']) chmodSync(join(bin, f), 0o755);
    const secret = `turn-secret-${Date.now()}-visible`;
    const env = join(dir, 'school-call.env');
    writeFileSync(env, `TURN_SECRET=${secret}\nMEDIA_ANNOUNCED_IP=127.0.0.1\nTURN_PORT=47690\n`);
    const conf = join(dir, 'turnserver.conf');
    const log = join(dir, 'argv.log');
    execFileSync('bash', ['scripts/ops/turn-start.sh', env, conf], {
      env: { PATH: `${bin}:${process.env.PATH}`, ARGV_LOG: log, HOME: dir },
    });
    const lines = readFileSync(log, 'utf8');
    expect(lines).not.toContain(secret);
    // The stand-ins ran under the configuration script and under turn-start.sh.
    expect(lines).toContain('turnserver-conf.sh 127.0.0.1 47690');
    expect(lines).toContain('turnserver -c');
    expect(readFileSync(conf, 'utf8')).toContain(`static-auth-secret=${secret}`);
    expect(statSync(conf).mode & 0o777).toBe(0o600);
  });

  it('is called the same way by run.sh: the secret goes in the environment', () => {
    const run = readFileSync('scripts/run.sh', 'utf8');
    const calls = run.split('\n').filter((l) => l.includes('turnserver-conf.sh'));
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.slice(call.indexOf('turnserver-conf.sh'))).not.toMatch(/TURN_SECRET/);
    }
  });
});
