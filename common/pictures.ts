// Pictures people upload (chat attachments' previews, whiteboard pictures)
// are read from their pixels only. The real format is told from the bytes
// (magic numbers), never from the declared type or name; only raster
// formats pass (JPEG, PNG, GIF, WebP, AVIF/HEIF). libvips in this process
// may load nothing else: SVG (librsvg follows <image href>, file:// and
// XInclude, so an "image" could pull another person's upload into its own
// preview), TIFF, the vips format and every other loader are blocked, so
// even a bug in the checks here cannot reach them. Dimensions are bounded
// before decoding (a 256-megapixel PNG of a few kilobytes is refused), and
// what is shown is always a new encoding of the decoded pixels.
import sharp, { type Metadata } from 'sharp';

export type RasterFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'heif';

export const RASTER_TYPES: Readonly<Record<RasterFormat, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heif: 'image/avif',
};

/** Pixels (width × height) a picture may have; more is refused before decoding. */
export const MAX_PICTURE_PIXELS = 100_000_000;
/** Either side, in pixels. */
export const MAX_PICTURE_SIDE = 16_384;

// libvips's loaders for exactly the formats above, from a file, a buffer or a stream.
const ALLOWED_LOADERS = ['Jpeg', 'Png', 'Nsgif', 'Webp', 'Heif'].flatMap((k) => [
  `VipsForeignLoad${k}File`,
  `VipsForeignLoad${k}Buffer`,
  `VipsForeignLoad${k}Source`,
]);
sharp.block({ operation: ['VipsForeignLoad'] });
sharp.unblock({ operation: ALLOWED_LOADERS });

/** Bytes of a file's start that sniffRaster needs. */
export const SNIFF_BYTES = 32;

function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The raster format these bytes really are; null for anything else (SVG, HTML, TIFF, PDF...). */
export function sniffRaster(head: Uint8Array): RasterFormat | null {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (ascii(head, 0, '\x89PNG\r\n\x1a\n')) return 'png';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'gif';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'webp';
  // ISO-BMFF: ....ftyp<brand>; AVIF and HEIC still pictures.
  if (ascii(head, 4, 'ftyp')) {
    const brand = String.fromCharCode(...head.subarray(8, 12));
    if (['avif', 'avis', 'heic', 'heix', 'mif1', 'msf1'].includes(brand)) return 'heif';
  }
  return null;
}

export class NotAPicture extends Error {}

export interface Encoded {
  data: Buffer;
  format: RasterFormat;
  mimeType: string;
  width: number;
  height: number;
}

export interface PictureOptions {
  /** The result fits in a square of this many pixels (never enlarged). */
  fit: number;
  /** 'jpeg' always; 'same' keeps JPEG as JPEG, WebP as WebP, the rest becomes PNG (keeps transparency). */
  output: 'jpeg' | 'same';
  maxPixels?: number;
}

/**
 * Decodes a picture (a path or bytes) from its pixels and encodes it anew:
 * turned upright by its EXIF orientation, fitted, metadata dropped.
 * Throws NotAPicture for anything that is not a raster picture within the bounds.
 */
export async function reencodePicture(
  input: string | Uint8Array,
  head: Uint8Array,
  opts: PictureOptions,
): Promise<Encoded> {
  const sniffed = sniffRaster(head);
  if (!sniffed) throw new NotAPicture('not a JPEG, PNG, GIF, WebP or AVIF picture');
  const maxPixels = opts.maxPixels ?? MAX_PICTURE_PIXELS;
  const source = () =>
    sharp(typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength), {
      limitInputPixels: maxPixels,
      unlimited: false,
      failOn: 'error',
      // GIFs and WebPs: the first frame only.
      pages: 1,
    });
  let meta: Metadata;
  try {
    meta = await source().metadata();
  } catch (err) {
    throw new NotAPicture(`the picture cannot be read: ${(err as Error).message}`);
  }
  // libvips chose its loader from the bytes too; both must agree.
  const found = meta.format === 'heif' ? 'heif' : meta.format;
  if (found !== sniffed) throw new NotAPicture(`bytes say ${sniffed}, the decoder ${meta.format}`);
  const { width = 0, height = 0 } = meta;
  if (width < 1 || height < 1 || width > MAX_PICTURE_SIDE || height > MAX_PICTURE_SIDE) {
    throw new NotAPicture(`a picture may have at most ${MAX_PICTURE_SIDE} pixels a side`);
  }
  if (width * height > maxPixels) throw new NotAPicture(`a picture may have at most ${maxPixels} pixels`);
  const format: RasterFormat =
    opts.output === 'jpeg' || sniffed === 'jpeg' || sniffed === 'heif'
      ? 'jpeg'
      : sniffed === 'webp'
        ? 'webp'
        : 'png';
  const pipeline = source().rotate().resize(opts.fit, opts.fit, { fit: 'inside', withoutEnlargement: true });
  const encoded =
    format === 'jpeg'
      ? pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: true })
      : format === 'webp'
        ? pipeline.webp({ quality: 85 })
        : pipeline.png({ compressionLevel: 8 });
  try {
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { data, format, mimeType: RASTER_TYPES[format], width: info.width, height: info.height };
  } catch (err) {
    throw new NotAPicture(`the picture cannot be decoded: ${(err as Error).message}`);
  }
}
