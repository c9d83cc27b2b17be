// With REDIS_URL the boards of a running lesson are in Redis: a restarted
// server goes on with the same board (content, pictures, who may draw, a presented document), and
// a lesson's saved boards can be downloaded from any host afterwards.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOT } from '../../common/whiteboard/model.js';
import { joinWithBoard } from '../helpers/boardPeer.js';
import { type TestClient, pb } from '../helpers/protocolClient.js';
import { type TestRedis, startRedis } from '../helpers/redis.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let redis: TestRedis;
const servers: TestServer[] = [];
const clients: TestClient[] = [];
const secrets = { ADMIN_SECRET: 'a'.repeat(40), TOKEN_SECRET: 't'.repeat(40) };

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.close().catch(() => undefined);
  await redis?.stop();
});

async function start(): Promise<TestServer> {
  const s = await startTestServer({
    ...secrets,
    REDIS_URL: redis.url,
    WHITEBOARD_UPDATES_PER_SECOND: '1000',
    WHITEBOARD_UPDATE_BYTES_PER_SECOND: String(16 * 1024 * 1024),
  });
  servers.push(s);
  return s;
}

async function stop(s: TestServer): Promise<void> {
  await s.close();
  servers.splice(servers.indexOf(s), 1);
}

function enter(s: TestServer, roomId: string, name: string, role: string) {
  return joinWithBoard(s, clients, roomId, name, role);
}

describe('whiteboards in Redis', () => {
  it('survive a server restart mid-lesson, and saved lessons outlive it', async () => {
    let server = await start();
    const created = await fetch(`${server.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: server.adminHeaders,
      body: JSON.stringify({ id: 'algebra-8', title: 'Algebra 8', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    const teacher = await enter(server, 'algebra-8', 'Teacher', 'host');
    const pupil = await enter(server, 'algebra-8', 'Petrov', 'participant');
    await teacher.c.request({ openWhiteboard: { open: true } });
    await teacher.c.request({ setWhiteboardAccess: { grant: [pupil.id] } });
    // Enough long strokes that the stored log is folded into a snapshot at least once (every 1 MiB).
    for (let i = 0; i < 30; i++) {
      const r = await teacher.board.draw(`s${i % 8}`, 'p1', {
        version: i,
        points: `${i}:${'x'.repeat(40_000)}`,
      });
      expect(r.error ?? null).toBeNull();
    }
    expect((await pupil.board.draw('answer')).error ?? null).toBeNull();
    const picture = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a6' } })
      .jpeg()
      .toBuffer();
    await teacher.c.request({
      putWhiteboardFile: {
        fileId: 'photo',
        mimeType: 'image/jpeg',
        totalSize: picture.length,
        offset: 0,
        chunk: picture,
      },
    });
    await teacher.board.waitForElements(['answer', ...Array.from({ length: 8 }, (_, i) => `s${i}`)]);
    const end = Date.now() + 5000;
    while (!teacher.board.doc.getMap(ROOT.files).has('photo') && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const before = teacher.board.json();
    // A document presented from the board's pictures (presentation.proto) is part of what is kept.
    await teacher.c.request({ presentDocument: { title: 'Фото.jpg', pages: ['photo'] } });
    // What the board keeps is the picture encoded anew (common/pictures.ts), not the bytes sent.
    const stored = (await teacher.c.request({ getWhiteboardFile: { fileId: 'photo', offset: 0 } }))
      .whiteboardFile!.chunk!;

    await stop(server);
    server = await start();
    const back = await enter(server, 'algebra-8', 'Petrov', 'participant');
    await back.board.waitForElements(Object.keys((before as { elements: object }).elements));
    expect(back.board.json()).toEqual(before);
    expect(back.board.state).toMatchObject({
      open: true,
      access: pb.WhiteboardAccess.WHITEBOARD_ACCESS_NAMED,
    });
    // Still called to the board after the restart, by user.
    expect(back.board.state?.named).toEqual([back.id]);
    expect((await back.board.draw('after-restart')).error ?? null).toBeNull();
    const file = await back.c.request({ getWhiteboardFile: { fileId: 'photo', offset: 0 } });
    expect(Buffer.from(file.whiteboardFile!.chunk!).equals(Buffer.from(stored))).toBe(true);
    const shown = await back.c.waitForEvent((e) => (e.presentedDocument?.pages ?? []).length > 0);
    expect(shown.presentedDocument).toMatchObject({ title: 'Фото.jpg', pages: ['photo'], page: 1 });

    // The lesson ends; its board can be downloaded after another restart.
    const host = await enter(server, 'algebra-8', 'Teacher', 'host');
    await host.board.waitForElements([...back.board.elementIds()]);
    await host.c.request({ endCall: {} });
    // Saving happens after the call ended: wait until this server lists it, then restart.
    const listed = async () =>
      (
        (await (
          await fetch(`${server.httpUrl}/api/rooms/algebra-8/whiteboards`, { headers: server.adminHeaders })
        ).json()) as { lessons: unknown[] }
      ).lessons.length;
    const saveBy = Date.now() + 10_000;
    while ((await listed()) === 0 && Date.now() < saveBy) await new Promise((r) => setTimeout(r, 20));
    await stop(server);
    server = await start();
    const res = await fetch(`${server.httpUrl}/api/rooms/algebra-8/whiteboards`, {
      headers: { authorization: `Bearer ${host.token}` },
    });
    const { lessons } = (await res.json()) as { lessons: { id: string }[] };
    expect(lessons).toHaveLength(1);
    const saved = pb.SavedLesson.decode(
      new Uint8Array(
        await (
          await fetch(`${server.httpUrl}/api/rooms/algebra-8/whiteboards/${lessons[0]!.id}`, {
            headers: server.adminHeaders,
          })
        ).arrayBuffer(),
      ),
    );
    const doc = new Y.Doc();
    Y.applyUpdate(doc, saved.boards[0]!.update!);
    expect([...doc.getMap(ROOT.elements).keys()].sort()).toEqual(back.board.elementIds());
    expect(saved.boards[0]!.files!.map((f) => f.fileId)).toEqual(['photo']);
    // A new lesson starts with a clean board.
    const next = await enter(server, 'algebra-8', 'Teacher', 'host');
    const sync = await next.c.request({ whiteboardSync: { stateVector: new Uint8Array() } });
    expect(sync.whiteboardSync?.state?.open).toBe(false);
    expect(sync.whiteboardSync?.update?.byteLength ?? 0).toBe(0);
  });
});
