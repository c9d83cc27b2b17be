// Uploads always arrive in this host's upload directory, where tus keeps
// their bytes and its `<id>.json` (resumable there, also across a restart);
// a finished one moves to the file storage (common/storage), which for the
// directory storage is where it already is.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Forgets what tus kept of an upload on this host (its bytes and its `<id>.json`). */
export async function forgetStaged(dir: string, fileId: string): Promise<void> {
  if (!/^[\w-]{8,64}$/.test(fileId)) return;
  await rm(join(dir, fileId), { force: true });
  await rm(join(dir, `${fileId}.json`), { force: true });
}
