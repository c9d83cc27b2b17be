// What the page and the background worker say to each other. The worker
// takes the camera's frames and gives back frames with the background
// replaced; nothing leaves the browser.

/** What the worker draws behind the person. */
export type WorkerBackground = { kind: 'blur'; strength: 'light' | 'strong' } | { kind: 'picture' };

export interface EffectAssets {
  /** The MediaPipe Tasks loader and its WebAssembly (ES module build). */
  wasmLoaderPath: string;
  wasmBinaryPath: string;
  /** The segmentation model (selfie segmentation, with its input metadata). */
  modelPath: string;
}

export type ToWorker =
  | {
      type: 'start';
      readable: ReadableStream<VideoFrame>;
      writable: WritableStream<VideoFrame>;
      assets: EffectAssets;
      background: WorkerBackground;
      picture: ImageBitmap | null;
      /** false: keep the first level whatever it costs (the benchmark measures it). */
      adapt: boolean;
    }
  | { type: 'background'; background: WorkerBackground; picture: ImageBitmap | null }
  /** The camera is off: frames are passed on untouched and not processed. */
  | { type: 'active'; active: boolean };

export interface EffectStats {
  /** Frames the camera gave and frames the worker sent on, since the start. */
  framesIn: number;
  framesOut: number;
  /** Frames left out on purpose to keep to the level's frame rate. */
  framesSkipped: number;
  /** Milliseconds per processed frame over the last second: mean, 95th percentile, of it the model's part. */
  msMean: number;
  msP95: number;
  segmentMsMean: number;
  /** The quality level now (0 is full), and the size of the frames sent. */
  level: number;
  width: number;
  height: number;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'stats'; stats: EffectStats }
  /** The model or the runtime could not load, or processing failed: the effect is off. */
  | { type: 'failed'; message: string }
  /** Even the lowest level is too slow for this device. */
  | { type: 'tooSlow' }
  /** A new quality level: the page asks the camera for frames `scale` times its first size. */
  | { type: 'level'; level: number; scale: number };
