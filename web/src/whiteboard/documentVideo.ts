// The presented page as a video track, so recordings and broadcasts show it
// as they show the board (lazy/boardVideo.ts): the presenter's client draws
// the page onto a canvas, repainted twice a second (a recorder joining late
// still gets frames), and publishes it as MEDIA_SOURCE_DOCUMENT.
import type { PresentationSession } from '../state/presentation.js';

const FPS = 2;
const MAX_WIDTH = 1280;
const MAX_HEIGHT = 720;

export class DocumentVideo {
  private readonly out = document.createElement('canvas');
  private readonly ctx: CanvasRenderingContext2D;
  private timer: ReturnType<typeof setInterval> | null = null;
  private track: MediaStreamTrack | null = null;
  private page: HTMLImageElement | null = null;

  constructor(
    private readonly media: PresentationSession['media'],
    private readonly onError: (err: unknown) => void,
  ) {
    this.out.width = MAX_WIDTH;
    this.out.height = MAX_HEIGHT;
    const ctx = this.out.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2d canvas');
    this.ctx = ctx;
  }

  get publishing(): boolean {
    return this.track !== null;
  }

  /** The page to send from now on (an image that has loaded). */
  show(page: HTMLImageElement | null): void {
    this.page = page;
    this.paint();
  }

  start(): void {
    if (this.track) return;
    this.paint();
    const track = this.out.captureStream(FPS).getVideoTracks()[0];
    if (!track) return;
    track.contentHint = 'detail';
    this.track = track;
    this.timer = setInterval(() => this.paint(), 1000 / FPS);
    this.media.publish('document', track).catch((err) => {
      this.stop();
      this.onError(err);
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.track) return;
    this.track.stop();
    this.track = null;
    this.media.unpublish('document').catch(() => undefined);
  }

  /** The page fitted into a 16:9 frame on white. */
  private paint(): void {
    const { ctx, out, page } = this;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, out.width, out.height);
    if (!page?.naturalWidth) return;
    const scale = Math.min(out.width / page.naturalWidth, out.height / page.naturalHeight);
    const w = page.naturalWidth * scale;
    const h = page.naturalHeight * scale;
    ctx.drawImage(page, (out.width - w) / 2, (out.height - h) / 2, w, h);
  }
}
