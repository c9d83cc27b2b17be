// Image previews with sharp (libvips): decoded from disk, turned upright by
// its EXIF orientation, scaled to fit 480 px and saved as JPEG beside the
// upload. sharp never holds more than it needs, and refuses images over
// 100 megapixels (decompression bombs).
import { join } from 'node:path';
import sharp from 'sharp';

const PREVIEW_PX = 480;
const MAX_INPUT_PIXELS = 100_000_000;

export function previewPath(dir: string, fileId: string): string {
  return join(dir, `${fileId}.preview.jpg`);
}

/** Writes the preview; resolves with its size, which has the image's proportions. */
export async function makePreview(dir: string, fileId: string): Promise<{ width: number; height: number }> {
  const info = await sharp(join(dir, fileId), { limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .resize(PREVIEW_PX, PREVIEW_PX, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 78, mozjpeg: true })
    .toFile(previewPath(dir, fileId));
  return { width: info.width, height: info.height };
}
