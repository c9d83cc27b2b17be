// Pictures on one board (images and rendered PDF pages): uploaded in chunks
// in order, complete when the last chunk arrives, bounded per picture and per
// board. Partial uploads are per uploader, so two people cannot interleave.
import { FILE_CHUNK_BYTES, FILE_ID, FILE_TYPES } from '../common/whiteboard/model.js';
import { invalid, notFound } from '../signaling/errors.js';
import { boardFull } from './boardDoc.js';

export interface BoardFile {
  mimeType: string;
  data: Uint8Array;
}

interface Upload {
  fileId: string;
  mimeType: string;
  data: Uint8Array;
  received: number;
}

export interface FileLimits {
  maxFileBytes: number;
  maxFilesBytes: number;
}

/** Chunks sent back to a downloader. */
const OUT_CHUNK_BYTES = 128 * 1024;

export class BoardFiles {
  readonly files = new Map<string, BoardFile>();
  private readonly uploads = new Map<string, Upload>();
  private totalBytes = 0;

  constructor(private readonly limits: FileLimits) {}

  get bytes(): number {
    return this.totalBytes;
  }

  /** Adds a stored file (trusted). */
  load(fileId: string, file: BoardFile): void {
    if (this.files.has(fileId)) return;
    this.files.set(fileId, file);
    this.totalBytes += file.data.byteLength;
  }

  /**
   * Takes one chunk from `uploader`; returns the uploaded bytes when this was
   * its last chunk (not yet on the board: they are checked and encoded anew
   * first, then `load`ed). A file the board already has is accepted at once.
   */
  put(
    uploader: string,
    req: {
      fileId?: string | null;
      mimeType?: string | null;
      totalSize?: number | null;
      offset?: number | null;
      chunk?: Uint8Array | null;
    },
  ): { fileId: string; file: BoardFile } | null | 'exists' {
    const fileId = req.fileId ?? '';
    if (!FILE_ID.test(fileId)) throw invalid('bad file id');
    if (this.files.has(fileId)) return 'exists';
    const mimeType = req.mimeType ?? '';
    if (!FILE_TYPES.has(mimeType)) throw invalid('a board takes PNG, JPEG, WebP or GIF pictures');
    const total = req.totalSize ?? 0;
    if (total <= 0) throw invalid('total size is required');
    if (total > this.limits.maxFileBytes)
      throw boardFull(`a picture may have at most ${this.limits.maxFileBytes} bytes`);
    const chunk = req.chunk ?? new Uint8Array();
    const offset = req.offset ?? 0;
    if (chunk.byteLength === 0 || chunk.byteLength > FILE_CHUNK_BYTES) {
      throw invalid(`chunks have 1 to ${FILE_CHUNK_BYTES} bytes`);
    }
    let upload = this.uploads.get(uploader);
    if (offset === 0) {
      if (this.totalBytes + this.pendingBytes(uploader) + total > this.limits.maxFilesBytes) {
        throw boardFull(`a board's pictures may have at most ${this.limits.maxFilesBytes} bytes`);
      }
      upload = { fileId, mimeType, data: new Uint8Array(total), received: 0 };
      this.uploads.set(uploader, upload);
    }
    if (
      !upload ||
      upload.fileId !== fileId ||
      upload.mimeType !== mimeType ||
      upload.data.byteLength !== total
    ) {
      throw invalid('start the upload at offset 0');
    }
    if (offset !== upload.received) throw invalid(`expected offset ${upload.received}`);
    if (offset + chunk.byteLength > total) throw invalid('chunk goes past the total size');
    upload.data.set(chunk, offset);
    upload.received += chunk.byteLength;
    if (upload.received < total) return null;
    this.uploads.delete(uploader);
    return { fileId, file: { mimeType, data: upload.data } };
  }

  /** One chunk of a file, from `offset`. */
  get(
    fileId: string,
    offset: number,
  ): { mimeType: string; totalSize: number; offset: number; chunk: Uint8Array } {
    const file = this.files.get(fileId);
    if (!file) throw notFound('picture');
    if (offset < 0 || offset > file.data.byteLength) throw invalid('offset past the end');
    return {
      mimeType: file.mimeType,
      totalSize: file.data.byteLength,
      offset,
      chunk: file.data.subarray(offset, offset + OUT_CHUNK_BYTES),
    };
  }

  /** Someone left: their unfinished upload goes. */
  forget(uploader: string): void {
    this.uploads.delete(uploader);
  }

  private pendingBytes(except: string): number {
    let n = 0;
    for (const [who, u] of this.uploads) if (who !== except) n += u.data.byteLength;
    return n;
  }
}
