// Resumable attachment uploads over the tus protocol (tus.io), served by the
// maintained @tus/server with its file store, on our uWebSockets.js listener
// through the server's web-standard handler (handleWeb): one port for
// everything, and standard tus clients (tus-js-client in the web client)
// resume an interrupted upload from the last byte the server has. The
// request body is streamed to disk with backpressure (uWS pause/resume), so
// a 4 GB file is never held in memory.
//
// Every request carries the uploader's user token (Authorization: Bearer),
// or in a call a lesson chat's upload grant (lesson/uploadGrants.ts); an
// upload is created only for a chat the uploader may write in, and only its
// uploader may continue it.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { statfs, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { EVENTS, Server, type Upload } from '@tus/server';
import type uWS from 'uWebSockets.js';
import type { Logger } from '../../common/log.js';
import { sniffRaster } from '../../common/pictures.js';
import { badTextIn, badTextMessage } from '../../common/protocol/textRule.js';
import type { FileStorage } from '../../common/storage/fileStorage.js';
import type { HttpRouter } from '../../signaling/http/router.js';
import { ChatError, ChatErrorCode, chatErrorLabel } from '../errors.js';
import { type UploadGrants, isUploadGrant } from '../lesson/uploadGrants.js';
import type { Messenger } from '../messenger.js';
import type { ChatMetrics } from '../metrics.js';
import { type Caller, requireWrite } from '../permissions.js';
import type { UserTokens } from '../userTokens.js';
import { FILES_PATH } from './downloads.js';
import { type FileRecords, placeChat } from './fileRecords.js';
import { makePreview, previewKey, previewPath, readHead, servedType } from './previews.js';
import { forgetStaged } from './staging.js';
import { UploadStore, isDiskFull } from './uploadStore.js';
import { toWebRequest, writeWebResponse } from './uwsWeb.js';

export const UPLOADS_PATH = '/api/chat/uploads';
const FILE_NAME_MAX = 255;

interface TusError {
  status_code: number;
  body: string;
}

const HTTP_STATUS: Partial<Record<ChatErrorCode, number>> = {
  [ChatErrorCode.CHAT_ERROR_UNAUTHENTICATED]: 401,
  [ChatErrorCode.CHAT_ERROR_TOKEN_EXPIRED]: 401,
  [ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND]: 404,
  [ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND]: 404,
  [ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT]: 400,
  [ChatErrorCode.CHAT_ERROR_UNAVAILABLE]: 503,
  [ChatErrorCode.CHAT_ERROR_RATE_LIMITED]: 429,
  [ChatErrorCode.CHAT_ERROR_QUOTA_EXCEEDED]: 413,
};

/** Space kept free on the uploads disk: an upload that would leave less is refused. */
const DISK_RESERVE_BYTES = 1024 * 1024;

/** The answer to an upload that does not fit on the disk: a typed 507, never a 500. */
const DISK_FULL: TusError = {
  status_code: 507,
  body: 'disk-full: the server has no room for this file now\n',
};

/** Any other failure: said plainly, its cause (paths, system errors) only in the log. */
const UPLOAD_FAILED: TusError = { status_code: 500, body: 'internal error: try again later\n' };

export class Uploads {
  private readonly tus: Server;

  constructor(
    /** Where uploads arrive and resume (this host's disk). */
    private readonly uploadDir: string,
    /** Where finished uploads are kept: the same directory, or the shared bucket. */
    private readonly storage: FileStorage,
    private readonly maxBytes: number,
    private readonly messenger: () => Messenger | null,
    private readonly files: () => FileRecords | null,
    private readonly tokens: UserTokens,
    private readonly metrics: ChatMetrics,
    private readonly log: Logger,
    private readonly grants: UploadGrants | null = null,
  ) {
    mkdirSync(uploadDir, { recursive: true });
    this.tus = new Server({
      path: UPLOADS_PATH,
      datastore: new UploadStore({ directory: uploadDir }),
      maxSize: maxBytes,
      relativeLocation: true,
      // Same origin only: nothing else needs to upload here from a browser.
      allowedOrigins: () => false,
      namingFunction: () => randomBytes(18).toString('base64url'),
      onIncomingRequest: (req, uploadId) => this.authorize(req, uploadId),
      onUploadCreate: (req, upload) => this.created(req, upload),
      onUploadFinish: (_req, upload) => this.finished(upload),
      onResponseError: (req, err) => this.countError(req, err),
      // A finished upload may be in a message: its bytes are not the uploader's to pull away.
      disableTerminationForFinishedUploads: true,
    });
    // A cancelled upload gives its place among the person's unfinished ones back at once.
    this.tus.on(EVENTS.POST_TERMINATE, (_req, _res, id) => {
      void this.cancelled(id).catch((err: unknown) =>
        this.log.warn({ err, file: id }, 'upload slot not freed'),
      );
    });
  }

  private async cancelled(uploadId: string): Promise<void> {
    const record = await this.files()?.get(uploadId);
    if (record) await this.messenger()?.perPerson.uploadEnds(record.owner, uploadId);
  }

