// Draws the person over the new background on an OffscreenCanvas (2D; the
// browser puts it on the GPU where it has one). The person is the frame cut
// out by the mask, scaled up with smoothing so its edge is soft; behind it
// goes either the same frame blurred (drawn small, blurred, scaled up: a
// wide blur for little work) or the chosen picture, cropped to fill.
import type { WorkerBackground } from '../protocol.js';
import { MASK_HEIGHT, MASK_WIDTH } from './segmenter.js';

/** How much smaller the blurred copy is drawn, and its blur there (pixels of the small copy). */
const BLUR = {
  light: { shrink: 4, radius: 2 },
  strong: { shrink: 8, radius: 3 },
} as const;

function context2d(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas in this worker');
  return context;
}

export class Compositor {
  private readonly out = new OffscreenCanvas(2, 2);
  private readonly outContext = context2d(this.out);
  private readonly maskCanvas = new OffscreenCanvas(MASK_WIDTH, MASK_HEIGHT);
  private readonly maskContext = context2d(this.maskCanvas);
  private readonly maskPixels = new ImageData(MASK_WIDTH, MASK_HEIGHT);
  private readonly small = new OffscreenCanvas(2, 2);
  private readonly smallContext = context2d(this.small);

  constructor() {
    // The mask image is white; only its alpha changes.
    this.maskPixels.data.fill(255);
  }

  /** A frame of `width` x `height` with the person over `background`. */
  draw(
    frame: VideoFrame,
    mask: Uint8ClampedArray,
    background: WorkerBackground,
    picture: ImageBitmap | null,
    width: number,
    height: number,
  ): VideoFrame {
    if (this.out.width !== width || this.out.height !== height) {
      this.out.width = width;
      this.out.height = height;
    }
    const pixels = this.maskPixels.data;
    for (let i = 0; i < mask.length; i++) pixels[4 * i + 3] = mask[i]!;
    this.maskContext.putImageData(this.maskPixels, 0, 0);

    const c = this.outContext;
    c.imageSmoothingEnabled = true;
    c.imageSmoothingQuality = 'medium';
    // The person: the mask, then the frame kept only where the mask is.
    c.globalCompositeOperation = 'copy';
    c.drawImage(this.maskCanvas, 0, 0, width, height);
    c.globalCompositeOperation = 'source-in';
    c.drawImage(frame, 0, 0, width, height);
    // The background, behind.
    c.globalCompositeOperation = 'destination-over';
    if (background.kind === 'picture' && picture) this.drawCover(picture, width, height);
    else this.drawBlurred(frame, background.kind === 'blur' ? background.strength : 'strong', width, height);
    c.globalCompositeOperation = 'source-over';
    return new VideoFrame(this.out, { timestamp: frame.timestamp });
  }

  /**
   * A frame that shows nothing of the room: the frame shrunk to a few pixels
   * (or the picture), sent while the model loads so the background is never
   * seen, even for a moment.
   */
  placeholder(frame: VideoFrame, picture: ImageBitmap | null, width: number, height: number): VideoFrame {
    if (this.out.width !== width || this.out.height !== height) {
      this.out.width = width;
      this.out.height = height;
    }
    const c = this.outContext;
    c.globalCompositeOperation = 'copy';
    if (picture) this.drawCover(picture, width, height);
    else {
      this.resizeSmall(16, 9);
      this.smallContext.filter = 'none';
      this.smallContext.drawImage(frame, 0, 0, 16, 9);
      c.imageSmoothingEnabled = true;
      c.drawImage(this.small, 0, 0, width, height);
    }
    c.globalCompositeOperation = 'source-over';
    return new VideoFrame(this.out, { timestamp: frame.timestamp });
  }

  private resizeSmall(w: number, h: number): void {
    if (this.small.width !== w || this.small.height !== h) {
      this.small.width = w;
      this.small.height = h;
    }
  }

  private drawBlurred(frame: VideoFrame, strength: 'light' | 'strong', width: number, height: number): void {
    const { shrink, radius } = BLUR[strength];
    const w = Math.max(8, Math.round(width / shrink));
    const h = Math.max(8, Math.round(height / shrink));
    this.resizeSmall(w, h);
    const s = this.smallContext;
    // Blurring near the edge pulls in transparent black: draw a little larger than the canvas.
    s.filter = `blur(${radius}px)`;
    s.drawImage(frame, -radius, -radius, w + 2 * radius, h + 2 * radius);
    s.filter = 'none';
    this.outContext.drawImage(this.small, 0, 0, width, height);
  }

  private drawCover(picture: ImageBitmap, width: number, height: number): void {
    const scale = Math.max(width / picture.width, height / picture.height);
    const sw = width / scale;
    const sh = height / scale;
    this.outContext.drawImage(
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
  }
}
