// Freehand strokes in the board's document, on real Yjs documents: a stroke
// being drawn writes each point once (new points as the next chunk), readers
// put it back together, moved points rewrite the chunks, erasing takes them
// away, and an element from before `ink` (points inline) reads as it was.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  type BoardMaps,
  eraseElement,
  inkChunkProblem,
  parseInkKey,
  readInk,
  withInk,
  writeElement,
} from '../../common/whiteboard/ink.js';
import {
  type ElementEntry,
  INK_MAX_CHUNKS,
  INK_MAX_POINTS,
  type InkChunk,
  ROOT,
} from '../../common/whiteboard/model.js';

function maps(doc: Y.Doc): BoardMaps {
  return { elements: doc.getMap<ElementEntry>(ROOT.elements), ink: doc.getMap<InkChunk>(ROOT.ink) };
}

/** A freehand element as Excalidraw has it while drawn: points relative to x, y. */
function stroke(id: string, points: [number, number][], version: number, extra: object = {}) {
  return {
    id,
    type: 'freedraw',
    x: 100,
    y: 50,
    width: 0,
    height: 0,
    angle: 0,
    strokeColor: '#1e1e1e',
    version,
    versionNonce: version * 7,
    updated: version,
    points,
    pressures: [],
    simulatePressure: true,
    lastCommittedPoint: null,
    ...extra,
  };
}

const line = (n: number, from = 0): [number, number][] =>
  Array.from({ length: n }, (_, i) => [(from + i) * 3.25, Math.round(Math.sin((from + i) / 4) * 2000) / 100]);

/** Writes a change and returns its Yjs update, as the client sends it. */
function change(doc: Y.Doc, run: (m: BoardMaps) => void): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.transact(() => run(maps(doc)));
  return Y.encodeStateAsUpdate(doc, before);
}

/** The new keys an update sets, as root:key (overwrites of a key name only their left neighbour). */
function keysSet(update: Uint8Array): string[] {
  const { structs } = Y.decodeUpdate(update);
  return structs
    .filter((s): s is Y.Item => s instanceof Y.Item && typeof s.parent === 'string')
    .map((s) => `${s.parent as unknown as string}/${s.parentSub}`);
}

function read(doc: Y.Doc, id: string) {
  const entry = maps(doc).elements.get(id)!;
  return withInk(entry.el, readInk(maps(doc).ink, id));
}

