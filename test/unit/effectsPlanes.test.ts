// The background's arithmetic, without a browser: compositing in YUV planes
// (resize, shrink, blur, blend), and the quality controller that lowers the
// camera's size and frame rate before the effect gives up.
import { describe, expect, it } from 'vitest';
import { blend, blur, plane, resize, shrink } from '../../web/src/effects/worker/planes.js';
import { LEVELS, QualityController, WINDOW_MS, frameDue } from '../../web/src/effects/worker/quality.js';

describe('planes', () => {
  it('resize keeps a flat plane flat and reaches both ends of a ramp', () => {
    const flat = new Uint8Array(16 * 9).fill(77);
    const out = plane(64, 36);
    resize(flat, 16, 9, out);
    expect(new Set(out.data)).toEqual(new Set([77]));

    const ramp = Uint8Array.from({ length: 4 }, (_, i) => i * 85); // 0, 85, 170, 255
    const wide = plane(16, 1);
    resize(ramp, 4, 1, wide);
    expect(wide.data[0]).toBe(0);
    expect(wide.data[15]).toBe(255);
    for (let i = 1; i < 16; i++) expect(wide.data[i]!).toBeGreaterThanOrEqual(wide.data[i - 1]!);
  });

  it('shrink averages blocks of a planar or interleaved view', () => {
    // NV12's interleaved chroma, 4x2: U rows 10 30 10 30 / 50 70 50 70; V = 200 everywhere.
    const data = Uint8Array.from([10, 200, 30, 200, 10, 200, 30, 200, 50, 200, 70, 200, 50, 200, 70, 200]);
    const u = plane(1, 1);
    shrink({ data, offset: 0, stride: 8, step: 2, width: 4, height: 2 }, 2, u);
    expect(u.data[0]).toBe(40);
    const v = plane(2, 1);
    shrink({ data, offset: 1, stride: 8, step: 2, width: 4, height: 2 }, 2, v);
    expect([...v.data]).toEqual([200, 200]);
  });

  it('blur softens an edge and keeps the mean', () => {
    const p = plane(20, 1);
    p.data.fill(0, 0, 10);
    p.data.fill(200, 10);
    const before = p.data.reduce((a, b) => a + b, 0);
    blur(p, 2);
    expect(p.data[9]!).toBeGreaterThan(0);
    expect(p.data[10]!).toBeLessThan(200);
    expect(Math.abs(p.data.reduce((a, b) => a + b, 0) - before)).toBeLessThan(20);
  });

  it('blend keeps the frame where the mask is 255, puts the background where it is 0, mixes between', () => {
    const frame = Uint8Array.from([100, 100, 100, 100]);
    const background = { data: Uint8Array.from([20, 20, 20, 20]), width: 4, height: 1 };
    const alpha = { data: Uint8Array.from([255, 0, 128, 64]), width: 4, height: 1 };
    blend({ data: frame, offset: 0, stride: 4, step: 1, width: 4, height: 1 }, background, alpha);
    expect(frame[0]).toBe(100);
    expect(frame[1]).toBe(20);
    expect(frame[2]).toBeGreaterThanOrEqual(59);
    expect(frame[2]).toBeLessThanOrEqual(61);
    expect(frame[3]).toBeGreaterThanOrEqual(39);
    expect(frame[3]).toBeLessThanOrEqual(41);
  });
});

describe('quality controller', () => {
  /** Feeds `windows` windows of frames at `fps`, each costing `ms`; returns the decisions. */
  function run(q: QualityController, start: number, windows: number, fps: number, ms: number) {
    const decisions: string[] = [];
    let now = start;
    const step = Math.ceil(1000 / fps);
    for (let w = 0; w < windows; w++) {
      for (let t = 0; t < WINDOW_MS; t += step) {
        now += step;
        q.arrived();
        q.processed(ms);
        const d = q.tick(now);
        if (d) decisions.push(d);
      }
    }
    return { decisions, now };
  }

  it('steps down one level per window while frames cost more than their share, then gives up', () => {
    const q = new QualityController(true, 0);
    const { decisions } = run(q, 0, LEVELS.length + 4, 24, 120);
    expect(decisions.slice(0, LEVELS.length - 1)).toEqual(Array(LEVELS.length - 1).fill('down'));
    expect(decisions.at(-1)).toBe('off');
    expect(q.level).toBe(LEVELS.length - 1);
  });

  it('lowers resolution before frame rate, and frame rate before reusing masks', () => {
    const scales = LEVELS.map((l) => l.scale);
    const fps = LEVELS.map((l) => l.maxFps);
    const firstFpsDrop = fps.findIndex((f) => f < fps[0]!);
    const firstReuse = LEVELS.findIndex((l) => l.segmentEvery > 1);
    expect(Math.min(...scales.slice(0, firstFpsDrop))).toBeLessThan(1);
    expect(firstReuse).toBeGreaterThan(firstFpsDrop);
  });

  it('stays where it is when frames are cheap enough, and climbs back after a calm while', () => {
    const q = new QualityController(true, 0);
    let { now } = run(q, 0, 2, 24, 40); // 40 ms at 24 fps: 96% busy
    expect(q.level).toBe(2);
    ({ now } = run(q, now, 3, 24, 20)); // 48% busy: hold
    expect(q.level).toBe(2);
    run(q, now, 6, 24, 5); // 12% busy for five windows: one step up
    expect(q.level).toBe(1);
  });

  it('never changes level when adapting is off (the benchmark measures a fixed level)', () => {
    const q = new QualityController(false, 0);
    const { decisions } = run(q, 0, 6, 24, 500);
    expect(decisions).toEqual([]);
    expect(q.level).toBe(0);
  });

  it('lets frames through at the level’s rate with some slack for jitter', () => {
    expect(frameDue(1000 + 1000 / 30 - 3, 1000, 30)).toBe(true);
    expect(frameDue(1000 + 40, 1000, 15)).toBe(false);
    expect(frameDue(1000 + 60, 1000, 15)).toBe(true);
  });
});