  register(router: HttpRouter): void {
    const { app } = router;
    const handle = (res: uWS.HttpResponse, req: uWS.HttpRequest) => {
      // Another site's page may not start, write or cancel an upload (the router's one check).
      const crossSite = router.crossSite(req);
      if (crossSite) {
        this.metrics.rejected.inc({ reason: 'upload_cross_site' });
        res.cork(() =>
          res
            .writeStatus('403 Forbidden')
            .writeHeader('content-type', 'text/plain; charset=utf-8')
            .end(`csrf: ${crossSite}\n`),
        );
        return;
      }
      // tus would answer GET with the whole upload read into memory (4 downloads
      // of 160 MiB: 1.5 GiB); files are read from FILES_PATH, streamed.
      if (req.getMethod().toLowerCase() === 'get') {
        this.metrics.rejected.inc({ reason: 'upload_get' });
        res.cork(() =>
          res
            .writeStatus('405 Method Not Allowed')
            .writeHeader('allow', 'POST, HEAD, PATCH, OPTIONS, DELETE')
            .writeHeader('content-type', 'text/plain; charset=utf-8')
            .end(`download files from ${FILES_PATH}/<id>\n`),
        );
        return;
      }
      const request = toWebRequest(res, req);
      void this.tus
        .handleWeb(request.request)
        .then((response) => writeWebResponse(request, response))
        .catch((err: unknown) => {
          this.log.error({ err }, 'upload request failed');
          writeWebResponse(request, new Response('internal error\n', { status: 500 }));
        });
    };
    app.any(UPLOADS_PATH, handle);
    app.any(`${UPLOADS_PATH}/*`, handle);
  }

  private fail(error: ChatError): TusError {
    this.metrics.rejected.inc({ reason: `upload_${chatErrorLabel(error.code)}` });
    return { status_code: HTTP_STATUS[error.code] ?? 403, body: `${error.message}\n` };
  }

