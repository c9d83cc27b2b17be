// How much work the background effect does per second, adjusted to what the
// device manages. A slow device first gets smaller frames, then fewer frames
// per second, then a mask reused for two frames; only when even that is too
// slow does the effect give up (and the person is told). Frames are never
// left to pile up and drop at random.

export interface Level {
  /** The camera frame size asked for, as a share of its first size (the page applies it). */
  scale: number;
  /** Highest frame rate sent (the camera's own if lower). */
  maxFps: number;
  /** Run the model on every n-th frame and reuse its mask in between. */
  segmentEvery: number;
}

export const LEVELS: readonly Level[] = [
  { scale: 1, maxFps: 30, segmentEvery: 1 },
  { scale: 0.75, maxFps: 30, segmentEvery: 1 },
  { scale: 0.5, maxFps: 30, segmentEvery: 1 },
  { scale: 0.5, maxFps: 15, segmentEvery: 1 },
  { scale: 0.5, maxFps: 12, segmentEvery: 2 },
];

/** Busy share of each frame's time above which we step down, and below which (for a while) we step up. */
const STEP_DOWN_ABOVE = 0.75;
const STEP_UP_BELOW = 0.35;
const WINDOWS_BEFORE_UP = 5;
/** Windows over budget at the lowest level before giving up. */
const WINDOWS_BEFORE_OFF = 3;
export const WINDOW_MS = 2000;

export type Decision = 'down' | 'up' | 'off' | null;

/**
 * Fed the time each processed frame took and the frames' arrival; every
 * WINDOW_MS it decides whether to change level. Pure apart from the clock
 * it is given, so it is tested without a browser.
 */
export class QualityController {
  level = 0;
  private costs: number[] = [];
  private arrivals = 0;
  private windowStart: number;
  private calmWindows = 0;
  private overWindows = 0;

  constructor(
    private readonly adapt: boolean,
    now: number,
    private readonly levels: readonly Level[] = LEVELS,
  ) {
    this.windowStart = now;
  }

  get current(): Level {
    return this.levels[this.level]!;
  }

  /** A frame came from the camera. */
  arrived(): void {
    this.arrivals++;
  }

  /** A frame was processed in `ms`. */
  processed(ms: number): void {
    this.costs.push(ms);
  }

  /** Called after each frame; returns a decision once per window (and applies up/down to `level`). */
  tick(now: number): Decision {
    const elapsed = now - this.windowStart;
    if (elapsed < WINDOW_MS) return null;
    const costs = this.costs;
    const sourceFps = (this.arrivals * 1000) / elapsed;
    this.costs = [];
    this.arrivals = 0;
    this.windowStart = now;
    if (!this.adapt || costs.length === 0) return null;
    const mean = costs.reduce((a, b) => a + b, 0) / costs.length;
    const fps = Math.min(this.current.maxFps, Math.max(sourceFps, 1));
    const busy = (mean * fps) / 1000;
    if (busy > STEP_DOWN_ABOVE) {
      this.calmWindows = 0;
      if (this.level < this.levels.length - 1) {
        this.level++;
        this.overWindows = 0;
        return 'down';
      }
      // At the lowest level a frame may still take longer than its share.
      if (busy > 1 && ++this.overWindows >= WINDOWS_BEFORE_OFF) return 'off';
      return null;
    }
    this.overWindows = 0;
    if (busy < STEP_UP_BELOW && this.level > 0) {
      if (++this.calmWindows >= WINDOWS_BEFORE_UP) {
        this.calmWindows = 0;
        this.level--;
        return 'up';
      }
    } else this.calmWindows = 0;
    return null;
  }
}

/** Whether a frame arriving at `now` is due, given the last one sent and the level's frame rate. */
export function frameDue(now: number, lastSent: number, maxFps: number): boolean {
  // A little slack, so a 30 fps camera is not halved by jitter under a 30 fps cap.
  return now - lastSent >= (1000 / maxFps) * 0.85;
}