describe('ink: freehand points in chunks', () => {
  it('a stroke being drawn sends each point once, and readers see it grow', () => {
    const drawer = new Y.Doc();
    const watcher = new Y.Doc();
    let sent = 0;
    let all: [number, number][] = [];
    for (let step = 0; step < 8; step++) {
      all = [...all, ...line(8, all.length)];
      const update = change(drawer, (m) => writeElement(m, 'p1', stroke('s1', all, step + 1)));
      sent += update.byteLength;
      Y.applyUpdate(watcher, update);
      const seen = read(watcher, 's1');
      expect(seen.points).toEqual(all);
      expect(readInk(maps(watcher).ink, 's1')).toHaveLength(step + 1);
    }
    // The base went once: later steps changed only what follows from the points.
    expect(maps(watcher).elements.get('s1')!.el.version).toBe(1);
    const seen = read(watcher, 's1');
    expect(seen.width).toBeCloseTo(Math.max(...all.map((p) => p[0])) - Math.min(...all.map((p) => p[0])));
    expect(seen.height).toBeCloseTo(Math.max(...all.map((p) => p[1])) - Math.min(...all.map((p) => p[1])));
    expect(seen.x).toBe(100);

    // The same stroke as one whole element per step (before `ink`) costs the square of its length.
    const whole = new Y.Doc();
    let wholeBytes = 0;
    for (let step = 0; step < 8; step++) {
      const pts = all.slice(0, (step + 1) * 8);
      wholeBytes += change(whole, (m) =>
        m.elements.set('s1', { page: 'p1', el: stroke('s1', pts, step + 1) }),
      ).byteLength;
    }
    expect(sent).toBeLessThan(wholeBytes / 3);
  });

  it('the finished stroke: base again only when more than its points changed', () => {
    const doc = new Y.Doc();
    const pts = line(20);
    change(doc, (m) => writeElement(m, 'p1', stroke('s', pts.slice(0, 10), 1)));
    // Finished: more points, new version and size; no new base.
    const done = change(doc, (m) =>
      writeElement(m, 'p1', stroke('s', pts, 30, { width: 61.75, height: 30 })),
    );
    expect(keysSet(done)).toEqual(['ink/s:1']);
    expect(Y.decodeUpdate(done).structs).toHaveLength(1);
    // Moved: the base changes, the points stay.
    const moved = change(doc, (m) => writeElement(m, 'p1', stroke('s', pts, 31, { x: 300 })));
    expect(Y.decodeUpdate(moved).structs).toHaveLength(1);
    expect(maps(doc).elements.get('s')!.el.x).toBe(300);
    expect(read(doc, 's').points).toEqual(pts);
    // Base in the document has no points of its own.
    expect(maps(doc).elements.get('s')!.el.points).toEqual([]);
  });

  it('points that moved (a resize, a flip) replace the chunks; erasing takes them all', () => {
    const doc = new Y.Doc();
    const pts = line(30);
    for (let n = 10; n <= 30; n += 10)
      change(doc, (m) => writeElement(m, 'p1', stroke('f', pts.slice(0, n), n)));
    expect(readInk(maps(doc).ink, 'f')).toHaveLength(3);
    const flipped = pts.map(([x, y]) => [-x, y] as [number, number]);
    change(doc, (m) => writeElement(m, 'p1', stroke('f', flipped, 40)));
    expect([...doc.getMap(ROOT.ink).keys()].sort()).toEqual(['f:0']);
    expect(read(doc, 'f').points).toEqual(flipped);
    change(doc, (m) => eraseElement(m, 'f'));
    expect([...doc.getMap(ROOT.elements).keys()]).toEqual([]);
    expect([...doc.getMap(ROOT.ink).keys()]).toEqual([]);
  });

  it('coordinates keep hundredths; pen pressures go along; long strokes split and compact', () => {
    const doc = new Y.Doc();
    const pen = stroke(
      'p',
      [
        [0.123, -4.567],
        [10.001, 20.5],
      ],
      1,
      {
        simulatePressure: false,
        pressures: [0.25, 0.8],
      },
    );
    change(doc, (m) => writeElement(m, 'p1', pen));
    expect(readInk(maps(doc).ink, 'p')).toEqual([{ xy: [12, -457, 1000, 2050], pressure: [250, 800] }]);
    expect(read(doc, 'p').pressures).toEqual([0.25, 0.8]);

    const long = line(INK_MAX_POINTS * 2 + 5);
    change(doc, (m) => writeElement(m, 'p1', stroke('l', long, 1)));
    expect(readInk(maps(doc).ink, 'l').map((c) => c.xy.length / 2)).toEqual([
      INK_MAX_POINTS,
      INK_MAX_POINTS,
      5,
    ]);

    // A stroke drawn for so long it runs out of chunks is written again in fewer, fuller ones.
    let pts: [number, number][] = [];
    for (let i = 0; i < INK_MAX_CHUNKS + 3; i++) {
      pts = [...pts, ...line(2, pts.length)];
      change(doc, (m) => writeElement(m, 'p1', stroke('c', pts, i + 1)));
    }
    const chunks = readInk(maps(doc).ink, 'c');
    expect(chunks.length).toBeLessThanOrEqual(INK_MAX_CHUNKS);
    expect(read(doc, 'c').points).toHaveLength(pts.length);
  });

  it('an element with points inline (a board from before ink) reads as it is, and is rewritten without them', () => {
    const doc = new Y.Doc();
    const old = stroke('o', line(12), 5, { width: 35.75, height: 40 });
    maps(doc).elements.set('o', { page: 'p1', el: old });
    expect(read(doc, 'o')).toEqual(old);
    change(doc, (m) => writeElement(m, 'p1', { ...old, version: 6 }));
    expect(maps(doc).elements.get('o')!.el.points).toEqual([]);
    expect(read(doc, 'o').points).toEqual(line(12));
  });

  it('keys and chunk shapes the server accepts', () => {
    expect(parseInkKey('abc:0')).toEqual({ elementId: 'abc', n: 0 });
    expect(parseInkKey('a:b:12')).toEqual({ elementId: 'a:b', n: 12 });
    for (const bad of ['abc', ':1', 'abc:', 'abc:01', 'abc:-1', 'abc:1.5'])
      expect(parseInkKey(bad)).toBeNull();
    expect(inkChunkProblem({ xy: [1, 2, 3, 4] })).toBeNull();
    expect(inkChunkProblem({ xy: [1, 2], pressure: [500] })).toBeNull();
    for (const bad of [
      null,
      [1, 2],
      { xy: [] },
      { xy: [1, 2, 3] },
      { xy: [1.5, 2] },
      { xy: [1, 2], extra: 1 },
      { xy: [1, 2], pressure: [1, 2] },
      { xy: [1, 2], pressure: [1001] },
      { xy: [2e9, 0] },
      { xy: new Array(2 * INK_MAX_POINTS + 2).fill(1) },
    ]) {
      expect(inkChunkProblem(bad), JSON.stringify(bad)?.slice(0, 40)).not.toBeNull();
    }
  });
});
