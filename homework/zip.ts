// All that a collection's pupils handed in, as one ZIP with a folder per
// pupil, for the collection's teacher: a signed link handed out over the
// chat socket (like the messenger's file links, with a key of its own), then
// GET /api/homework/zip/:id, streamed with fflate (maintained, streaming,
// no native code): files are stored as they are (no recompression of
// photos and PDFs), read one after another, and reading pauses while the
// socket is full, so a class's worth of photos is never held in memory.
// The teacher's standing is checked again when the link is used.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Zip, ZipPassThrough } from 'fflate';
import type uWS from 'uWebSockets.js';
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { savedFileName, uniqueName } from '../common/savedFileName.js';
import type { FileStorage } from '../common/storage/fileStorage.js';
import type { Messenger } from '../messaging/messenger.js';
import type { Caller } from '../messaging/permissions.js';
import type { GuardedApp } from '../signaling/http/guardedApp.js';
import type { HomeworkService } from './service.js';
import type { AssigneeRecord } from './store.js';

import cpb = schoolcall.chat.v1;

export const ZIP_PATH = '/api/homework/zip';

/**
 * Archive paths: "<pupil>/<file>", each part a name every system saves as it
 * is (common/savedFileName.ts), a folder per pupil (two pupils of one name
 * get two), a file's name unique in its folder.
 */
export function entryNames(rows: AssigneeRecord[]): { path: string; fileId: string }[] {
  const folders = new Set<string>();
  const out: { path: string; fileId: string }[] = [];
  for (const r of rows) {
    if (!r.submission || r.submission.returned || r.submission.files.length === 0) continue;
    const folder = uniqueName(savedFileName(r.pupilName, 'pupil'), folders, true);
    const files = new Set<string>();
    for (const f of r.submission.files) {
      out.push({ path: `${folder}/${uniqueName(savedFileName(f.name), files)}`, fileId: f.fileId });
    }
  }
  return out;
}

export class ZipLinks {
  private readonly key: Buffer;

  constructor(
    tokenSecret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = createHash('sha256').update(`homework-zip-links\n${tokenSecret}`).digest();
  }

  signed(collectionId: string, userId: string): cpb.IFileUrl {
    const expires = Math.floor(Date.now() / 1000) + this.ttlSeconds;
    const sig = this.sign(collectionId, userId, expires);
    return {
      url: `${ZIP_PATH}/${collectionId}?u=${encodeURIComponent(userId)}&e=${expires}&s=${sig}`,
      expiresAt: expires * 1000,
    };
  }

  /** The person a link was made for, or null if it is forged or expired. */
  verify(collectionId: string, query: URLSearchParams): string | null {
    const userId = query.get('u') ?? '';
    const expires = Number(query.get('e'));
    const sig = Buffer.from(query.get('s') ?? '', 'base64url');
    if (!Number.isInteger(expires) || expires < Date.now() / 1000) return null;
    const want = Buffer.from(this.sign(collectionId, userId, expires), 'base64url');
    if (sig.length !== want.length || !timingSafeEqual(sig, want)) return null;
    return userId;
  }

  private sign(collectionId: string, userId: string, expires: number): string {
    return createHmac('sha256', this.key)
      .update(`${collectionId}\n${userId}\n${expires}`)
      .digest('base64url');
  }
}

function plain(res: uWS.HttpResponse, aborted: boolean, status: string, text: string): void {
  if (aborted) return;
  res.cork(() =>
    res.writeStatus(status).writeHeader('content-type', 'text/plain; charset=utf-8').end(`${text}\n`),
  );
}

export function registerZipRoute(
  app: GuardedApp,
  deps: { links: ZipLinks; service: () => HomeworkService | null; messenger: Messenger; log: Logger },
): void {
  app.get(`${ZIP_PATH}/:id`, (res, req) => {
    const id = req.getParameter(0) ?? '';
    const query = new URLSearchParams(req.getQuery() ?? '');
    const state = { aborted: false };
    res.onAborted(() => {
      state.aborted = true;
    });
    void (async () => {
      const service = deps.service();
      const userId = deps.links.verify(id, query);
      const user = userId ? (await deps.messenger.chatStore.users([userId])).get(userId) : undefined;
      if (!service || !user) return plain(res, state.aborted, '404 Not Found', 'no such collection');
      const caller: Caller = { user, guest: false };
      const handed = await service.handedIn(caller, id).catch(() => null);
      if (!handed) return plain(res, state.aborted, '404 Not Found', 'no such collection');
      streamZip(
        res,
        state,
        handed.collection.title,
        entryNames(handed.rows),
        deps.messenger.storage,
        deps.log,
      );
    })().catch((err: unknown) => {
      deps.log.error({ err, collection: id }, 'homework zip failed');
      plain(res, state.aborted, '500 Internal Server Error', 'internal error');
    });
  });
}

function streamZip(
  res: uWS.HttpResponse,
  state: { aborted: boolean },
  title: string,
  entries: { path: string; fileId: string }[],
  storage: FileStorage,
  log: Logger,
): void {
  if (state.aborted) return;
  const name = `${savedFileName(title, 'homework')}.zip`;
  res.cork(() => {
    res.writeStatus('200 OK');
    res.writeHeader('content-type', 'application/zip');
    res.writeHeader(
      'content-disposition',
      `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    res.writeHeader('cache-control', 'private, no-store');
    res.writeHeader('x-content-type-options', 'nosniff');
  });
  let blocked = false;
  let reading: Readable | null = null;
  const zip = new Zip((err, chunk, final) => {
    if (state.aborted) return;
    if (err) {
      log.error({ err }, 'homework zip stream failed');
      res.close();
      return;
    }
    res.cork(() => {
      if (chunk.length && !res.write(chunk)) blocked = true;
      if (final) res.end();
    });
  });
  res.onWritable(() => {
    blocked = false;
    reading?.resume();
    return true;
  });
  res.onAborted(() => {
    state.aborted = true;
    reading?.destroy();
    zip.terminate();
  });
  const next = (i: number) => {
    if (state.aborted) return;
    const e = entries[i];
    if (!e) {
      zip.end();
      return;
    }
    const entry = new ZipPassThrough(e.path);
    zip.add(entry);
    storage.read(e.fileId).then(
      (file) => pump(i, e, entry, file),
      (err: unknown) => {
        log.error({ err, file: e.fileId }, 'reading a handed-in file failed');
        state.aborted = true;
        zip.terminate();
        res.close();
      },
    );
  };
  const pump = (i: number, e: { fileId: string }, entry: ZipPassThrough, file: Readable) => {
    if (state.aborted) {
      file.destroy();
      return;
    }
    reading = file;
    file.on('data', (buf) => {
      if (state.aborted) return;
      entry.push(new Uint8Array(buf as Buffer), false);
      if (blocked) file.pause();
    });
    file.on('end', () => {
      entry.push(new Uint8Array(0), true);
      next(i + 1);
    });
    file.on('error', (err) => {
      log.error({ err, file: e.fileId }, 'reading a handed-in file failed');
      state.aborted = true;
      res.close();
    });
  };
  next(0);
}
