// A board's pictures over the call: up and down in chunks of FILE_CHUNK_BYTES
// (PutWhiteboardFile / GetWhiteboardFile). The board's pictures and the pages
// of a presented document travel this one way.
import { FILE_CHUNK_BYTES } from '../../../../common/whiteboard/model.js';
import type { CallLink } from '../../call/callClient.js';

export async function uploadBoardFile(
  call: Pick<CallLink, 'request'>,
  fileId: string,
  mimeType: string,
  bytes: Uint8Array,
): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength; offset += FILE_CHUNK_BYTES) {
    await call.request({
      putWhiteboardFile: {
        fileId,
        mimeType,
        totalSize: bytes.byteLength,
        offset,
        chunk: bytes.subarray(offset, offset + FILE_CHUNK_BYTES),
      },
    });
  }
}

export async function downloadBoardFile(
  call: Pick<CallLink, 'request'>,
  fileId: string,
): Promise<{ mimeType: string; bytes: Uint8Array }> {
  let out: Uint8Array | null = null;
  let mimeType = '';
  for (let offset = 0; out === null || offset < out.byteLength; ) {
    const r = await call.request({ getWhiteboardFile: { fileId, offset } });
    const part = r.whiteboardFile;
    const chunk = part?.chunk;
    if (!part || !chunk?.byteLength) throw new Error('picture ended early');
    out ??= new Uint8Array(part.totalSize ?? 0);
    mimeType ||= part.mimeType ?? '';
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { mimeType, bytes: out };
}
