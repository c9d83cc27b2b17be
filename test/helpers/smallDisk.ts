// A small real disk (tmpfs) for the full-disk tests: mounting needs root, so
// without it the caller skips. Unmounted lazily, so a process still writing
// there (a recorder's ffmpeg finishing) cannot leave the mount behind.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Mounts a tmpfs of `mb` MiB in a new folder; null where this process may not mount. */
export function mountSmallDisk(name: string, mb: number): string | null {
  if (process.getuid?.() !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

/** Unmounts (lazily: busy files do not keep it) and removes the folder. */
export function unmountSmallDisk(dir: string | null | undefined): void {
  if (!dir) return;
  try {
    execFileSync('umount', ['--lazy', dir], { stdio: 'ignore' });
  } catch {
    // Not mounted any more: nothing to release.
  }
  rmSync(dir, { recursive: true, force: true });
}
