// Freehand points as chunks in the board's `ink` map (see model.ts): how the
// web client (and the load test, which sends what the client sends) writes
// an element, how every reader puts element and chunks back together, and
// the shape the server checks a chunk against. Plain functions over anything
// map-like, so the same code runs on Yjs maps, in the server and in tests.
import {
  type ElementEntry,
  INK_MAX_CHUNKS,
  INK_MAX_COORDINATE,
  INK_MAX_POINTS,
  type InkChunk,
} from './model.js';

export interface MapLike<V> {
  get(key: string): V | undefined;
  has(key: string): boolean;
  set(key: string, value: V): unknown;
  delete(key: string): unknown;
}

export interface BoardMaps {
  elements: MapLike<ElementEntry>;
  ink: MapLike<InkChunk>;
}

export type ElementJson = ElementEntry['el'];

/** Fields of a freehand element that follow from its points or count its edits: a change to them alone does not rewrite the base. */
const FOLLOWS_POINTS = new Set([
  'version',
  'versionNonce',
  'updated',
  'width',
  'height',
  'points',
  'pressures',
  'lastCommittedPoint',
]);

export function inkKey(elementId: string, n: number): string {
  return `${elementId}:${n}`;
}

/** The element and chunk number of an `ink` key, or null when it is not one. */
export function parseInkKey(key: string): { elementId: string; n: number } | null {
  const at = key.lastIndexOf(':');
  if (at <= 0) return null;
  const digits = key.slice(at + 1);
  if (!/^(0|[1-9][0-9]{0,8})$/.test(digits)) return null;
  return { elementId: key.slice(0, at), n: Number(digits) };
}

/** Whether an element keeps its points in `ink`: Excalidraw's freehand strokes, the only elements whose points grow while drawn. */
export function isInked(el: object): boolean {
  return (el as { type?: unknown }).type === 'freedraw';
}

