// A file into a chat: a resumable tus upload to /api/chat/uploads, chunked
// so a large file survives a dropped connection. The caller passes the
// token that lets it write (the messenger's user token, or the grant the
// call hands out for its lesson chat); the answer is the new file's id, to
// send in a message, or the sentence that says why it failed (a full disk
// on the server, 507 "disk-full", is said as such).
import { type DetailedError, Upload } from 'tus-js-client';

const ENDPOINT = '/api/chat/uploads';
const CHUNK = 8 * 1024 * 1024;

export interface UploadTarget {
  /** Bearer token for the uploads endpoint. */
  token: string;
  chatId: string;
}

export type Uploaded =
  | { fileId: string; failure?: undefined }
  | { fileId: null; failure: 'chat.uploadFailed' | 'chat.uploadNoRoom' };

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
      metadata: { chatId: target.chatId, filename: name, filetype: file.type || 'application/octet-stream' },
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 5000],
      onProgress: (sent, total) => progress(Math.floor((sent * 100) / Math.max(1, total))),
      onSuccess: () => {
        const fileId = upload.url?.split('/').pop();
        resolve(fileId ? { fileId } : { fileId: null, failure: 'chat.uploadFailed' });
      },
      onError: (err) => {
        const noRoom = (err as DetailedError).originalResponse?.getStatus() === 507;
        resolve({ fileId: null, failure: noRoom ? 'chat.uploadNoRoom' : 'chat.uploadFailed' });
      },
    });
    upload.start();
  });
}
