// One running background effect on the page's side: starts the worker with
// the camera's frames, hands it the chosen background, and reports what it
// says (ready, its figures, failure, too slow for this device). Its `output`
// track is what the page sends and shows instead of the camera's.
import { breakoutBox } from './insertableStreams.js';
import type { EffectAssets, EffectStats, FromWorker, ToWorker, WorkerBackground } from './protocol.js';

export const EFFECT_ASSETS: EffectAssets = {
  wasmLoaderPath: '/static/effects/vision_wasm_module_internal.js',
  wasmBinaryPath: '/static/effects/vision_wasm_module_internal.wasm',
  modelPath: '/static/effects/selfie_segmentation_landscape.tflite',
};
const WORKER_URL = '/static/effects/background-worker.js';

/**
 * A slower level asks the camera itself for smaller frames (less to capture,
 * segment, blend and encode); the first size comes back when the effect stops.
 */
function resizeCamera(source: MediaStreamTrack, first: MediaTrackSettings, scale: number): void {
  if (!first.width || !first.height) return;
  void source
    .applyConstraints({
      width: { ideal: Math.round((first.width * scale) / 2) * 2 },
      height: { ideal: Math.round((first.height * scale) / 2) * 2 },
      frameRate: first.frameRate ? { ideal: first.frameRate } : undefined,
    })
    .catch(() => {
      // A camera that cannot change size: the frame rate and mask reuse still lighten the load.
    });
}

export interface BackgroundEffectEvents {
  ready(): void;
  stats(stats: EffectStats): void;
  failed(message: string): void;
  tooSlow(): void;
}

export class BackgroundEffect {
  readonly output: MediaStreamTrack;
  private readonly worker: Worker;
  private stopped = false;
  private scaled = false;
  private readonly firstSettings: MediaTrackSettings;

  private constructor(
    private readonly source: MediaStreamTrack,
    box: NonNullable<ReturnType<typeof breakoutBox>>,
    background: WorkerBackground,
    picture: ImageBitmap | null,
    events: BackgroundEffectEvents,
    adapt: boolean,
  ) {
    this.output = box.output;
    this.firstSettings = source.getSettings();
    this.worker = new Worker(WORKER_URL, { type: 'module', name: 'background' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
      if (this.stopped) return;
      const message = event.data;
      switch (message.type) {
        case 'ready':
          return events.ready();
        case 'stats':
          return events.stats(message.stats);
        case 'failed':
          return events.failed(message.message);
        case 'tooSlow':
          return events.tooSlow();
        case 'level':
          this.scaled = message.scale !== 1;
          return resizeCamera(source, this.firstSettings, message.scale);
      }
    };
    this.worker.onerror = (event) => {
      if (!this.stopped) events.failed(event.message || 'worker error');
    };
    const start: ToWorker = {
      type: 'start',
      readable: box.readable,
      writable: box.writable,
      assets: EFFECT_ASSETS,
      background,
      picture,
      adapt,
    };
    const transfer: Transferable[] = [
      box.readable as unknown as Transferable,
      box.writable as unknown as Transferable,
    ];
    if (picture) transfer.push(picture);
    this.worker.postMessage(start, transfer);
    // A camera unplugged ends the output too.
    source.addEventListener('ended', () => this.output.stop(), { once: true });
  }

  /** Null where this browser cannot process camera frames in a worker. */
  static start(
    source: MediaStreamTrack,
    background: WorkerBackground,
    picture: ImageBitmap | null,
    events: BackgroundEffectEvents,
    adapt = true,
  ): BackgroundEffect | null {
    const box = breakoutBox(source);
    if (!box) return null;
    return new BackgroundEffect(source, box, background, picture, events, adapt);
  }

  setBackground(background: WorkerBackground, picture: ImageBitmap | null): void {
    const message: ToWorker = { type: 'background', background, picture };
    this.worker.postMessage(message, picture ? [picture] : []);
  }

  /** The camera is paused: stop spending CPU on frames nobody receives. */
  setActive(active: boolean): void {
    const message: ToWorker = { type: 'active', active };
    this.worker.postMessage(message);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.terminate();
    this.output.stop();
    if (this.scaled) resizeCamera(this.source, this.firstSettings, 1);
  }
}
