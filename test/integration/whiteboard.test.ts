// The whiteboard over the real protocol with real Yjs documents: hosts open
// it and decide who draws; what one draws reaches everyone else at the same
// place; pupils without rights, floods, oversized boards and malformed or
// out-of-place updates get typed errors, are counted, and change nothing;
// late joiners and people returning from a breakout room get the board at
// once; pictures go up and come back in chunks; a lesson's boards are saved
// for its hosts when it ends.
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOT } from '../../common/whiteboard/model.js';
import { joinWithBoard, serverBoard } from '../helpers/boardPeer.js';
import { FAKE_DTLS, type TestClient, pb } from '../helpers/protocolClient.js';
import { rejectedCount } from '../helpers/serverState.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

const E = pb.ErrorCode;
let server: TestServer;
const clients: TestClient[] = [];
let roomCounter = 0;

type Person = Awaited<ReturnType<typeof joinWithBoard>>;

beforeAll(async () => {
  server = await startTestServer({
    WHITEBOARD_MAX_ELEMENTS: '12',
    WHITEBOARD_UPDATES_PER_SECOND: '10',
    WHITEBOARD_MAX_FILE_BYTES: String(200 * 1024),
  });
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await server.close();
});

async function newRoom(): Promise<string> {
  const id = `board-${++roomCounter}`;
  const res = await fetch(`${server.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: server.adminHeaders,
    body: JSON.stringify({ id, title: 'Geometry 7', settings: { waitingRoom: 'off' } }),
  });
  expect(res.status).toBe(201);
  return id;
}

function enter(roomId: string, name: string, role: string): Promise<Person> {
  return joinWithBoard(server, clients, roomId, name, role);
}

const code = (r: pb.Response) => r.error?.code ?? null;

describe('whiteboard', () => {
  it('a host draws, everyone sees the same board; a pupil without rights changes nothing', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Petrov', 'participant');
    const other = await enter(roomId, 'Sidorova', 'participant');

    // Closed: nobody draws yet.
    expect(code(await teacher.board.draw('r0'))).toBe(E.ERROR_CODE_WHITEBOARD_CLOSED);
    await teacher.board.resync();
    expect(code(await pupil.c.rawRequest({ openWhiteboard: { open: true } }))).toBe(E.ERROR_CODE_FORBIDDEN);

    await teacher.c.request({ openWhiteboard: { open: true } });
    for (const p of [teacher, pupil, other]) {
      await p.board.waitForState((s) => Boolean(s.open) && s.openedBy === teacher.id);
    }
    expect(teacher.board.state?.access).toBe(pb.WhiteboardAccess.WHITEBOARD_ACCESS_HOSTS);

    expect(code(await teacher.board.draw('r1'))).toBeNull();
    expect(code(await teacher.board.draw('r2'))).toBeNull();
    await pupil.board.waitForElements(['r1', 'r2']);
    await other.board.waitForElements(['r1', 'r2']);
    expect(pupil.board.json()).toEqual(teacher.board.json());

    // The pupil was not called to the board.
    const before = await serverBoard(teacher.c);
    const refusedBefore = await rejectedCount(server, 'whiteboard_no_rights');
    const seenBefore = other.board.received;
    expect(code(await pupil.board.draw('scribble'))).toBe(E.ERROR_CODE_WHITEBOARD_NO_RIGHTS);
    expect(code(await pupil.board.erase('r1'))).toBe(E.ERROR_CODE_WHITEBOARD_NO_RIGHTS);
    expect(await rejectedCount(server, 'whiteboard_no_rights')).toBe(refusedBefore + 2);
    expect(await serverBoard(teacher.c)).toEqual(before);
    await pupil.board.resync();
    expect(pupil.board.elementIds()).toEqual(['r1', 'r2']);
    // Nothing of it reached anyone (a later update of the teacher's arrives after anything relayed before it).
    expect(code(await teacher.board.draw('r3'))).toBeNull();
    await other.board.waitForElements(['r1', 'r2', 'r3']);
    expect(other.board.received).toBe(seenBefore + 1);
  });

  it('"to the board, Petrov": a named pupil draws until the host takes it back; then everyone may', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const petrov = await enter(roomId, 'Petrov', 'participant');
    const ivanova = await enter(roomId, 'Ivanova', 'participant');
    await teacher.c.request({ openWhiteboard: { open: true } });
    await teacher.c.request({ setWhiteboardAccess: { grant: [petrov.id] } });
    const named = await ivanova.board.waitForState((s) => (s.named ?? []).includes(petrov.id));
    expect(named.access).toBe(pb.WhiteboardAccess.WHITEBOARD_ACCESS_NAMED);

    expect(code(await petrov.board.draw('triangle'))).toBeNull();
    await teacher.board.waitForElements(['triangle']);
    await ivanova.board.waitForElements(['triangle']);
    expect(code(await ivanova.board.draw('mine'))).toBe(E.ERROR_CODE_WHITEBOARD_NO_RIGHTS);
    await ivanova.board.resync();
    // A pupil at the board draws, but does not turn pages.
    const page = petrov.board.change((d) => d.getMap(ROOT.board).set('page', 'p2'));
    expect(code(await petrov.board.send(page))).toBe(E.ERROR_CODE_WHITEBOARD_NO_RIGHTS);
    await petrov.board.resync();

    // Back to your seat.
    await teacher.c.request({ setWhiteboardAccess: { revoke: [petrov.id] } });
    await petrov.board.waitForState((s) => !(s.named ?? []).includes(petrov.id));
    expect(code(await petrov.board.draw('after'))).toBe(E.ERROR_CODE_WHITEBOARD_NO_RIGHTS);
    await petrov.board.resync();

    await teacher.c.request({
      setWhiteboardAccess: { access: pb.WhiteboardAccess.WHITEBOARD_ACCESS_EVERYONE },
    });
    await ivanova.board.waitForState((s) => s.access === pb.WhiteboardAccess.WHITEBOARD_ACCESS_EVERYONE);
    expect(code(await ivanova.board.draw('circle'))).toBeNull();
    await teacher.board.waitForElements(['circle', 'triangle']);
    // Only hosts decide.
    expect(code(await ivanova.c.rawRequest({ setWhiteboardAccess: { grant: [ivanova.id] } }))).toBe(
      E.ERROR_CODE_FORBIDDEN,
    );
  });

  it('a late joiner gets the board at once, and syncing gives only what one lacks', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    await teacher.c.request({ openWhiteboard: { open: true } });
    for (const id of ['a', 'b', 'c']) expect(code(await teacher.board.draw(id))).toBeNull();
    const late = await enter(roomId, 'Late', 'participant');
    await late.board.waitForElements(['a', 'b', 'c']);
    expect(late.board.state?.open).toBe(true);
    expect(late.board.json()).toEqual(teacher.board.json());

    const sv = Y.encodeStateVector(late.board.doc);
    expect(code(await teacher.board.draw('d'))).toBeNull();
    const r = await late.c.request({ whiteboardSync: { stateVector: sv } });
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, r.whiteboardSync!.update!);
    expect([...fresh.getMap(ROOT.elements).keys()]).toEqual([]);
    expect(r.whiteboardSync!.update!.byteLength).toBeLessThan(
      Y.encodeStateAsUpdate(teacher.board.doc).byteLength,
    );
    expect(
      code(await late.c.rawRequest({ whiteboardSync: { stateVector: new Uint8Array([255, 255, 1]) } })),
    ).toBe(E.ERROR_CODE_INVALID_ARGUMENT);
  });

  it('a burst of drawing reaches watchers merged into fewer frames, with the same document', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const watcher = await enter(roomId, 'Watcher', 'participant');
    await teacher.c.request({ openWhiteboard: { open: true } });
    await watcher.board.waitForState((s) => Boolean(s.open));
    const before = watcher.board.received;
    const ids = Array.from({ length: 10 }, (_, i) => `burst-${i}`);
    const answers = await Promise.all(ids.map((id) => teacher.board.draw(id)));
    expect(answers.map(code)).toEqual(ids.map(() => null));
    await watcher.board.waitForElements(ids);
    expect(watcher.board.json()).toEqual(teacher.board.json());
    // The first goes at once; the rest of that moment go together.
    expect(watcher.board.received - before).toBeLessThan(ids.length);
  });

  it('refuses malformed, out-of-place and out-of-order updates without changing the board', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Petrov', 'participant');
    await teacher.c.request({ openWhiteboard: { open: true } });
    await teacher.c.request({ setWhiteboardAccess: { grant: [pupil.id] } });
    expect(code(await teacher.board.draw('keep'))).toBeNull();
    await pupil.board.waitForElements(['keep']);
    const before = await serverBoard(teacher.c);

    const fresh = (run: (d: Y.Doc) => void) => {
      const d = new Y.Doc();
      run(d);
      return Y.encodeStateAsUpdate(d);
    };
    const bad: [string, () => Uint8Array, pb.ErrorCode][] = [
      ['garbage', () => new Uint8Array([9, 9, 9, 9, 200, 1]), E.ERROR_CODE_INVALID_ARGUMENT],
      ['empty', () => new Uint8Array(), E.ERROR_CODE_INVALID_ARGUMENT],
      [
        'unknown root',
        () => pupil.board.change((d) => d.getMap('secrets').set('x', 1)),
        E.ERROR_CODE_WHITEBOARD_NO_RIGHTS,
      ],
      [
        'server-only files',
        () => pupil.board.change((d) => d.getMap(ROOT.files).set('f', { mimeType: 'image/png', size: 1 })),
        E.ERROR_CODE_WHITEBOARD_NO_RIGHTS,
      ],
      [
        'text type',
        () => fresh((d) => d.getText(ROOT.elements).insert(0, 'hi')),
        E.ERROR_CODE_INVALID_ARGUMENT,
      ],
      [
        'nested type',
        () => pupil.board.change((d) => d.getMap(ROOT.elements).set('nested', new Y.Map())),
        E.ERROR_CODE_INVALID_ARGUMENT,
      ],
      [
        'unkeyed value',
        () => fresh((d) => d.getArray(ROOT.elements).insert(0, [1])),
        E.ERROR_CODE_INVALID_ARGUMENT,
      ],
    ];
    for (const [what, make, expected] of bad) {
      await pupil.board.resync();
      expect(code(await pupil.board.send(make())), what).toBe(expected);
    }
    // An update built on a refused one has a gap the server never fills.
    await pupil.board.resync();
    pupil.board.change((d) => d.getMap(ROOT.elements).set('refused', { page: 'p1', el: { id: 'refused' } }));
    const dependent = pupil.board.change((d) =>
      d.getMap(ROOT.elements).set('dependent', { page: 'p1', el: { id: 'dependent' } }),
    );
    expect(code(await pupil.board.send(dependent))).toBe(E.ERROR_CODE_INVALID_ARGUMENT);
    expect(await serverBoard(teacher.c)).toEqual(before);
    // The board still works for everyone.
    await pupil.board.resync();
    expect(code(await pupil.board.draw('fine'))).toBeNull();
    await teacher.board.waitForElements(['fine', 'keep']);
  });

  it('limits: a full board, a flood and a huge update are refused, counted, and change nothing', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Petrov', 'participant');
    await teacher.c.request({ openWhiteboard: { open: true } });
    await teacher.c.request({
      setWhiteboardAccess: { access: pb.WhiteboardAccess.WHITEBOARD_ACCESS_EVERYONE },
    });
    await pupil.board.waitForState((s) => s.access === pb.WhiteboardAccess.WHITEBOARD_ACCESS_EVERYONE);

    // A flood: one pupil sends far more than 10 updates a second (bursts of 20 allowed).
    const fullBefore = await rejectedCount(server, 'rate_limited');
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => pupil.board.draw(`flood-${i}`).then(code)),
    );
    const limited = results.filter((c) => c === E.ERROR_CODE_RATE_LIMITED).length;
    expect(limited).toBeGreaterThan(0);
    expect(await rejectedCount(server, 'rate_limited')).toBeGreaterThanOrEqual(fullBefore + limited);
    await pupil.board.resync();
    const accepted = pupil.board.elementIds().length;
    expect(accepted).toBeLessThanOrEqual(12);
    await teacher.board.waitForElements(pupil.board.elementIds());

    // The board holds 12 elements; the 13th is refused, erasing makes room.
    for (let i = 0; pupil.board.elementIds().length < 12; i++) {
      expect(code(await teacher.board.draw(`fill-${i}`))).toBeNull();
      await pupil.board.waitForElements([...teacher.board.elementIds()]);
    }
    const before = await serverBoard(teacher.c);
    const refused = await rejectedCount(server, 'whiteboard_full');
    expect(code(await teacher.board.draw('one-too-many'))).toBe(E.ERROR_CODE_WHITEBOARD_FULL);
    expect(await rejectedCount(server, 'whiteboard_full')).toBe(refused + 1);
    expect(await serverBoard(teacher.c)).toEqual(before);
    await teacher.board.resync();
    const [first] = teacher.board.elementIds();
    expect(code(await teacher.board.erase(first!))).toBeNull();
    expect(code(await teacher.board.draw('now-fits'))).toBeNull();

    // One update larger than the limit (the frame limit cuts off anything larger still).
    await new Promise((r) => setTimeout(r, 1100));
    const huge = teacher.board.change((d) =>
      d.getMap(ROOT.elements).set('huge', { page: 'p1', el: { id: 'huge', points: 'x'.repeat(58 * 1024) } }),
    );
    expect(code(await teacher.board.send(huge))).toBe(E.ERROR_CODE_INVALID_ARGUMENT);
  });

  it('a host publishes the board as a video track; pupils may not', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Petrov', 'participant');
    const produce = async (p: Person, ssrc: number) => {
      const t = await p.c.request({
        createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_SEND },
      });
      const transportId = t.webrtcTransport!.transportId!;
      await p.c.request({ connectWebrtcTransport: { transportId, dtlsParameters: FAKE_DTLS } });
      return p.c.rawRequest({
        produce: {
          transportId,
          kind: pb.MediaKind.MEDIA_KIND_VIDEO,
          source: pb.MediaSource.MEDIA_SOURCE_WHITEBOARD,
          rtpParameters: {
            codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
            encodings: [{ ssrc }],
          },
        },
      });
    };
    expect(code(await produce(pupil, 4001))).toBe(E.ERROR_CODE_FORBIDDEN);
    const ok = await produce(teacher, 4002);
    expect(code(ok)).toBeNull();
    const added = await pupil.c.waitForEvent((e) => Boolean(e.producerAdded));
    expect(added.producerAdded!.producer!.source).toBe(pb.MediaSource.MEDIA_SOURCE_WHITEBOARD);
  });

  it('relays the teacher’s laser pointer; pupils have none', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Petrov', 'participant');
    expect(code(await teacher.c.rawRequest({ whiteboardPointer: { x: 1, y: 2, laser: true } }))).toBe(
      E.ERROR_CODE_WHITEBOARD_CLOSED,
    );
    await teacher.c.request({ openWhiteboard: { open: true } });
    await teacher.c.request({
      whiteboardPointer: { x: 120.5, y: -40, laser: true, pressed: true, page: 'p1' },
    });
    await pupil.c.waitForEvent((e) => Boolean(e.whiteboardPointer));
    expect(pupil.board.pointers[0]).toMatchObject({
      participantId: teacher.id,
      displayName: 'Teacher',
      x: 120.5,
      y: -40,
      laser: true,
      pressed: true,
    });
    expect(teacher.board.pointers).toHaveLength(0);
    expect(code(await pupil.c.rawRequest({ whiteboardPointer: { x: 1, y: 1, laser: true } }))).toBe(
      E.ERROR_CODE_FORBIDDEN,
    );
    expect(code(await teacher.c.rawRequest({ whiteboardPointer: { x: Number.NaN, y: 0 } }))).toBe(
      E.ERROR_CODE_INVALID_ARGUMENT,
    );
  });

  it('pictures go up in chunks, become part of the board, and come back whole', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Petrov', 'participant');
    await teacher.c.request({ openWhiteboard: { open: true } });
    // A real picture (noise compresses badly: several chunks); the board keeps its pixels encoded anew.
    const data = await sharp({
      create: {
        width: 240,
        height: 160,
        channels: 3,
        background: '#888',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .png()
      .toBuffer();
    expect(data.length).toBeGreaterThan(48 * 1024);
    const fileId = 'worksheet-1';
    const chunk = 48 * 1024;
    for (let offset = 0; offset < data.length; offset += chunk) {
      await teacher.c.request({
        putWhiteboardFile: {
          fileId,
          mimeType: 'image/png',
          totalSize: data.length,
          offset,
          chunk: data.subarray(offset, offset + chunk),
        },
      });
    }
    const end = Date.now() + 5000;
    while (!pupil.board.doc.getMap(ROOT.files).has(fileId) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 10));
    const entry = pupil.board.doc.getMap(ROOT.files).get(fileId) as { mimeType: string; size: number };
    expect(entry.mimeType).toBe('image/png');
    const parts: Uint8Array[] = [];
    for (let offset = 0; offset < data.length; ) {
      const r = await pupil.c.request({ getWhiteboardFile: { fileId, offset } });
      const part = r.whiteboardFile!;
      expect(part.mimeType).toBe('image/png');
      expect(part.totalSize).toBe(entry.size);
      parts.push(part.chunk!);
      offset += part.chunk!.byteLength;
    }
    const whole = Buffer.concat(parts);
    expect(whole.length).toBe(entry.size);
    expect(await sharp(whole).metadata()).toMatchObject({ format: 'png', width: 240, height: 160 });

    // Pupils without rights upload nothing; bad types, sizes and orders are refused.
    const put = (p: Person, req: pb.IPutWhiteboardFileRequest) =>
      p.c.rawRequest({ putWhiteboardFile: req }).then(code);
    const png = { fileId: 'f2', mimeType: 'image/png', totalSize: 10, offset: 0, chunk: new Uint8Array(10) };
    expect(await put(pupil, png)).toBe(E.ERROR_CODE_WHITEBOARD_NO_RIGHTS);
    expect(await put(teacher, { ...png, mimeType: 'text/html' })).toBe(E.ERROR_CODE_INVALID_ARGUMENT);
    expect(await put(teacher, { ...png, fileId: '../etc' })).toBe(E.ERROR_CODE_INVALID_ARGUMENT);
    expect(await put(teacher, { ...png, totalSize: 300 * 1024, chunk: new Uint8Array(10) })).toBe(
      E.ERROR_CODE_WHITEBOARD_FULL,
    );
    expect(await put(teacher, { ...png, totalSize: 20, offset: 10 })).toBe(E.ERROR_CODE_INVALID_ARGUMENT);
    expect(code(await pupil.c.rawRequest({ getWhiteboardFile: { fileId: 'missing', offset: 0 } }))).toBe(
      E.ERROR_CODE_NOT_FOUND,
    );
  });

  it('each breakout room has its own board; returning shows the main board at once', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Petrov', 'participant');
    await teacher.c.request({ openWhiteboard: { open: true } });
    expect(code(await teacher.board.draw('main-1'))).toBeNull();
    await pupil.board.waitForElements(['main-1']);

    await teacher.c.request({ createBreakouts: { count: 1 } });
    await teacher.c.request({
      assignBreakouts: { assignments: [{ participantId: pupil.id, breakoutId: 'b1' }] },
    });
    await teacher.c.request({ openBreakouts: {} });
    // In the breakout room there is no board until a host opens one there.
    await pupil.board.waitForState((s) => s.location === 'b1' && !s.open);
    await teacher.c.request({ moveTo: { breakoutId: 'b1' } });
    await teacher.board.waitForState((s) => s.location === 'b1');
    teacher.board.doc = new Y.Doc();
    await teacher.c.request({ openWhiteboard: { open: true } });
    await teacher.c.request({
      setWhiteboardAccess: { access: pb.WhiteboardAccess.WHITEBOARD_ACCESS_EVERYONE },
    });
    pupil.board.doc = new Y.Doc();
    await pupil.board.waitForState((s) => s.location === 'b1' && Boolean(s.open));
    expect(code(await pupil.board.draw('group-work'))).toBeNull();
    await teacher.board.waitForElements(['group-work']);

    await teacher.c.request({ closeBreakouts: {} });
    await pupil.board.waitForState((s) => s.location === '' && Boolean(s.open));
    await pupil.board.waitForElements(['main-1']);
    // The main board's rights are its own: hosts only.
    expect(code(await pupil.board.draw('x'))).toBe(E.ERROR_CODE_WHITEBOARD_NO_RIGHTS);
  });

  it('when the lesson ends its boards are saved for its hosts to download', async () => {
    const roomId = await newRoom();
    const teacher = await enter(roomId, 'Teacher', 'host');
    const pupil = await enter(roomId, 'Petrov', 'participant');
    await teacher.c.request({ openWhiteboard: { open: true } });
    expect(code(await teacher.board.draw('proof'))).toBeNull();
    const drawn = teacher.board.json();
    await teacher.c.request({ endCall: {} });

    const list = async (token: string) =>
      fetch(`${server.httpUrl}/api/rooms/${roomId}/whiteboards`, {
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await list(pupil.token)).status).toBe(401);
    expect((await list('nonsense')).status).toBe(401);
    let lessons: { id: string; boards: { location: string }[] }[] = [];
    const end = Date.now() + 5000;
    while (lessons.length === 0 && Date.now() < end) {
      const res = await list(teacher.token);
      expect(res.status).toBe(200);
      lessons = ((await res.json()) as { lessons: typeof lessons }).lessons;
    }
    expect(lessons).toHaveLength(1);
    expect(lessons[0]!.boards).toEqual([{ location: '', name: '' }]);
    const res = await fetch(`${server.httpUrl}/api/rooms/${roomId}/whiteboards/${lessons[0]!.id}`, {
      headers: { authorization: `Bearer ${teacher.token}` },
    });
    expect(res.status).toBe(200);
    const saved = pb.SavedLesson.decode(new Uint8Array(await res.arrayBuffer()));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, saved.boards[0]!.update!);
    expect(doc.getMap(ROOT.elements).toJSON()).toEqual((drawn as { elements: unknown }).elements);

    // The next lesson starts with a clean board.
    const again = await enter(roomId, 'Teacher', 'host');
    await again.c.request({ openWhiteboard: { open: true } });
    expect((await serverBoard(again.c)).elements).toEqual({});
  });
});
