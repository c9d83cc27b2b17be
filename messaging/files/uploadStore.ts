// The tus file store with one change: a write the filesystem refused for want
// of space keeps its ENOSPC/EDQUOT. @tus/file-store replaces every write error
// with a generic 500, so two uploads filling the disk at once could not be told
// apart from a broken request (one answered 507, the other 500).
import { createWriteStream } from 'node:fs';
import type http from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore } from '@tus/file-store';
import { ERRORS } from '@tus/server';

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** A write refused by the filesystem for want of space or quota (also when wrapped). */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    if (DISK_FULL_CODES.has(String((e as { code?: unknown }).code))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export class UploadStore extends FileStore {
  override async write(
    readable: http.IncomingMessage | NodeJS.ReadableStream,
    fileId: string,
    offset: number,
  ): Promise<number> {
    // Ids are the server's own (namingFunction): never a path.
    if (!/^[\w-]{8,64}$/.test(fileId)) throw ERRORS.FILE_NOT_FOUND;
    const sink = createWriteStream(join(this.directory, fileId), { flags: 'r+', start: offset });
    let received = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(readable, count, sink);
    } catch (err) {
      if (isDiskFull(err)) throw err;
      throw ERRORS.FILE_WRITE_ERROR;
    }
    return offset + received;
  }
}
