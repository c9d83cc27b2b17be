// Low finding of #21: a 256-megapixel PNG and an SVG declared PNG were
// accepted as whiteboard pictures (every browser in the lesson then decodes
// them). The board keeps only raster pictures, bounded, encoded anew from
// their pixels (common/pictures.ts).
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../common/whiteboard/model.js';
import { joinWithBoard } from '../helpers/boardPeer.js';
import { type TestClient, pb } from '../helpers/protocolClient.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

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

async function teacherWithBoard(roomId: string) {
  await createRoomWithToken(server, roomId, []);
  const teacher = await joinWithBoard(server, clients, roomId, 'Teacher', 'host');
  await teacher.c.request({ openWhiteboard: { open: true } });
  return teacher;
}

/** Sends a whole picture in chunks; the last answer's error code, or null. */
async function put(c: TestClient, fileId: string, mimeType: string, data: Buffer): Promise<number | null> {
  let last: pb.Response | null = null;
  for (let offset = 0; offset < data.length; offset += 48 * 1024) {
    last = await c.rawRequest({
      putWhiteboardFile: {
        fileId,
        mimeType,
        totalSize: data.length,
        offset,
        chunk: data.subarray(offset, offset + 48 * 1024),
      },
    });
    if (last.error) break;
  }
  return last?.error?.code ?? null;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  // libvips reads the header without checking CRCs; zeros do.
  return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
}

describe('whiteboard pictures', () => {
  it('an SVG declared PNG and a 256-megapixel PNG are refused; nothing reaches the board', async () => {
    const teacher = await teacherWithBoard('board-pictures-1');
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="file:///etc/passwd"/></svg>',
    );
    expect(await put(teacher.c, 'svg-as-png', 'image/png', svg)).toBe(
      pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(16_000, 0);
    ihdr.writeUInt32BE(16_000, 4);
    ihdr.writeUInt8(8, 8);
    const huge = Buffer.concat([
      Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(Buffer.alloc(16_001))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    expect(await put(teacher.c, 'huge', 'image/png', huge)).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(teacher.board.doc.getMap(ROOT.files).size).toBe(0);
  });

  it('a real picture is kept as its pixels encoded anew, metadata dropped', async () => {
    const teacher = await teacherWithBoard('board-pictures-2');
    const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#1e90ff' } })
      .withMetadata({ exif: { IFD0: { Copyright: 'школа 7, ученица Иванова' } } })
      .jpeg()
      .toBuffer();
    expect(await put(teacher.c, 'photo', 'image/jpeg', photo)).toBeNull();
    const part = (await teacher.c.request({ getWhiteboardFile: { fileId: 'photo', offset: 0 } }))
      .whiteboardFile!;
    const kept = Buffer.from(part.chunk!);
    expect(kept.equals(photo)).toBe(false);
    const meta = await sharp(kept).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 300, height: 200 });
    expect(meta.exif).toBeUndefined();
  });
});
