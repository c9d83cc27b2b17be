// A file into a chat: a resumable tus upload to /api/chat/uploads, chunked
// so a large file survives a dropped connection. The caller passes the
// token that lets it write (the messenger's user token, or the grant the
// call hands out for its lesson chat); the answer is the new file's id, to
// send in a message, or the sentence that says why it failed (a full disk
// on the server, 507 "disk-full", and the person's quota, 429, are said as such).
import { type DetailedError, Upload, defaultOptions } from 'tus-js-client';
import type { Key } from '../i18n/index.js';

const ENDPOINT = '/api/chat/uploads';
const CHUNK = 8 * 1024 * 1024;

export interface UploadTarget {
  /** Bearer token for the uploads endpoint. */
  token: string;
  /** The chat it is for, or instead a place of the person's own (`documents`: «Документы»). */
  chatId?: string;
  place?: string;
}

/** The file's id, or the sentence saying why it was not uploaded. */
export type Uploaded = { fileId: string; failure?: undefined } | { fileId: null; failure: Key };

/** Why the server refused an upload, from its answer (507: its disk is full; 429: the person's quota, messaging/personLimits.ts). */
function failureOf(err: Error): Key {
  const res = (err as DetailedError).originalResponse;
  if (res?.getStatus() === 507) return 'chat.uploadNoRoom';
  // 413 with the quota's words: «Документы» are full (documents/service.ts).
  if (res?.getStatus() === 413 && /quota/.test(res.getBody() ?? '')) return 'chatError.41';
  if (res?.getStatus() !== 429) return 'chat.uploadFailed';
  return /unfinished/.test(res.getBody() ?? '') ? 'chat.uploadTooManyAtOnce' : 'chat.uploadTooMuchToday';
}

/** Uploads `file` as `name`; resolves with its file id, or why it failed. */
export function uploadFile(
  file: Blob,
  name: string,
  target: UploadTarget,
  progress: (percent: number) => void = () => {},
): Promise<Uploaded> {
  return new Promise((resolve) => {
    const upload = new Upload(file, {
      endpoint: ENDPOINT,
      headers: { authorization: `Bearer ${target.token}` },
      metadata: {
        ...(target.place ? { place: target.place } : { chatId: target.chatId ?? '' }),
        filename: name,
        filetype: file.type || 'application/octet-stream',
      },
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 5000],
      // A full disk does not empty in seconds: say so at once instead of after every retry.
      onShouldRetry: (err, attempt, options) =>
        err.originalResponse?.getStatus() !== 507 &&
        (defaultOptions.onShouldRetry?.(err, attempt, options) ?? true),
      onProgress: (sent, total) => progress(Math.floor((sent * 100) / Math.max(1, total))),
      onSuccess: () => {
        const fileId = upload.url?.split('/').pop();
        resolve(fileId ? { fileId } : { fileId: null, failure: 'chat.uploadFailed' });
      },
      onError: (err) => {
        // This page does not resume a failed upload: remove what reached the server, so its
        // place among the person's unfinished uploads (and its disk space) comes free now.
        if (upload.url) void upload.abort(true).catch(() => undefined);
        resolve({ fileId: null, failure: failureOf(err) });
      },
    });
    upload.start();
  });
}
