import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// Freehand strokes over the real protocol with real Yjs documents: a stroke
// goes as its base and then chunks of new points, watchers see it grow, a
// late joiner gets it whole; chunks that belong to no element, are too big,
// too many, malformed, or come from a pupil without rights are refused with
// typed errors, counted, and change nothing; what an update deletes must lie
// where its sender may change things.
import type * as Y from 'yjs';
import { type BoardMaps, eraseElement, readInk, withInk, writeElement } from '../../common/whiteboard/ink.js';
import {
  type ElementEntry,
  INK_MAX_CHUNKS,
  INK_MAX_POINTS,
  type InkChunk,
  ROOT,
} from '../../common/whiteboard/model.js';
import { joinWithBoard, serverBoard } from '../helpers/boardPeer.js';
import { type TestClient, pb } from '../helpers/protocolClient.js';
import { rejectedCount } from '../helpers/serverState.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

const E = pb.ErrorCode;
let server: TestServer;
const clients: TestClient[] = [];
let roomCounter = 0;

beforeAll(async () => {
  server = await startTestServer({ WHITEBOARD_UPDATES_PER_SECOND: '200' });
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await server.close();
});

async function newRoom(): Promise<string> {
  const id = `ink-${++roomCounter}`;
  const res = await fetch(`${server.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: server.adminHeaders,
    body: JSON.stringify({ id, settings: { waitingRoom: 'off' } }),
  });
  expect(res.status).toBe(201);
  return id;
}

function enter(roomId: string, name: string, role: string) {
  return joinWithBoard(server, clients, roomId, name, role);
}

type Person = Awaited<ReturnType<typeof enter>>;

const code = (r: pb.Response) => r.error?.code ?? null;

function maps(doc: Y.Doc): BoardMaps {
  return { elements: doc.getMap<ElementEntry>(ROOT.elements), ink: doc.getMap<InkChunk>(ROOT.ink) };
}

function points(n: number, from = 0): [number, number][] {
  return Array.from({ length: n }, (_, i) => [(from + i) * 2.5, (from + i) % 7]);
}

function stroke(id: string, pts: [number, number][], version: number) {
  return {
    id,
    type: 'freedraw',
    x: 40,
    y: 60,
    width: 0,
    height: 0,
    strokeColor: '#1e1e1e',
    version,
    points: pts,
    pressures: [],
    simulatePressure: true,
  };
}

/** A freehand element of a peer's document, put back together. */
function strokeIn(doc: Y.Doc, id: string) {
  const entry = maps(doc).elements.get(id);
  return entry ? withInk(entry.el, readInk(maps(doc).ink, id)) : undefined;
}

function pointsIn(doc: Y.Doc, id: string): number {
  return (strokeIn(doc, id)?.points as unknown[] | undefined)?.length ?? -1;
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('whiteboard ink', () => {
  it('a stroke goes as new points only; watchers see it grow; a late joiner gets it whole', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const watcher = await enter(roomId, 'Watcher', 'participant');
    await teacher.c.request({ openWhiteboard: { open: true } });
    await watcher.board.waitForState((s) => Boolean(s.open));

    let pts: [number, number][] = [];
    const sizes: number[] = [];
    for (let step = 0; step < 8; step++) {
      pts = [...pts, ...points(8, pts.length)];
      const update = teacher.board.change((d) => writeElement(maps(d), 'p1', stroke('s1', pts, step + 1)));
      sizes.push(update.byteLength);
      expect(code(await teacher.board.send(update))).toBeNull();
      const want = pts.length;
      await until(`${want} points at the watcher`, () => pointsIn(watcher.board.doc, 's1') === want);
    }
    // Every step after the first carries its own 8 points, not all so far.
    expect(Math.max(...sizes.slice(1))).toBeLessThan(sizes[0]!);
    expect(sizes[7]).toBeLessThanOrEqual(sizes[1]! + 8);
    expect(strokeIn(watcher.board.doc, 's1')!.points).toEqual(pts);
    const chunks = readInk(maps(watcher.board.doc).ink, 's1');
    expect(chunks).toHaveLength(8);
    expect(chunks.reduce((n, c) => n + c.xy.length / 2, 0)).toBe(pts.length);

    const late = await enter(roomId, 'Late', 'participant');
    await late.board.waitForElements(['s1']);
    expect(strokeIn(late.board.doc, 's1')).toEqual(strokeIn(teacher.board.doc, 's1'));

    // Erasing takes the element and its chunks.
    expect(
      code(await teacher.board.send(teacher.board.change((d) => eraseElement(maps(d), 's1')))),
    ).toBeNull();
    await watcher.board.waitForElements([]);
    expect(await serverBoard(teacher.c)).toMatchObject({ elements: {}, ink: {} });
  });

  it('refuses chunks of no element, too big, too many, malformed, or without rights; counted, nothing changes', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Petrov', 'participant');
    await teacher.c.request({ openWhiteboard: { open: true } });
    await pupil.board.waitForState((s) => Boolean(s.open));
    expect(
      code(
        await teacher.board.send(
          teacher.board.change((d) => writeElement(maps(d), 'p1', stroke('s', points(4), 1))),
        ),
      ),
    ).toBeNull();
    await pupil.board.waitForElements(['s']);

    // Without rights: the pupil was not called to the board.
    const before = await serverBoard(teacher.c);
    const noRights = await rejectedCount(server, 'whiteboard_no_rights');
    const chunk = pupil.board.change((d) => maps(d).ink.set('s:1', { xy: [100, 200] }));
    expect(code(await pupil.board.send(chunk))).toBe(E.ERROR_CODE_WHITEBOARD_NO_RIGHTS);
    expect(await rejectedCount(server, 'whiteboard_no_rights')).toBe(noRights + 1);
    expect(await serverBoard(teacher.c)).toEqual(before);
    await pupil.board.resync();

    await teacher.c.request({ setWhiteboardAccess: { grant: [pupil.id] } });
    await pupil.board.waitForState((s) => (s.named ?? []).includes(pupil.id));
    const bad: [string, (d: Y.Doc) => void, pb.ErrorCode, string][] = [
      [
        'a chunk of an element that is not on the board',
        (d) => maps(d).ink.set('ghost:0', { xy: [1, 2] }),
        E.ERROR_CODE_INVALID_ARGUMENT,
        'invalid_argument',
      ],
      [
        'too many points in one chunk',
        (d) => maps(d).ink.set('s:1', { xy: new Array(2 * (INK_MAX_POINTS + 1)).fill(5) }),
        E.ERROR_CODE_INVALID_ARGUMENT,
        'invalid_argument',
      ],
      [
        'a chunk past the last one an element may have',
        (d) => maps(d).ink.set(`s:${INK_MAX_CHUNKS}`, { xy: [1, 2] }),
        E.ERROR_CODE_WHITEBOARD_FULL,
        'whiteboard_full',
      ],
      [
        'coordinates that are not hundredths',
        (d) => maps(d).ink.set('s:1', { xy: [1.5, 2] }),
        E.ERROR_CODE_INVALID_ARGUMENT,
        'invalid_argument',
      ],
      [
        'something else in a chunk',
        (d) => maps(d).ink.set('s:1', { xy: [1, 2], note: 'hi' } as unknown as InkChunk),
        E.ERROR_CODE_INVALID_ARGUMENT,
        'invalid_argument',
      ],
      [
        'a key that is not element:number',
        (d) => maps(d).ink.set('s', { xy: [1, 2] }),
        E.ERROR_CODE_INVALID_ARGUMENT,
        'invalid_argument',
      ],
      [
        'a page taken away by a pupil (deleted, not written)',
        () => undefined,
        E.ERROR_CODE_WHITEBOARD_NO_RIGHTS,
        'whiteboard_no_rights',
      ],
    ];
    // The teacher adds a page, which a pupil may not take away.
    const page = teacher.board.change((d) => d.getMap(ROOT.pages).set('p2', { name: '', order: 1 }));
    expect(code(await teacher.board.send(page))).toBeNull();
    await pupil.board.resync();
    const after = await serverBoard(teacher.c);
    for (const [what, run, expected, reason] of bad) {
      await pupil.board.resync();
      const counted = await rejectedCount(server, reason);
      const update = what.startsWith('a page taken away')
        ? pupil.board.change((d) => d.getMap(ROOT.pages).delete('p2'))
        : pupil.board.change(run);
      expect(code(await pupil.board.send(update)), what).toBe(expected);
      expect(await rejectedCount(server, reason), what).toBe(counted + 1);
      expect(await serverBoard(teacher.c), what).toEqual(after);
    }

    // A good chunk from the pupil at the board, with its element in the same update or already there.
    await pupil.board.resync();
    const good = pupil.board.change((d) => writeElement(maps(d), 'p1', stroke('s', points(6), 2)));
    expect(code(await pupil.board.send(good))).toBeNull();
    const mine = pupil.board.change((d) => writeElement(maps(d), 'p1', stroke('mine', points(3), 1)));
    expect(code(await pupil.board.send(mine))).toBeNull();
    await until('both strokes at the teacher', () => pointsIn(teacher.board.doc, 'mine') === 3);
    expect(strokeIn(teacher.board.doc, 's')!.points).toEqual(points(6));
    // And the pupil may erase strokes (element and chunks), which deletes ink.
    expect(code(await pupil.board.send(pupil.board.change((d) => eraseElement(maps(d), 'mine'))))).toBeNull();
    await teacher.board.waitForElements(['s']);
    expect(Object.keys((await serverBoard(teacher.c)).ink).sort()).toEqual(['s:0', 's:1']);
  });
});
