// Puts the person over the new background in the camera frame's own YUV
// planes (I420 or NV12, what cameras give): the frame is copied out, the
// background blended in where the mask says "not the person", and the
// result becomes a frame of the same format and colour space. The person's
// pixels are the camera's bytes untouched, so their colours cannot shift
// (drawing through an RGB canvas and back changed saturated colours by up to
// 25 levels at the receiver), and no canvas or GPU is needed.
import type { WorkerBackground } from '../protocol.js';
import { type Plane, type PlaneView, blend, blur, plane, resize, shrink } from './planes.js';
import { MASK_HEIGHT, MASK_WIDTH } from './segmenter.js';

export const YUV_FORMATS: readonly string[] = ['I420', 'NV12'];

/** Blur: shrink by `factor`, box-blur with `radius` there, scale back up. */
const BLUR = {
  light: { factor: 4, radius: 3 },
  strong: { factor: 8, radius: 4 },
} as const;

interface Layout {
  width: number;
  height: number;
  chromaWidth: number;
  chromaHeight: number;
  y: PlaneView;
  u: PlaneView;
  v: PlaneView;
}

/** RGB to Y'CbCr for the frame's matrix and range (BT.601 unless it says BT.709). */
function toYuv(r: number, g: number, b: number, bt709: boolean, full: boolean): [number, number, number] {
  const [kr, kb] = bt709 ? [0.2126, 0.0722] : [0.299, 0.114];
  const y = kr * r + (1 - kr - kb) * g + kb * b;
  const cb = (b - y) / (2 * (1 - kb));
  const cr = (r - y) / (2 * (1 - kr));
  if (full) return [y, 128 + cb, 128 + cr];
  return [16 + (y * 219) / 255, 128 + (cb * 224) / 255, 128 + (cr * 224) / 255];
}

export class YuvCompositor {
  private buffer = new Uint8Array(0);
  private maskY = plane(2, 2);
  private maskC = plane(2, 2);
  private bgY = plane(2, 2);
  private bgU = plane(2, 2);
  private bgV = plane(2, 2);
  private smallY = plane(2, 2);
  private smallU = plane(2, 2);
  private smallV = plane(2, 2);
  /** The picture's planes for the current size, and what they were made from. */
  private pictureFor: { picture: ImageBitmap; key: string } | null = null;
  private readonly modelInput = new ImageData(MASK_WIDTH, MASK_HEIGHT);

  /** Copies the frame's planes out (call once per frame, before `modelImage` and `draw`). */
  async read(frame: VideoFrame): Promise<Layout> {
    const size = frame.allocationSize();
    if (this.buffer.length < size) this.buffer = new Uint8Array(size);
    const buffer = this.buffer;
    const planes = await frame.copyTo(buffer);
    const width = frame.visibleRect?.width ?? frame.displayWidth;
    const height = frame.visibleRect?.height ?? frame.displayHeight;
    const chromaWidth = Math.ceil(width / 2);
    const chromaHeight = Math.ceil(height / 2);
    const y: PlaneView = {
      data: buffer,
      offset: planes[0]!.offset,
      stride: planes[0]!.stride,
      step: 1,
      width,
      height,
    };
    const chroma = (i: number, extra: number): PlaneView =>
      frame.format === 'NV12'
        ? {
            data: buffer,
            offset: planes[1]!.offset + extra,
            stride: planes[1]!.stride,
            step: 2,
            width: chromaWidth,
            height: chromaHeight,
          }
        : {
            data: buffer,
            offset: planes[i]!.offset,
            stride: planes[i]!.stride,
            step: 1,
            width: chromaWidth,
            height: chromaHeight,
          };
    return { width, height, chromaWidth, chromaHeight, y, u: chroma(1, 0), v: chroma(2, 1) };
  }

  /** The frame at the model's size in RGB (BT.601; the model does not mind the matrix). */
  modelImage(layout: Layout): ImageData {
    const out = this.modelInput.data;
    const { y, u, v } = layout;
    for (let my = 0; my < MASK_HEIGHT; my++) {
      const fy = Math.min(layout.height - 1, Math.floor(((my + 0.5) * layout.height) / MASK_HEIGHT));
      const cy = fy >> 1;
      for (let mx = 0; mx < MASK_WIDTH; mx++) {
        const fx = Math.min(layout.width - 1, Math.floor(((mx + 0.5) * layout.width) / MASK_WIDTH));
        const cx = fx >> 1;
        const luma = 1.164 * (y.data[y.offset + fy * y.stride + fx]! - 16);
        const cb = u.data[u.offset + cy * u.stride + cx * u.step]! - 128;
        const cr = v.data[v.offset + cy * v.stride + cx * v.step]! - 128;
        const o = 4 * (my * MASK_WIDTH + mx);
        out[o] = luma + 1.596 * cr;
        out[o + 1] = luma - 0.392 * cb - 0.813 * cr;
        out[o + 2] = luma + 2.017 * cb;
        out[o + 3] = 255;
      }
    }
    return this.modelInput;
  }

  /** The composed frame, same format, size and colour space as `frame`. */
  draw(
    frame: VideoFrame,
    layout: Layout,
    mask: Uint8ClampedArray,
    background: WorkerBackground,
    picture: ImageBitmap | null,
  ): VideoFrame {
    const { width, height, chromaWidth, chromaHeight } = layout;
    this.maskY = sized(this.maskY, width, height);
    this.maskC = sized(this.maskC, chromaWidth, chromaHeight);
    resize(mask, MASK_WIDTH, MASK_HEIGHT, this.maskY);
    resize(mask, MASK_WIDTH, MASK_HEIGHT, this.maskC);
    if (background.kind === 'picture' && picture) this.pictureBackground(frame, layout, picture);
    else this.blurredBackground(layout, background.kind === 'blur' ? background.strength : 'strong');
    blend(layout.y, this.bgY, this.maskY);
    blend(layout.u, this.bgU, this.maskC);
    blend(layout.v, this.bgV, this.maskC);
    return this.frameFrom(frame, layout);
  }

