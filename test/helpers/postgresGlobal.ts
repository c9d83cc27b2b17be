// vitest global setup: a directory for the run's shared PostgreSQL cluster,
// which the first test file that asks for a database starts
// (helpers/postgres.ts) and this stops after the run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED_DIR_ENV, SHARED_OWNER_ENV, own, stopSharedCluster } from './postgres.js';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'school-call-pg-'));
  own(dir);
  process.env[SHARED_DIR_ENV] = dir;
  process.env[SHARED_OWNER_ENV] = String(process.pid);
  return () => stopSharedCluster(dir);
}
