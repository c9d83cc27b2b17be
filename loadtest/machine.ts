// What machine a load figure was measured on, for RESULTS.md.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export function machineDescription(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const gib = (totalmem() / 1024 ** 3).toFixed(0);
  let os = 'Linux';
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // Not fatal: the rest still identifies the machine.
  }
  return `${cpus().length} × ${model}, ${gib} GiB, ${os}, Node ${process.version}`;
}

/** The commit measured, marked "-dirty" when the working tree (RESULTS.md aside) has changes. */
export function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((line) => line.trim() && !line.endsWith('loadtest/RESULTS.md'));
    return changed.length ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}
