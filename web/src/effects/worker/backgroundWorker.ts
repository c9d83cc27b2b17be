// The background worker: reads the camera's frames (a transferred
// MediaStreamTrackProcessor stream), finds the person, draws them over the
// chosen background and writes the result into a MediaStreamTrackGenerator,
// whose track the page sends instead of the camera's. Everything runs here,
// off the page's thread; no frame and no mask leaves the browser.
import type { EffectStats, FromWorker, ToWorker, WorkerBackground } from '../protocol.js';
import { Compositor } from './compositor.js';
import { QualityController, frameDue } from './quality.js';
import { Segmenter } from './segmenter.js';
import { YUV_FORMATS, YuvCompositor } from './yuvCompositor.js';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let background: WorkerBackground = { kind: 'blur', strength: 'light' };
let picture: ImageBitmap | null = null;
let active = true;

function setPicture(next: ImageBitmap | null): void {
  if (picture && picture !== next) picture.close();
  picture = next;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0;
}

async function run(start: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  background = start.background;
  setPicture(start.picture);
  const reader = start.readable.getReader();
  const writer = start.writable.getWriter();
  // Camera frames in I420 or NV12 are composed in their own planes; anything else through a canvas.
  const yuvCompositor = new YuvCompositor();
  const canvasCompositor = new Compositor();
  let segmenter: Segmenter | null = null;
  let loadFailed = false;
  Segmenter.load(start.assets).then(
    (s) => {
      segmenter = s;
      scope.postMessage({ type: 'ready' });
    },
    (err: unknown) => {
      loadFailed = true;
      scope.postMessage({ type: 'failed', message: `model: ${(err as Error)?.message ?? String(err)}` });
    },
  );

  const quality = new QualityController(start.adapt, performance.now());
  const stats: EffectStats = {
    framesIn: 0,
    framesOut: 0,
    framesSkipped: 0,
    msMean: 0,
    msP95: 0,
    segmentMsMean: 0,
    level: 0,
    width: 0,
    height: 0,
  };
  let costs: number[] = [];
  let segmentCosts: number[] = [];
  let lastReport = performance.now();
  let lastSent = Number.NEGATIVE_INFINITY;
  let sinceSegment = Number.POSITIVE_INFINITY;

  for (;;) {
    const { value: frame, done } = await reader.read();
    if (done || !frame) break;
    const now = performance.now();
    stats.framesIn++;
    quality.arrived();
    if (!active) {
      // The camera is off: the producer sends nothing; keep the track alive cheaply.
      await writer.write(frame);
      continue;
    }
    const level = quality.current;
    if (!frameDue(now, lastSent, level.maxFps)) {
      frame.close();
      stats.framesSkipped++;
      continue;
    }
    let out: VideoFrame;
    const t0 = performance.now();
    try {
      if (loadFailed) {
        frame.close();
        break;
      }
      const chosen = background.kind === 'picture' ? picture : null;
      const yuv = YUV_FORMATS.includes(frame.format ?? '');
      const layout = yuv ? await yuvCompositor.read(frame) : null;
      if (!segmenter) {
        out = layout
          ? yuvCompositor.placeholder(frame, layout, chosen)
          : canvasCompositor.placeholder(frame, chosen, frame.displayWidth, frame.displayHeight);
      } else {
        if (++sinceSegment >= level.segmentEvery) {
          sinceSegment = 0;
          const s0 = performance.now();
          (segmenter as Segmenter).segment(layout ? yuvCompositor.modelImage(layout) : frame);
          segmentCosts.push(performance.now() - s0);
        }
        const mask = (segmenter as Segmenter).mask;
        out = layout
          ? yuvCompositor.draw(frame, layout, mask, background, chosen)
          : canvasCompositor.draw(frame, mask, background, chosen, frame.displayWidth, frame.displayHeight);
        const cost = performance.now() - t0;
        costs.push(cost);
        quality.processed(cost);
      }
    } catch (err) {
      frame.close();
      scope.postMessage({ type: 'failed', message: `frame: ${(err as Error)?.message ?? String(err)}` });
      break;
    }
    stats.width = frame.displayWidth;
    stats.height = frame.displayHeight;
    frame.close();
    await writer.write(out);
    lastSent = now;
    stats.framesOut++;

    const decision = quality.tick(performance.now());
    if (decision === 'off') {
      scope.postMessage({ type: 'tooSlow' });
      break;
    }
    if (decision) scope.postMessage({ type: 'level', level: quality.level, scale: quality.current.scale });
    if (performance.now() - lastReport >= 1000) {
      const sorted = [...costs].sort((a, b) => a - b);
      stats.msMean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0;
      stats.msP95 = percentile(sorted, 0.95);
      stats.segmentMsMean = segmentCosts.length
        ? segmentCosts.reduce((a, b) => a + b, 0) / segmentCosts.length
        : 0;
      stats.level = quality.level;
      scope.postMessage({ type: 'stats', stats: { ...stats } });
      costs = [];
      segmentCosts = [];
      lastReport = performance.now();
    }
  }
  (segmenter as Segmenter | null)?.close();
  setPicture(null);
  await writer.close().catch(() => {});
}

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'start':
      void run(message).catch((err: unknown) =>
        scope.postMessage({ type: 'failed', message: (err as Error)?.message ?? String(err) }),
      );
      return;
    case 'background':
      background = message.background;
      setPicture(message.picture);
      return;
    case 'active':
      active = message.active;
      return;
  }
};
