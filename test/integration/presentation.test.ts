// A document presented in a call, over the real protocol: a host uploads its
// pages as board pictures (while the board is closed), presents and turns
// them; everyone at the place is told; a pupil who tries to turn, present or
// stop gets FORBIDDEN, counted, and the page stays; a late joiner is greeted
// with the page shown now.
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type TestClient, pb } from '../helpers/protocolClient.js';
import { enterRoom } from '../helpers/rooms.js';
import { rejectedCount } from '../helpers/serverState.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

const E = pb.ErrorCode;
let server: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await server.close();
});

async function newRoom(id: string): Promise<string> {
  const res = await fetch(`${server.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: server.adminHeaders,
    body: JSON.stringify({ id, title: 'Physics 8', settings: { waitingRoom: 'off' } }),
  });
  expect(res.status).toBe(201);
  return id;
}

async function upload(c: TestClient, fileId: string, shade: number): Promise<pb.Response> {
  const png = await sharp({
    create: { width: 60, height: 80, channels: 3, background: { r: shade, g: 200, b: 255 - shade } },
  })
    .png()
    .toBuffer();
  return c.rawRequest({
    putWhiteboardFile: {
      fileId,
      mimeType: 'image/png',
      totalSize: png.byteLength,
      offset: 0,
      chunk: new Uint8Array(png),
    },
  });
}

const code = (r: pb.Response) => r.error?.code ?? null;
const shownPage = (c: TestClient, page: number) =>
  c.waitForEvent(
    (e) => (e.presentedDocument?.page ?? 0) === page && (e.presentedDocument?.pages ?? []).length > 0,
  );

describe('presented documents', () => {
  it('only hosts turn pages; a pupil is refused and counted, the page stays; a late joiner sees the page shown', async () => {
    const roomId = await newRoom('present-1');
    const teacher = await enterRoom(server, roomId, 'Teacher', 'host', { clients });
    const pupil = await enterRoom(server, roomId, 'Petrov', 'participant', { clients });

    // A pupil may not put pictures on a closed board, a host may (the pages of a document).
    expect(code(await upload(pupil.c, 'p-x', 10))).toBe(E.ERROR_CODE_WHITEBOARD_CLOSED);
    for (const [i, id] of ['p-1', 'p-2', 'p-3'].entries()) {
      expect(code(await upload(teacher.c, id, 60 * i))).toBeNull();
    }
    // Only pictures the server has can be shown.
    expect(
      code(await teacher.c.rawRequest({ presentDocument: { title: 'Оптика.pdf', pages: ['p-1', 'nope'] } })),
    ).toBe(E.ERROR_CODE_NOT_FOUND);
    expect(code(await pupil.c.rawRequest({ presentDocument: { title: 'x.pdf', pages: ['p-1'] } }))).toBe(
      E.ERROR_CODE_FORBIDDEN,
    );

    await teacher.c.request({ presentDocument: { title: 'Оптика.pdf', pages: ['p-1', 'p-2', 'p-3'] } });
    const first = (await shownPage(pupil.c, 1)).presentedDocument!;
    expect(first).toMatchObject({
      title: 'Оптика.pdf',
      pages: ['p-1', 'p-2', 'p-3'],
      presentedBy: teacher.id,
    });

    await teacher.c.request({ turnDocumentPage: { page: 2 } });
    await shownPage(pupil.c, 2);

    const refusedBefore = await rejectedCount(server, 'forbidden');
    const seenBefore = pupil.c.events.filter((e) => e.presentedDocument).length;
    expect(code(await pupil.c.rawRequest({ turnDocumentPage: { page: 3 } }))).toBe(E.ERROR_CODE_FORBIDDEN);
    expect(code(await pupil.c.rawRequest({ stopPresenting: {} }))).toBe(E.ERROR_CODE_FORBIDDEN);
    expect(await rejectedCount(server, 'forbidden')).toBe(refusedBefore + 2);
    expect(code(await teacher.c.rawRequest({ turnDocumentPage: { page: 4 } }))).toBe(
      E.ERROR_CODE_INVALID_ARGUMENT,
    );

    // Nothing changed: a late joiner is greeted with page 2, and nobody was told of another page.
    const late = await enterRoom(server, roomId, 'Sidorova', 'participant', { clients });
    const greeted = (await shownPage(late.c, 2)).presentedDocument!;
    expect(greeted).toMatchObject({ pages: ['p-1', 'p-2', 'p-3'], page: 2, title: 'Оптика.pdf' });
    expect(pupil.c.events.filter((e) => e.presentedDocument).length).toBe(seenBefore);

    // The late joiner fetches the page shown.
    const part = (await late.c.request({ getWhiteboardFile: { fileId: 'p-2', offset: 0 } })).whiteboardFile!;
    expect(part.totalSize).toBeGreaterThan(0);

    // Stopping tells everyone: no pages.
    await teacher.c.request({ stopPresenting: {} });
    await late.c.waitForEvent(
      (e) => Boolean(e.presentedDocument) && e.presentedDocument!.pages!.length === 0,
    );
  });
});
