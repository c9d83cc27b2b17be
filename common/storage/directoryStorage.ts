// Files in a directory on this host: the default, and the layout uploads
// always had (a file named by its id, its preview beside it).
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { type ByteSpan, type FileStorage, KEY_PATTERN, checkFolder, checkKey } from './fileStorage.js';

export class DirectoryStorage implements FileStorage {
  readonly kind = 'directory' as const;

  constructor(readonly dir: string) {}

  path(key: string): string {
    return join(this.dir, checkKey(key));
  }

  async size(key: string): Promise<number | null> {
    const s = await stat(this.path(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    return s?.isFile() ? s.size : null;
  }

  async read(key: string, span?: ByteSpan): Promise<Readable> {
    const stream = createReadStream(this.path(key), { ...span, highWaterMark: 256 * 1024 });
    // Opened before it is handed out, so a missing file fails here rather than mid-answer.
    await new Promise<void>((ok, fail) => {
      stream.once('open', () => ok());
      stream.once('error', fail);
    });
    return stream;
  }

  async head(key: string, n: number): Promise<Uint8Array> {
    const file = await open(this.path(key), 'r');
    try {
      const head = new Uint8Array(n);
      const { bytesRead } = await file.read(head, 0, n, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  async adopt(key: string, path: string): Promise<void> {
    const target = this.path(key);
    if (resolve(path) !== resolve(target)) await rename(path, target);
  }

  async write(key: string, bytes: Uint8Array | string): Promise<void> {
    const target = this.path(key);
    // Written aside and renamed, so a reader never sees half a file.
    await mkdir(this.dir, { recursive: true });
    await writeFile(`${target}.tmp`, bytes);
    await rename(`${target}.tmp`, target);
  }

  async list(startsWith = ''): Promise<string[]> {
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    return names.filter((n) => n.startsWith(startsWith) && KEY_PATTERN.test(n) && !n.endsWith('.tmp'));
  }

  folder(name: string): DirectoryStorage {
    return new DirectoryStorage(join(this.dir, checkFolder(name)));
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    return use(this.path(key));
  }
}
