// Attachment downloads: authorised per chat member (a signed link from the
// chat socket, or the user token of someone in a chat the file is in),
// streamed from the file storage (this host's directory or the shared
// bucket) with backpressure, with HTTP Range so players seek and
// interrupted downloads resume.
import type { Readable } from 'node:stream';
import type uWS from 'uWebSockets.js';
import type { Logger } from '../../common/log.js';
import type { FileStorage } from '../../common/storage/fileStorage.js';
import type { GuardedApp } from '../../signaling/http/guardedApp.js';
import { statusLine } from '../../signaling/http/statusLine.js';
import type { FileLinks } from '../fileLinks.js';
import { FILE_ID_PATTERN } from '../fileLinks.js';
import type { ChatMetrics } from '../metrics.js';
import { mayReadSeq } from '../permissions.js';
import type { ChatStore } from '../store/chatStore.js';
import type { UserTokens } from '../userTokens.js';
import type { FileRecord, FileRecords } from './fileRecords.js';
import { previewKey } from './previews.js';

export const FILES_PATH = '/api/chat/files';

/** Types shown in the page; anything else (HTML, SVG...) is a download, never rendered on our origin. */
const INLINE_TYPES =
  /^(image\/(png|jpeg|gif|webp|avif)|video\/(mp4|webm|ogg)|audio\/(mpeg|ogg|webm|mp4|wav|x-wav)|application\/pdf|text\/plain)$/;

export interface ByteRange {
  start: number;
  end: number;
}

/** One `bytes=` range against a size; null for none or several (the whole file is sent). */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