  /** Who uploads: a user token, or a lesson chat's upload grant (then only for its chat). */
  private async callerOf(req: Request): Promise<{ caller: Caller; onlyChat: string | null }> {
    const token = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1] ?? '';
    try {
      const grant = this.grants && isUploadGrant(token) ? await this.grants.verify(token) : null;
      if (grant) return { caller: grant.caller, onlyChat: grant.chatId };
      const user = await this.tokens.verify(token);
      const caller = {
        user: {
          id: user.userId,
          name: user.displayName,
          sort: user.sortName,
          role: user.role,
          school: user.schoolId,
        },
        guest: false,
      };
      return { caller, onlyChat: null };
    } catch (err) {
      throw err instanceof ChatError ? this.fail(err) : err;
    }
  }

  /**
   * Every request: a valid user token or grant; an existing upload only by
   * its uploader while they may still write in its chat (someone removed or
   * banned meanwhile stops there, whatever their grant's lifetime).
   */
  private async authorize(req: Request, uploadId: string): Promise<void> {
    const { caller } = await this.callerOf(req);
    if (req.method === 'POST' || req.method === 'OPTIONS') return;
    const files = this.files();
    const messenger = this.messenger();
    if (!files || !messenger)
      throw this.fail(new ChatError(ChatErrorCode.CHAT_ERROR_UNAVAILABLE, 'uploads are unavailable'));
    const record = await files.get(uploadId);
    if (!record || record.owner !== caller.user.id) {
      throw this.fail(new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, 'no such upload'));
    }
    // An upload for a place (one's «Документы»): its uploader's alone, as checked above.
    if (files.place(record.chat)) return;
    try {
      const { chat, member } = await messenger.chats.access(record.chat, caller);
      requireWrite(chat, member, caller);
    } catch (err) {
      throw err instanceof ChatError ? this.fail(err) : err;
    }
  }

  private async created(req: Request, upload: Upload): Promise<{ metadata?: Upload['metadata'] }> {
    const messenger = this.messenger();
    const files = this.files();
    if (!messenger || !files) {
      throw this.fail(new ChatError(ChatErrorCode.CHAT_ERROR_UNAVAILABLE, 'uploads are unavailable'));
    }
    const { caller, onlyChat } = await this.callerOf(req);
    const meta = upload.metadata ?? {};
    const badText = badTextIn(meta);
    if (badText) {
      throw this.fail(
        new ChatError(
          ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT,
          badTextMessage(`Upload-Metadata ${badText}`),
        ),
      );
    }
    const size = upload.size;
    if (size === undefined) {
      throw this.fail(new ChatError(ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT, 'Upload-Length is required'));
    }
    if (size > this.maxBytes) {
      throw this.fail(
        new ChatError(ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT, `files are at most ${this.maxBytes} bytes`),
      );
    }
    // Refused before a byte is stored when it cannot fit (writes that fail later answer the same).
    if (size + DISK_RESERVE_BYTES > (await this.freeBytes())) {
      this.metrics.rejected.inc({ reason: 'upload_disk_full' });
      throw DISK_FULL;
    }
    const name = (meta.filename ?? '').slice(0, FILE_NAME_MAX) || 'file';
    const type = /^[\w.+-]+\/[\w.+-]+$/.test(meta.filetype ?? '')
      ? meta.filetype!
      : 'application/octet-stream';
    if (onlyChat !== null && meta.chatId !== onlyChat) {
      throw this.fail(new ChatError(ChatErrorCode.CHAT_ERROR_FORBIDDEN, 'the grant is for another chat'));
    }
    try {
      const target = await this.target(messenger, files, caller, meta, size, onlyChat);
      // The quota: uploads at once and bytes a day, per person on every host (personLimits.ts).
      const refused = await messenger.perPerson.uploadBegins(caller.user.id, upload.id, size);
      if (refused) {
        throw new ChatError(
          ChatErrorCode.CHAT_ERROR_RATE_LIMITED,
          refused === 'uploads_at_once'
            ? 'too many unfinished uploads; finish or cancel one'
            : 'too many bytes uploaded today; wait until tomorrow',
        );
      }
      try {
        await files.create({ id: upload.id, owner: caller.user.id, chat: target, name, type, size });
      } catch (err) {
        await messenger.perPerson.uploadEnds(caller.user.id, upload.id);
        throw err;
      }
    } catch (err) {
      throw err instanceof ChatError ? this.fail(err) : err;
    }
    return {};
  }

  /**
   * What an upload is for: a chat the uploader may write in (metadata
   * chatId), or a place of a part above the messenger (metadata place, one's
   * «Документы») that admits it (its quota) before a byte is stored.
   */
  private async target(
    messenger: Messenger,
    files: FileRecords,
    caller: Caller,
    meta: Record<string, string | null>,
    size: number,
    onlyChat: string | null,
  ): Promise<string> {
    if (meta.place) {
      const place = onlyChat === null ? files.place(meta.place) : null;
      if (!place) throw new ChatError(ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT, 'no such upload place');
      await place.admit(caller, size);
      return placeChat(place.key);
    }
    const { chat, member } = await messenger.chats.access(meta.chatId ?? '', caller);
    requireWrite(chat, member, caller);
    return chat.id;
  }

  private async finished(upload: Upload): Promise<Record<string, never>> {
    const files = this.files();
    const record = await files?.get(upload.id);
    if (!files || !record) return {};
    // What the bytes are, not what the uploader declared, decides how the file is shown.
    const head = await readHead(join(this.uploadDir, upload.id));
    const real = sniffRaster(head);
    const type = servedType(record.type, real);
    if (type !== record.type) {
      this.metrics.rejected.inc({ reason: 'upload_not_what_it_says' });
      this.log.info({ file: upload.id, declared: record.type, type }, 'an upload is not what its type says');
    }
    const preview = real
      ? await makePreview(this.uploadDir, upload.id, head).catch((err: unknown) => {
          this.log.warn({ err, file: upload.id }, 'no preview for an image');
          return null;
        })
      : null;
    // Into the storage before the record says ready: a ready file is readable on every host.
    if (preview) await this.storage.adopt(previewKey(upload.id), previewPath(this.uploadDir, upload.id));
    await this.storage.adopt(upload.id, join(this.uploadDir, upload.id));
    if (this.storage.kind !== 'directory') await forgetStaged(this.uploadDir, upload.id);
    await files.finish(upload.id, preview, type);
    await this.messenger()?.perPerson.uploadEnds(record.owner, upload.id);
    this.metrics.uploads.inc({ result: 'finished' });
    this.metrics.uploadedBytes.inc(record.size);
    return {};
  }

  /**
   * Every failed tus request's answer: a full disk (however the write failed:
   * ENOSPC/EDQUOT as it is, or the file store's own 500) is the typed 507,
   * and its half-written upload gives its space back at once (emptied: the
   * client resumes it from the start); any other error that is not one of
   * ours or tus's (which tus would answer with its message appended) is a
   * plain 500 with its cause only in the log.
   */
  private async countError(req: Request, err: Error | TusError): Promise<TusError | undefined> {
    const status = 'status_code' in err ? err.status_code : undefined;
    if (status === 413) this.metrics.rejected.inc({ reason: 'upload_too_large' });
    if (isDiskFull(err) || (status === 500 && (await this.freeBytes()) < DISK_RESERVE_BYTES)) {
      this.metrics.rejected.inc({ reason: 'upload_disk_full' });
      await this.empty(req);
      return DISK_FULL;
    }
    if (status === undefined) {
      this.log.error({ err }, 'upload request failed');
      return UPLOAD_FAILED;
    }
    return undefined;
  }

  /** Empties the upload a PATCH was writing (its offset goes back to 0). */
  private async empty(req: Request): Promise<void> {
    const id = new URL(req.url).pathname.slice(UPLOADS_PATH.length + 1);
    if (req.method !== 'PATCH' || !/^[\w-]{8,64}$/.test(id)) return;
    await truncate(join(this.uploadDir, id), 0).catch((err: unknown) =>
      this.log.warn({ err, file: id }, 'cannot empty an upload the full disk cut'),
    );
  }

  private async freeBytes(): Promise<number> {
    const fs = await statfs(this.uploadDir).catch(() => null);
    return fs ? fs.bavail * fs.bsize : Number.POSITIVE_INFINITY;
  }
}
