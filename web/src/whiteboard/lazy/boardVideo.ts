// The board as a video track, so recordings and broadcasts show it with no
// rendering on the server: while a board is open, the host who opened it
// publishes what their Excalidraw draws (its static canvas with the drawing,
// and over it the interactive one with the laser and pointers), copied onto
// one canvas a few times a second and sent by canvasTrack.ts.
import type { BoardSession } from '../../state/boardSession.js';
import { CanvasTrack } from '../canvasTrack.js';

const FPS = 10;
/** The video is at most this wide (the board's own canvas follows the screen and its pixel ratio). */
const MAX_WIDTH = 1280;

export class BoardVideo {
  private readonly canvas: CanvasTrack<'whiteboard'>;

  constructor(
    private readonly frame: HTMLElement,
    media: BoardSession['media'],
    onError: (err: unknown) => void,
  ) {
    this.canvas = new CanvasTrack<'whiteboard'>('whiteboard', FPS, media, () => this.copy(), onError);
  }

  get publishing(): boolean {
    return this.canvas.publishing;
  }

  start(): void {
    this.canvas.start();
  }

  stop(): void {
    this.canvas.stop();
  }

  private copy(): void {
    const drawing = this.frame.querySelector<HTMLCanvasElement>('canvas.excalidraw__canvas.static');
    const pointers = this.frame.querySelector<HTMLCanvasElement>('canvas.excalidraw__canvas.interactive');
    const { ctx, out } = this.canvas;
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
