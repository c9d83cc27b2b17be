// The board as a video track, so recordings and broadcasts show it with no
// rendering on the server: while a board is open, the host who opened it
// publishes what their Excalidraw draws (its static canvas with the drawing,
// and over it the interactive one with the laser and pointers), copied onto
// one canvas a few times a second and captured with canvas.captureStream.
import type { BoardSession } from '../../state/boardSession.js';

const FPS = 10;
/** The video is at most this wide (the board's own canvas follows the screen and its pixel ratio). */
const MAX_WIDTH = 1280;

export class BoardVideo {
  private readonly out = document.createElement('canvas');
  private readonly ctx: CanvasRenderingContext2D;
  private timer: ReturnType<typeof setInterval> | null = null;
  private track: MediaStreamTrack | null = null;

  constructor(
    private readonly frame: HTMLElement,
    private readonly media: BoardSession['media'],
    private readonly onError: (err: unknown) => void,
  ) {
    const ctx = this.out.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('no 2d canvas');
    this.ctx = ctx;
  }

  get publishing(): boolean {
    return this.track !== null;
  }

  start(): void {
    if (this.track) return;
    this.copy();
    const track = this.out.captureStream(FPS).getVideoTracks()[0];
    if (!track) return;
    // A hint to the encoder: keep edges and text sharp.
    track.contentHint = 'detail';
    this.track = track;
    // Timers keep running in a background tab (animation frames would stop).
    this.timer = setInterval(() => this.copy(), 1000 / FPS);
    this.media.publish('whiteboard', track).catch((err) => {
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
    this.media.unpublish('whiteboard').catch(() => undefined);
  }

  private copy(): void {
    const drawing = this.frame.querySelector<HTMLCanvasElement>('canvas.excalidraw__canvas.static');
    const pointers = this.frame.querySelector<HTMLCanvasElement>('canvas.excalidraw__canvas.interactive');
    const { ctx, out } = this;
    const sourceWidth = drawing?.width || 1280;
    const sourceHeight = drawing?.height || 720;
    const scale = Math.min(1, MAX_WIDTH / sourceWidth);
    // Encoders want even sizes.
    const width = Math.max(2, Math.round((sourceWidth * scale) / 2) * 2);
    const height = Math.max(2, Math.round((sourceHeight * scale) / 2) * 2);
    if (out.width !== width || out.height !== height) {
      out.width = width;
      out.height = height;
    }
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    if (drawing?.width) ctx.drawImage(drawing, 0, 0, width, height);
    if (pointers?.width) ctx.drawImage(pointers, 0, 0, width, height);
  }
}
