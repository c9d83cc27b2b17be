// The operations scripts where a school's IT person runs them by hand:
// supervise.mjs through /opt/school-call/current (a symlink) must supervise,
// not exit silently; school-call-backup without readable settings says so in
// one sentence, not a Node stack and a shell error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'ops-scripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('operations scripts run by hand', () => {
  it('supervise.mjs called through a symlinked release folder starts the command', () => {
    symlinkSync(ROOT, join(dir, 'current'));
    const marker = join(dir, 'ran');
    const r = spawnSync(
      process.execPath,
      [
        join(dir, 'current/scripts/ops/supervise.mjs'),
        '--restart',
        'no',
        '--',
        process.execPath,
        '-e',
        `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('"supervisor":"started"');
    expect(existsSync(marker)).toBe(true);
  });

  it('school-call-backup without readable settings says which file and what to do, exit 64', () => {
    const r = spawnSync(
      'bash',
      [join(ROOT, 'scripts/ops/backup.sh'), '--config', join(dir, 'no/school-call.env')],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status).toBe(64);
    expect(r.stderr).toContain(
      `school-call-backup: cannot read the settings ${join(dir, 'no/school-call.env')}`,
    );
    expect(r.stderr).toContain('--config FILE');
    expect(r.stderr).not.toMatch(/ENOENT|unbound variable|\n\s+at /);
  });
});