  /** A frame that shows nothing of the room (the picture, or the frame blurred beyond recognition), while the model loads. */
  placeholder(frame: VideoFrame, layout: Layout, picture: ImageBitmap | null): VideoFrame {
    if (picture) this.pictureBackground(frame, layout, picture);
    else this.blurredBackground(layout, 'strong', 32);
    copyInto(layout.y, this.bgY);
    copyInto(layout.u, this.bgU);
    copyInto(layout.v, this.bgV);
    return this.frameFrom(frame, layout);
  }

  private frameFrom(frame: VideoFrame, layout: Layout): VideoFrame {
    const planes: PlaneLayout[] =
      frame.format === 'NV12'
        ? [
            { offset: layout.y.offset, stride: layout.y.stride },
            { offset: layout.u.offset, stride: layout.u.stride },
          ]
        : [layout.y, layout.u, layout.v].map((p) => ({ offset: p.offset, stride: p.stride }));
    return new VideoFrame(this.buffer, {
      format: frame.format as VideoPixelFormat,
      codedWidth: layout.width,
      codedHeight: layout.height,
      layout: planes,
      timestamp: frame.timestamp,
      colorSpace: frame.colorSpace.toJSON(),
    });
  }

  private blurredBackground(layout: Layout, strength: 'light' | 'strong', factorOverride?: number): void {
    const { factor: baseFactor, radius } = BLUR[strength];
    const factor = Math.max(1, Math.min(factorOverride ?? baseFactor, Math.floor(layout.chromaHeight / 2)));
    const smallW = Math.max(1, Math.floor(layout.width / factor));
    const smallH = Math.max(1, Math.floor(layout.height / factor));
    const smallCW = Math.max(1, Math.floor(layout.chromaWidth / factor));
    const smallCH = Math.max(1, Math.floor(layout.chromaHeight / factor));
    this.smallY = sized(this.smallY, smallW, smallH);
    this.smallU = sized(this.smallU, smallCW, smallCH);
    this.smallV = sized(this.smallV, smallCW, smallCH);
    shrink(layout.y, factor, this.smallY);
    shrink(layout.u, factor, this.smallU);
    shrink(layout.v, factor, this.smallV);
    blur(this.smallY, radius);
    blur(this.smallU, Math.max(1, radius >> 1));
    blur(this.smallV, Math.max(1, radius >> 1));
    this.bgY = sized(this.bgY, layout.width, layout.height);
    this.bgU = sized(this.bgU, layout.chromaWidth, layout.chromaHeight);
    this.bgV = sized(this.bgV, layout.chromaWidth, layout.chromaHeight);
    resize(this.smallY.data, smallW, smallH, this.bgY);
    resize(this.smallU.data, smallCW, smallCH, this.bgU);
    resize(this.smallV.data, smallCW, smallCH, this.bgV);
    this.pictureFor = null;
  }

  /** The picture, cropped to fill the frame, in the frame's YUV; made once per picture and size. */
  private pictureBackground(frame: VideoFrame, layout: Layout, picture: ImageBitmap): void {
    const bt709 = frame.colorSpace.matrix === 'bt709';
    const full = frame.colorSpace.fullRange === true;
    const key = `${layout.width}x${layout.height}:${bt709}:${full}`;
    if (this.pictureFor?.picture === picture && this.pictureFor.key === key) return;
    const { width, height, chromaWidth, chromaHeight } = layout;
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas in this worker');
    const scale = Math.max(width / picture.width, height / picture.height);
    const sw = width / scale;
    const sh = height / scale;
    context.drawImage(
      picture,
      (picture.width - sw) / 2,
      (picture.height - sh) / 2,
      sw,
      sh,
      0,
      0,
      width,
      height,
    );
    const rgb = context.getImageData(0, 0, width, height).data;
    this.bgY = sized(this.bgY, width, height);
    this.bgU = sized(this.bgU, chromaWidth, chromaHeight);
    this.bgV = sized(this.bgV, chromaWidth, chromaHeight);
    const u = new Float32Array(chromaWidth * chromaHeight);
    const v = new Float32Array(chromaWidth * chromaHeight);
    const n = new Uint8Array(chromaWidth * chromaHeight);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = 4 * (y * width + x);
        const [ly, lu, lv] = toYuv(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!, bt709, full);
        this.bgY.data[y * width + x] = ly;
        const c = (y >> 1) * chromaWidth + (x >> 1);
        u[c]! += lu;
        v[c]! += lv;
        n[c]!++;
      }
    }
    for (let c = 0; c < u.length; c++) {
      this.bgU.data[c] = u[c]! / n[c]!;
      this.bgV.data[c] = v[c]! / n[c]!;
    }
    this.pictureFor = { picture, key };
  }
}

function sized(p: Plane, width: number, height: number): Plane {
  return p.width === width && p.height === height ? p : plane(width, height);
}

function copyInto(view: PlaneView, from: Plane): void {
  for (let y = 0; y < view.height; y++) {
    let at = view.offset + y * view.stride;
    const row = y * view.width;
    for (let x = 0; x < view.width; x++, at += view.step) view.data[at] = from.data[row + x]!;
  }
}
