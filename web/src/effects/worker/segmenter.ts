// Where the person is in a frame: MediaPipe Tasks' image segmenter running
// the selfie segmentation model on the CPU (WebAssembly with SIMD, XNNPACK)
// inside the worker. The model sees a 256x144 copy of the frame and answers
// with a 256x144 mask, which the compositor scales up.
import { ImageSegmenter } from '@mediapipe/tasks-vision';
import type { EffectAssets } from '../protocol.js';

export const MASK_WIDTH = 256;
export const MASK_HEIGHT = 144;

/** Confidence below LOW is background, above HIGH person; in between a soft edge. */
const LOW = 0.25;
const HIGH = 0.75;
/** Share of the previous mask kept, so edges do not flicker from frame to frame. */
const KEEP = 0.35;

export class Segmenter {
  /** Alpha of the person, 0..255, one byte per mask pixel. */
  readonly mask = new Uint8ClampedArray(MASK_WIDTH * MASK_HEIGHT);
  private readonly input = new OffscreenCanvas(MASK_WIDTH, MASK_HEIGHT);
  private readonly inputContext: OffscreenCanvasRenderingContext2D;
  private lastTimestamp = 0;
  private first = true;

  private constructor(private readonly segmenter: ImageSegmenter) {
    const context = this.input.getContext('2d');
    if (!context) throw new Error('no 2D canvas in this worker');
    this.inputContext = context;
  }

  static async load(assets: EffectAssets): Promise<Segmenter> {
    const response = await fetch(assets.modelPath);
    if (!response.ok) throw new Error(`segmentation model: HTTP ${response.status}`);
    const model = new Uint8Array(await response.arrayBuffer());
    const segmenter = await ImageSegmenter.createFromOptions(
      { wasmLoaderPath: assets.wasmLoaderPath, wasmBinaryPath: assets.wasmBinaryPath },
      {
        baseOptions: { modelAssetBuffer: model, delegate: 'CPU' },
        runningMode: 'VIDEO',
        outputConfidenceMasks: true,
        outputCategoryMask: false,
      },
    );
    return new Segmenter(segmenter);
  }

  /** Updates `mask` from this frame, or from an image already at the model's size. */
  segment(image: VideoFrame | ImageData): void {
    let input: TexImageSource = image;
    if (image instanceof VideoFrame) {
      this.inputContext.drawImage(image, 0, 0, MASK_WIDTH, MASK_HEIGHT);
      input = this.input;
    }
    // VIDEO mode wants strictly increasing timestamps (milliseconds).
    const timestamp = Math.max(this.lastTimestamp + 1, Math.round(performance.now()));
    this.lastTimestamp = timestamp;
    const result = this.segmenter.segmentForVideo(input, timestamp);
    try {
      const confidence = result.confidenceMasks?.[0]?.getAsFloat32Array();
      if (!confidence) throw new Error('the segmenter gave no mask');
      const keep = this.first ? 0 : KEEP;
      this.first = false;
      const mask = this.mask;
      for (let i = 0; i < mask.length; i++) {
        const c = confidence[i]!;
        const t = c <= LOW ? 0 : c >= HIGH ? 1 : (c - LOW) / (HIGH - LOW);
        // smoothstep, then a little of the last frame's value
        const alpha = t * t * (3 - 2 * t) * 255;
        mask[i] = keep * mask[i]! + (1 - keep) * alpha;
      }
    } finally {
      result.close();
    }
  }

  close(): void {
    this.segmenter.close();
  }
}
