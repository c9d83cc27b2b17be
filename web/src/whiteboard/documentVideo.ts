// The presented page as a video track, so recordings and broadcasts show it
// as they show the board: the presenter's client draws the page onto a
// canvas, repainted twice a second (a recorder joining late still gets
// frames), and publishes it as MEDIA_SOURCE_DOCUMENT (canvasTrack.ts).
import type { PresentationSession } from '../state/presentation.js';
import { CanvasTrack } from './canvasTrack.js';

const FPS = 2;
const MAX_WIDTH = 1280;
const MAX_HEIGHT = 720;

export class DocumentVideo {
  private readonly canvas: CanvasTrack<'document'>;
  private page: HTMLImageElement | null = null;

  constructor(media: PresentationSession['media'], onError: (err: unknown) => void) {
    this.canvas = new CanvasTrack<'document'>('document', FPS, media, () => this.paint(), onError);
    this.canvas.out.width = MAX_WIDTH;
    this.canvas.out.height = MAX_HEIGHT;
  }

  get publishing(): boolean {
    return this.canvas.publishing;
  }

  /** The page to send from now on (an image that has loaded). */
  show(page: HTMLImageElement | null): void {
    this.page = page;
    this.paint();
  }

  start(): void {
    this.canvas.start();
  }

  stop(): void {
    this.canvas.stop();
  }

  /** The page fitted into a 16:9 frame on white. */
  private paint(): void {
    const { ctx, out } = this.canvas;
    const page = this.page;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, out.width, out.height);
    if (!page?.naturalWidth) return;
    const scale = Math.min(out.width / page.naturalWidth, out.height / page.naturalHeight);
    const w = page.naturalWidth * scale;
    const h = page.naturalHeight * scale;
    ctx.drawImage(page, (out.width - w) / 2, (out.height - h) / 2, w, h);
  }
}
