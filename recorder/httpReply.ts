// Replies of the recorder's HTTP endpoints, independent of the HTTP server:
// the server turns an HttpReply into bytes (a body, or a byte range of a
// file streamed from the recordings' storage).
import type { StoredFile } from './recordingStore.js';

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
  /** Send bytes start..end (inclusive) of this file. */
  file?: { source: StoredFile; start: number; end: number };
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): HttpReply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(value),
  };
}

/** A typed error: `{ error: code, message }`. */
export function errorReply(status: number, code: string, message: string): HttpReply {
  return jsonReply(status, { error: code, message });
}

/**
 * A file, whole or the byte range a `Range: bytes=a-b` header asks for
 * (one range; anything else is answered whole, as RFC 9110 allows).
 */
export function fileReply(
  source: StoredFile,
  range: string | undefined,
  headers: Record<string, string>,
): HttpReply {
  const { size } = source;
  const base = { 'accept-ranges': 'bytes', ...headers };
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) {
    return {
      status: 200,
      headers: { ...base, 'content-length': String(size) },
      file: { source, start: 0, end: size - 1 },
    };
  }
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) {
    return { status: 416, headers: { ...base, 'content-range': `bytes */${size}` }, body: '' };
  }
  return {
    status: 206,
    headers: {
      ...base,
      'content-range': `bytes ${start}-${end}/${size}`,
      'content-length': String(end - start + 1),
    },
    file: { source, start, end },
  };
}