/** An element's chunks in order (0, 1, 2... up to the first missing). */
export function readInk(ink: Pick<MapLike<InkChunk>, 'get'>, elementId: string): InkChunk[] {
  const chunks: InkChunk[] = [];
  for (let n = 0; n < INK_MAX_CHUNKS; n++) {
    const chunk = ink.get(inkKey(elementId, n));
    if (!chunk) break;
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * An element as the drawing component wants it: a freehand element's points
 * and pressures put back from its chunks, and its size from its points (the
 * base keeps the size of when it was written, at a stroke's start say).
 * Without chunks the element is read as it is (points inline: older boards).
 */
export function withInk(el: ElementJson, chunks: readonly InkChunk[]): ElementJson {
  if (chunks.length === 0) return el;
  const points: [number, number][] = [];
  const pressures: number[] = [];
  let pressured = true;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const chunk of chunks) {
    const xy = Array.isArray(chunk.xy) ? chunk.xy : [];
    for (let i = 0; i + 1 < xy.length; i += 2) {
      const x = xy[i]! / 100;
      const y = xy[i + 1]! / 100;
      points.push([x, y]);
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (Array.isArray(chunk.pressure) && chunk.pressure.length === xy.length >> 1) {
      for (const p of chunk.pressure) pressures.push(p / 1000);
    } else pressured = false;
  }
  const sized = points.length > 0;
  return {
    ...el,
    points,
    pressures: pressured ? pressures : [],
    width: sized ? maxX - minX : 0,
    height: sized ? maxY - minY : 0,
    // Grows with the points, so anything that caches by version redraws a stroke that grew.
    version: (typeof el.version === 'number' ? el.version : 0) + points.length,
  };
}

/**
 * Writes a drawing element as it is now (a JSON copy is taken). A freehand
 * element's base is written only when new or when more than its points
 * changed; its points go to `ink`: only the new ones, as the next chunk,
 * while those already written are unchanged (a stroke being drawn), or all
 * of them again, replacing the old chunks (moved points: a resize, a flip;
 * or a stroke that ran out of chunks).
 */
export function writeElement(maps: BoardMaps, page: string, element: object): void {
  const el = element as ElementJson & { points?: unknown; pressures?: unknown };
  if (!isInked(el) || !Array.isArray(el.points)) {
    maps.elements.set(el.id, { page, el: JSON.parse(JSON.stringify(el)) as ElementJson });
    return;
  }
  const { points, pressures, ...rest } = el;
  const base = JSON.parse(
    JSON.stringify({ ...rest, points: [], pressures: [], lastCommittedPoint: null }),
  ) as ElementJson;
  const before = maps.elements.get(el.id);
  if (!before || before.page !== page || !sameBase(before.el, base)) {
    maps.elements.set(el.id, { page, el: base });
  }
  writeInk(
    maps.ink,
    el.id,
    points as readonly (readonly number[])[],
    Array.isArray(pressures) ? pressures : [],
  );
}

/** Takes an element off the board, with its chunks. */
export function eraseElement(maps: BoardMaps, elementId: string): void {
  if (maps.elements.has(elementId)) maps.elements.delete(elementId);
  for (let n = 0; n < INK_MAX_CHUNKS && maps.ink.has(inkKey(elementId, n)); n++) {
    maps.ink.delete(inkKey(elementId, n));
  }
}

/** Why a value is not a chunk of ink, or null when it is one. */
export function inkChunkProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'a chunk of ink is an object';
  const { xy, pressure, ...other } = value as Record<string, unknown>;
  if (Object.keys(other).length > 0) return 'a chunk of ink has only xy and pressure';
  if (!Array.isArray(xy) || xy.length < 2 || xy.length % 2 !== 0) return 'a chunk of ink has points';
  if (xy.length > 2 * INK_MAX_POINTS) return `a chunk of ink has at most ${INK_MAX_POINTS} points`;
  for (const v of xy) {
    if (!Number.isInteger(v) || Math.abs(v as number) > INK_MAX_COORDINATE) {
      return 'ink coordinates are whole hundredths of a pixel on the board';
    }
  }
  if (pressure === undefined) return null;
  if (!Array.isArray(pressure) || pressure.length !== xy.length / 2) return 'ink has one pressure a point';
  for (const p of pressure) {
    if (!Number.isInteger(p) || (p as number) < 0 || (p as number) > 1000) {
      return 'ink pressures are thousandths';
    }
  }
  return null;
}

function sameBase(stored: ElementJson, base: ElementJson): boolean {
  // Points inline (written before `ink`): the base is written again without them.
  if (Array.isArray(stored.points) && stored.points.length > 0) return false;
  const keys = new Set([...Object.keys(stored), ...Object.keys(base)]);
  for (const key of keys) {
    if (FOLLOWS_POINTS.has(key)) continue;
    if (JSON.stringify(stored[key]) !== JSON.stringify(base[key])) return false;
  }
  return true;
}

function writeInk(
  ink: MapLike<InkChunk>,
  elementId: string,
  points: readonly (readonly number[])[],
  pressures: readonly unknown[],
): void {
  const xy = new Array<number>(points.length * 2);
  for (const [i, p] of points.entries()) {
    xy[2 * i] = hundredths(p[0]);
    xy[2 * i + 1] = hundredths(p[1]);
  }
  const pressure =
    pressures.length > 0
      ? points.map((_, i) => {
          const p = pressures[i];
          return typeof p === 'number' && Number.isFinite(p)
            ? Math.min(1000, Math.max(0, Math.round(p * 1000)))
            : 500;
        })
      : null;
  const have = readInk(ink, elementId);
  let at = 0;
  let unchanged = true;
  for (const chunk of have) {
    if (!sameChunk(chunk, xy, pressure, at)) {
      unchanged = false;
      break;
    }
    at += chunk.xy.length / 2;
  }
  if (unchanged) {
    if (at === points.length) return;
    const fresh = chunked(xy, pressure, at);
    if (have.length + fresh.length <= INK_MAX_CHUNKS) {
      for (const [i, chunk] of fresh.entries()) ink.set(inkKey(elementId, have.length + i), chunk);
      return;
    }
  }
  const all = chunked(xy, pressure, 0);
  for (const [i, chunk] of all.entries()) ink.set(inkKey(elementId, i), chunk);
  for (let n = all.length; n < have.length; n++) ink.delete(inkKey(elementId, n));
}

/** Whether a stored chunk holds exactly these points (and pressures), starting at point `at`. */
function sameChunk(chunk: InkChunk, xy: number[], pressure: number[] | null, at: number): boolean {
  const n = chunk.xy.length / 2;
  if (at + n > xy.length / 2) return false;
  for (let i = 0; i < chunk.xy.length; i++) if (chunk.xy[i] !== xy[2 * at + i]) return false;
  if (!pressure) return chunk.pressure === undefined;
  if (!chunk.pressure || chunk.pressure.length !== n) return false;
  for (let i = 0; i < n; i++) if (chunk.pressure[i] !== pressure[at + i]) return false;
  return true;
}

/** Points from `from` on, in chunks of at most INK_MAX_POINTS. */
function chunked(xy: number[], pressure: number[] | null, from: number): InkChunk[] {
  const out: InkChunk[] = [];
  const total = xy.length / 2;
  for (let start = from; start < total; start += INK_MAX_POINTS) {
    const end = Math.min(total, start + INK_MAX_POINTS);
    const chunk: InkChunk = { xy: xy.slice(2 * start, 2 * end) };
    if (pressure) chunk.pressure = pressure.slice(start, end);
    out.push(chunk);
  }
  return out;
}

function hundredths(v: number | undefined): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 0;
  return Math.max(-INK_MAX_COORDINATE, Math.min(INK_MAX_COORDINATE, Math.round(v * 100)));
}
