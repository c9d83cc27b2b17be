// Uploaded pictures are read from their pixels only (common/pictures.ts):
// the real format from the bytes, raster formats only, bounded dimensions,
// encoded anew. An SVG (whatever it is called) never reaches libvips's SVG
// loader, which would follow <image href>, file:// and XInclude.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { NotAPicture, SNIFF_BYTES, reencodePicture, sniffRaster } from '../../common/pictures.js';

const dir = mkdtempSync(join(tmpdir(), 'pictures-'));
const red = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#ff0000' } });

/** An SVG that draws another file (as the attack named another upload) into itself. */
function svgReading(href: string): Buffer {
  return Buffer.from(
    `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="30"><image href="${href}" xlink:href="${href}" width="40" height="30"/></svg>`,
  );
}

describe('telling the format from the bytes', () => {
  it('knows the raster formats and nothing else', async () => {
    expect(sniffRaster(await red().png().toBuffer())).toBe('png');
    expect(sniffRaster(await red().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffRaster(await red().gif().toBuffer())).toBe('gif');
    expect(sniffRaster(await red().webp().toBuffer())).toBe('webp');
    expect(sniffRaster(await red().avif().toBuffer())).toBe('heif');
    expect(sniffRaster(svgReading('x'))).toBeNull();
    expect(sniffRaster(await red().tiff().toBuffer())).toBeNull();
    expect(sniffRaster(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
  });
});

describe('encoding pictures anew', () => {
  it('re-encodes a real picture, keeping what it shows', async () => {
    const png = await red().png().toBuffer();
    const out = await reencodePicture(png, png.subarray(0, SNIFF_BYTES), { fit: 480, output: 'jpeg' });
    expect(out).toMatchObject({ format: 'jpeg', mimeType: 'image/jpeg', width: 40, height: 30 });
    const { data } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(240);
    expect(data[1]).toBeLessThan(20);
  });

  it('refuses an SVG, also one whose first bytes were dressed as PNG', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, await red().png().toBuffer());
    const svg = svgReading(victim);
    writeFileSync(join(dir, 'attack'), svg);
    await expect(reencodePicture(join(dir, 'attack'), svg.subarray(0, SNIFF_BYTES), opts)).rejects.toThrow(
      NotAPicture,
    );
    // Magic of a PNG, then SVG: the decoder must agree with the bytes' format.
    const dressed = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), svg]);
    await expect(reencodePicture(dressed, dressed.subarray(0, SNIFF_BYTES), opts)).rejects.toThrow(
      NotAPicture,
    );
  });

  it('libvips in this process loads no SVG, TIFF or other format at all', async () => {
    await import('../../common/pictures.js');
    await expect(sharp(svgReading('x')).metadata()).rejects.toThrow(/unsupported image format/);
    await expect(sharp(await red().tiff().toBuffer()).metadata()).rejects.toThrow(/unsupported image format/);
    expect((await sharp(await red().png().toBuffer()).metadata()).format).toBe('png');
  });

  it('refuses a 256-megapixel PNG before decoding it', async () => {
    const huge = pngHeaderOnly(16_000, 16_000);
    await expect(reencodePicture(huge, huge.subarray(0, SNIFF_BYTES), opts)).rejects.toThrow(/pixel/);
  });
});

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG that says it is width × height (grey, 8 bits) and carries one compressed row: a few hundred bytes. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8);
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const opts = { fit: 480, output: 'jpeg' as const };
