// Single-channel image arithmetic on typed arrays, for compositing camera
// frames in their own YUV planes: resizing (bilinear, separable, fixed
// point), shrinking by whole blocks, blurring (two box passes) and blending
// by a mask. Pure functions, tested in Node (test/unit/effectsPlanes.test.ts).

/** A plane inside a buffer: `step` is 1 for planar data, 2 for one of NV12's interleaved U and V. */
export interface PlaneView {
  data: Uint8Array;
  offset: number;
  stride: number;
  step: number;
  width: number;
  height: number;
}

/** A contiguous plane, width x height. */
export interface Plane {
  data: Uint8Array;
  width: number;
  height: number;
}

export function plane(width: number, height: number): Plane {
  return { data: new Uint8Array(width * height), width, height };
}

interface Taps {
  /** For each destination index, the first source index and the weight (0-256) of the next. */
  index: Int32Array;
  weight: Int32Array;
}

const tapCache = new Map<string, Taps>();

/** Bilinear taps from `from` samples to `to` samples (pixel centres aligned). */
function taps(from: number, to: number): Taps {
  const key = `${from}:${to}`;
  let t = tapCache.get(key);
  if (!t) {
    const index = new Int32Array(to);
    const weight = new Int32Array(to);
    const scale = from / to;
    for (let i = 0; i < to; i++) {
      const x = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), from - 1);
      const x0 = Math.min(Math.floor(x), from - 2 < 0 ? 0 : from - 2);
      index[i] = x0;
      weight[i] = from === 1 ? 0 : Math.round((x - x0) * 256);
    }
    t = { index, weight };
    if (tapCache.size > 64) tapCache.clear();
    tapCache.set(key, t);
  }
  return t;
}

let scratch = new Uint32Array(0);

/** Resizes `src` (contiguous) into `dst` with bilinear filtering. */
export function resize(src: Uint8Array | Uint8ClampedArray, sw: number, sh: number, dst: Plane): void {
  const { width: dw, height: dh, data: out } = dst;
  if (scratch.length < sh * dw) scratch = new Uint32Array(sh * dw);
  const rows = scratch;
  const h = taps(sw, dw);
  for (let y = 0; y < sh; y++) {
    const s = y * sw;
    const r = y * dw;
    for (let x = 0; x < dw; x++) {
      const i = s + h.index[x]!;
      const w = h.weight[x]!;
      const a = src[i]!;
      const b = sw > 1 ? src[i + 1]! : a;
      rows[r + x] = a * (256 - w) + b * w;
    }
  }
  const v = taps(sh, dh);
  for (let y = 0; y < dh; y++) {
    const r0 = v.index[y]! * dw;
    const r1 = sh > 1 ? r0 + dw : r0;
    const w = v.weight[y]!;
    const o = y * dw;
    for (let x = 0; x < dw; x++) {
      out[o + x] = (rows[r0 + x]! * (256 - w) + rows[r1 + x]! * w + 32768) >>> 16;
    }
  }
}

/** Averages `factor` x `factor` blocks of a plane view into `dst` (its size is the view's divided by factor). */
export function shrink(view: PlaneView, factor: number, dst: Plane): void {
  const { data, offset, stride, step } = view;
  const n = factor * factor;
  for (let y = 0; y < dst.height; y++) {
    for (let x = 0; x < dst.width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        let at = offset + (y * factor + dy) * stride + x * factor * step;
        for (let dx = 0; dx < factor; dx++, at += step) sum += data[at]!;
      }
      dst.data[y * dst.width + x] = (sum + (n >> 1)) / n;
    }
  }
}

let blurRow = new Uint8Array(0);

/** A box blur of `radius`, twice, horizontally then vertically (close to a Gaussian), in place. */
export function blur(p: Plane, radius: number): void {
  for (let pass = 0; pass < 2; pass++) {
    boxPass(p.data, p.width, p.height, 1, p.width, radius);
    boxPass(p.data, p.height, p.width, p.width, 1, radius);
  }
}

/** One box pass along lines of `length` samples (`along` apart), `lines` of them (`across` apart); edges clamp. */
function boxPass(
  data: Uint8Array,
  length: number,
  lines: number,
  along: number,
  across: number,
  radius: number,
): void {
  if (blurRow.length < length) blurRow = new Uint8Array(length);
  const line = blurRow;
  const size = 2 * radius + 1;
  for (let l = 0; l < lines; l++) {
    const base = l * across;
    for (let i = 0; i < length; i++) line[i] = data[base + i * along]!;
    let sum = 0;
    for (let k = -radius; k <= radius; k++) sum += line[Math.min(Math.max(k, 0), length - 1)]!;
    for (let i = 0; i < length; i++) {
      data[base + i * along] = (sum + (size >> 1)) / size;
      sum += line[Math.min(i + radius + 1, length - 1)]! - line[Math.max(i - radius, 0)]!;
    }
  }
}

/**
 * Where `alpha` (0-255, same size as the view) is the person, keeps the
 * frame; elsewhere puts `background` (contiguous, same size): out = bg +
 * (fg - bg) * alpha, in place in the view.
 */
export function blend(view: PlaneView, background: Plane, alpha: Plane): void {
  const { data, offset, stride, step, width, height } = view;
  const bg = background.data;
  const a = alpha.data;
  for (let y = 0; y < height; y++) {
    let at = offset + y * stride;
    const row = y * width;
    for (let x = 0; x < width; x++, at += step) {
      const m = a[row + x]!;
      if (m === 255) continue;
      const b = bg[row + x]!;
      data[at] = b + ((((data[at]! - b) * (m + (m >> 7))) >> 8) | 0);
    }
  }
}
