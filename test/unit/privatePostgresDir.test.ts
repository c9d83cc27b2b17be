// Where run.sh's private PostgreSQL lives as root: never the installed
// unit's cluster (/var/lib/school-call/postgres/data), which a quick start
// on the machine that later gets the install would otherwise share.
import { describe, expect, it } from 'vitest';
import { rootDir } from '../../common/postgres/privateServer.js';

describe('the quick start’s PostgreSQL folder as root', () => {
  it('is the trial’s own folder, not the installed unit’s', () => {
    expect(rootDir(() => false)).toBe('/var/lib/school-call-trial/postgres');
    const installed = new Set([
      '/var/lib/school-call/postgres/data/PG_VERSION',
      '/etc/school-call/school-call.env',
    ]);
    expect(rootDir((p) => installed.has(p))).toBe('/var/lib/school-call-trial/postgres');
  });

  it('keeps an older trial’s folder only while nothing is installed', () => {
    const olderTrial = new Set(['/var/lib/school-call/postgres/data/PG_VERSION']);
    expect(rootDir((p) => olderTrial.has(p))).toBe('/var/lib/school-call/postgres');
  });
});
