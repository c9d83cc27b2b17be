// Uploads an attachment with the real tus client (tus-js-client, as the web
// client uses it): one helper for every test that uploads to the messenger.
import { Upload } from 'tus-js-client';

export interface Uploaded {
  url: string;
  fileId: string;
  /** Bytes reported sent, in order. */
  progress: number[];
}

export interface TusOptions {
  /** Resume this upload. */
  uploadUrl?: string;
  /** Abort once this many bytes are in (resolves with what is there). */
  stopAfter?: number;
  chunkSize?: number;
}

/** Uploads `data` to the server at `httpUrl` as the holder of `token` (a user token or an upload grant). */
export function tusUpload(
  httpUrl: string,
  data: Buffer,
  meta: Record<string, string>,
  token: string,
  opts: TusOptions = {},
): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const progress: number[] = [];
    const done = () => resolve({ url: upload.url!, fileId: upload.url!.split('/').pop()!, progress });
    const upload = new Upload(data, {
      endpoint: `${httpUrl}/api/chat/uploads`,
      uploadUrl: opts.uploadUrl ?? null,
      headers: { authorization: `Bearer ${token}` },
      metadata: meta,
      chunkSize: opts.chunkSize ?? 256 * 1024,
      retryDelays: [],
      onProgress: (sent) => {
        progress.push(sent);
        if (opts.stopAfter && sent >= opts.stopAfter) void upload.abort().then(done);
      },
      onSuccess: done,
      onError: reject,
    });
    upload.start();
  });
}
