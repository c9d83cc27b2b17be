// Image previews: the upload's pixels decoded and encoded anew as a JPEG
// that fits 480 px, beside the upload (common/pictures.ts: raster formats
// only, told from the bytes; bounded dimensions; nothing an SVG or another
// loader could pull in from elsewhere). What the bytes really are also
// decides how the original is served (uploads.ts).
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RASTER_TYPES, type RasterFormat, SNIFF_BYTES, reencodePicture } from '../../common/pictures.js';

const PREVIEW_PX = 480;

/** The preview's name beside its upload (in the directory, or the bucket). */
export function previewKey(fileId: string): string {
  return `${fileId}.preview.jpg`;
}

export function previewPath(dir: string, fileId: string): string {
  return join(dir, previewKey(fileId));
}

/** The first bytes of an upload, for telling its real format. */
export async function readHead(path: string): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await file.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

const HEIF_TYPES = new Set(['image/avif', 'image/heic', 'image/heif']);

/**
 * The type an upload is served as: a declared picture must really be a
 * raster picture (then it keeps the real format's type); one that is not
 * (SVG declared PNG, HTML...) becomes a plain download.
 */
export function servedType(declared: string, real: RasterFormat | null): string {
  if (!declared.startsWith('image/')) return declared;
  if (!real) return 'application/octet-stream';
  if (real === 'heif') return HEIF_TYPES.has(declared) ? declared : 'image/heif';
  return RASTER_TYPES[real];
}

/** Writes the preview; resolves with its size, which has the image's proportions. */
export async function makePreview(
  dir: string,
  fileId: string,
  head: Uint8Array,
): Promise<{ width: number; height: number }> {
  const picture = await reencodePicture(join(dir, fileId), head, { fit: PREVIEW_PX, output: 'jpeg' });
  await writeFile(previewPath(dir, fileId), picture.data);
  return { width: picture.width, height: picture.height };
}
