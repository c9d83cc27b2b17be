// High item of #21: the quick start turned the demo school on, so an anonymous
// visitor of a server started with run.sh entered as the demo admin teacher,
// created 300 rooms in 13 s and started recordings. run.sh's defaults (the
// real file it sources, run by bash) keep it off unless asked for.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function defaults(env: Record<string, string>): Record<string, string> {
  const out = execFileSync(
    'bash',
    ['-c', 'set -euo pipefail; source scripts/run-defaults.sh; echo "$DEMO_SCHOOL $DEMO_ROOM"'],
    { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
  ).trim();
  const [school, room] = out.split(' ');
  return { school: school!, room: room! };
}

describe("run.sh's defaults", () => {
  it('leave the demo school off unless DEMO_SCHOOL=1 is given; the demo room stays on', () => {
    expect(defaults({})).toEqual({ school: '0', room: 'demo' });
    expect(defaults({ DEMO_SCHOOL: '1' }).school).toBe('1');
    expect(defaults({ DEMO_ROOM: 'class' }).room).toBe('class');
  });
});