function disposition(name: string, inline: boolean): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export class Downloads {
  constructor(
    private readonly storage: FileStorage,
    private readonly links: FileLinks,
    private readonly tokens: UserTokens,
    private readonly files: () => FileRecords | null,
    private readonly chats: () => ChatStore | null,
    private readonly metrics: ChatMetrics,
    private readonly log: Logger,
  ) {}

  register(app: GuardedApp): void {
    app.get(`${FILES_PATH}/:id`, (res, req) => {
      const id = req.getParameter(0) ?? '';
      const query = new URLSearchParams(req.getQuery() ?? '');
      const authorization = req.getHeader('authorization');
      const range = req.getHeader('range');
      const state = { aborted: false };
      res.onAborted(() => {
        state.aborted = true;
      });
      void this.serve(res, state, id, query, authorization, range).catch((err: unknown) => {
        this.log.error({ err, file: id }, 'download failed');
        this.plain(res, state, 500, 'internal error');
      });
    });
  }

  private plain(res: uWS.HttpResponse, state: { aborted: boolean }, status: number, text: string): void {
    this.metrics.downloads.inc({ status: String(status) });
    if (status === 403 || status === 404) this.metrics.rejected.inc({ reason: `download_${status}` });
    if (state.aborted) return;
    res.cork(() =>
      res
        .writeStatus(statusLine(status))
        .writeHeader('content-type', 'text/plain; charset=utf-8')
        .end(`${text}\n`),
    );
  }

  /**
   * Who may have the file: someone named by a valid signed link or a user
   * token, who is still its uploader or a member of a chat where a message
   * they may see holds it, or whom the part holding it outside messages
   * allows (homework: the collection's teacher, the pupil's parents);
   * checked at every download: a link outlives no membership.
   */
  private async allowed(record: FileRecord, id: string, query: URLSearchParams, authorization: string) {
    let who: { userId: string; preview: boolean } | null;
    if (query.has('s')) {
      who = this.links.verify(id, query);
    } else {
      const token = /^Bearer (.+)$/.exec(authorization)?.[1];
      const user = token ? await this.tokens.verify(token).catch(() => null) : null;
      who = user ? { userId: user.userId, preview: query.get('p') === '1' } : null;
    }
    if (!who) return null;
    if (record.owner === who.userId) return { preview: who.preview };
    const store = this.chats();
    for (const { chatId, seq } of await this.files()!.holders(id)) {
      const member = await store?.member(chatId, who.userId);
      if (member && mayReadSeq(member, seq)) return { preview: who.preview };
    }
    if (await this.files()!.readableElsewhere(id, who.userId)) return { preview: who.preview };
    return null;
  }

  private async serve(
    res: uWS.HttpResponse,
    state: { aborted: boolean },
    id: string,
    query: URLSearchParams,
    authorization: string,
    rangeHeader: string,
  ): Promise<void> {
    const files = this.files();
    if (!files) return this.plain(res, state, 503, 'the messenger is unavailable');
    const record = FILE_ID_PATTERN.test(id) ? await files.get(id) : null;
    // Unknown and forbidden look the same, so file ids cannot be probed.
    if (!record || record.state !== 'ready') return this.plain(res, state, 404, 'no such file');
    const grant = await this.allowed(record, id, query, authorization);
    if (!grant) return this.plain(res, state, 404, 'no such file');
    if (grant.preview && !record.preview) return this.plain(res, state, 404, 'no preview');
    const key = grant.preview ? previewKey(id) : id;
    const size = await this.storage.size(key);
    if (size === null) {
      this.log.error({ file: id, key }, 'a ready file is missing from the storage');
      return this.plain(res, state, 404, 'no such file');
    }
    const range = rangeHeader ? parseRange(rangeHeader, size) : null;
    if (range === 'unsatisfiable') {
      if (state.aborted) return;
      this.metrics.downloads.inc({ status: '416' });
      res.cork(() =>
        res.writeStatus('416 Range Not Satisfiable').writeHeader('content-range', `bytes */${size}`).end(),
      );
      return;
    }
    const type = grant.preview
      ? 'image/jpeg'
      : INLINE_TYPES.test(record.type)
        ? record.type
        : 'application/octet-stream';
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    const length = size === 0 ? 0 : end - start + 1;
    // Opened before the status goes out, so a storage that fails answers 500 (serve's catch).
    const body = length > 0 ? await this.storage.read(key, { start, end }) : null;
    if (state.aborted) {
      body?.destroy();
      return;
    }
    this.metrics.downloads.inc({ status: range ? '206' : '200' });
    res.cork(() => {
      res.writeStatus(range ? '206 Partial Content' : '200 OK');
      res.writeHeader('content-type', type);
      res.writeHeader('accept-ranges', 'bytes');
      res.writeHeader('content-disposition', disposition(record.name, type !== 'application/octet-stream'));
      res.writeHeader('cache-control', 'private, max-age=3600');
      res.writeHeader('x-content-type-options', 'nosniff');
      res.writeHeader('content-security-policy', "sandbox; default-src 'none'");
      if (range) res.writeHeader('content-range', `bytes ${start}-${end}/${size}`);
      if (!body) res.end();
    });
    if (body) this.stream(res, state, body, key, length);
  }

  /** Streams a byte range with backpressure: reading pauses while the socket is full. */
  private stream(
    res: uWS.HttpResponse,
    state: { aborted: boolean },
    file: Readable,
    key: string,
    total: number,
  ) {
    res.onAborted(() => {
      state.aborted = true;
      file.destroy();
    });
    let pending: { chunk: ArrayBuffer; offset: number } | null = null;
    file.on('data', (buf) => {
      if (state.aborted) return;
      const b = buf as Buffer;
      const chunk = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      const offset = res.getWriteOffset();
      let ok = false;
      let done = false;
      res.cork(() => {
        [ok, done] = res.tryEnd(chunk, total);
      });
      if (done) file.destroy();
      else if (!ok) {
        file.pause();
        pending = { chunk, offset };
      }
    });
    res.onWritable((offset) => {
      if (!pending || state.aborted) return true;
      const { chunk, offset: at } = pending;
      const [ok, done] = res.tryEnd(chunk.slice(offset - at), total);
      if (done) file.destroy();
      else if (ok) {
        pending = null;
        file.resume();
      }
      return ok;
    });
    file.on('error', (err) => {
      this.log.error({ err, key }, 'reading a file for download failed');
      if (!state.aborted) res.close();
    });
  }
}
