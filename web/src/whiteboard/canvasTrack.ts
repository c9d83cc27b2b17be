// A canvas sent as a video track, so recordings and broadcasts show it with
// no rendering on the server: painted at once and then on a timer (timers
// keep running in a background tab, animation frames would stop), captured
// with canvas.captureStream and published as one media source until stopped.
// The board (lazy/boardVideo.ts) and a presented document (documentVideo.ts)
// each paint their own picture onto it.

/** Where the track goes: the call's media, for one source. */
export interface TrackPublisher<S extends string> {
  publish(source: S, track: MediaStreamTrack): Promise<void>;
  unpublish(source: S): Promise<void>;
}

export class CanvasTrack<S extends string> {
  readonly out = document.createElement('canvas');
  readonly ctx: CanvasRenderingContext2D;
  private timer: ReturnType<typeof setInterval> | null = null;
  private track: MediaStreamTrack | null = null;

  constructor(
    private readonly source: S,
    private readonly fps: number,
    private readonly media: TrackPublisher<S>,
    private readonly paint: () => void,
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
    this.paint();
    const track = this.out.captureStream(this.fps).getVideoTracks()[0];
    if (!track) return;
    // A hint to the encoder: keep edges and text sharp.
    track.contentHint = 'detail';
    this.track = track;
    this.timer = setInterval(() => this.paint(), 1000 / this.fps);
    this.media.publish(this.source, track).catch((err) => {
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
    this.media.unpublish(this.source).catch(() => undefined);
  }
}
