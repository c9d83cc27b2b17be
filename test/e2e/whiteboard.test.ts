// The whiteboard in two (and three) real browsers: a teacher on a laptop
// opens the board and draws with Excalidraw's tools; a pupil on a phone sees
// the same document and a drawn canvas, cannot draw until called to the
// board, then draws and the teacher sees it; a late joiner gets the board at
// once; the teacher's board goes out as video for recordings. Nothing is
// fetched from outside the server.
import { createSocket } from 'node:dgram';
import { isDeepStrictEqual } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Room } from '../../signaling/domain/room.js';
import { MAIN } from '../../signaling/domain/roomDefinition.js';
import {
  boardElements,
  boardInk,
  drawWith,
  inkPoints,
  inkedPixels,
  openBoardPanel,
  penDown,
  sceneCount,
  scenePoints,
  waitForAllInView,
  waitForBoard,
  waitForElementIds,
} from '../helpers/boardPage.js';
import { launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, layoutReport, screenshot, waitFor } from '../helpers/callPage.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let browser: Browser;
const outside: string[] = [];

function watchRequests(page: Page): void {
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(url.hostname) && !['data:', 'blob:'].includes(url.protocol)) {
      outside.push(r.url());
    }
  });
}

async function join(url: string, device: 'laptop' | 'phone' = 'laptop'): Promise<Page> {
  const page = await enterCall(browser, url.replace(server.config.publicUrl, server.httpUrl), device);
  watchRequests(page);
  return page;
}

function boardVideo(room: Room) {
  return [...room.producers(MAIN)].find((p) => p.source === 'whiteboard');
}

/** Counts RTP bytes and frames (distinct timestamps) sent to a local UDP port. */
async function rtpCounter() {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const seen = { bytes: 0, frames: new Set<number>() };
  socket.on('message', (m) => {
    const type = m[1]! & 0x7f;
    if (m.length < 12 || (type >= 72 && type <= 76)) return; // RTCP
    seen.bytes += m.length;
    seen.frames.add(m.readUInt32BE(4));
  });
  return { port: socket.address().port, seen, close: () => socket.close() };
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});

afterEach(() => closePages());

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('whiteboard in the browser', () => {
  it('the teacher draws, the pupil’s board shows the same; the pupil draws once called to the board', async () => {
    const [teacher, pupil] = await createRoomWithToken(server, 'wb-e2e-1', [
      { displayName: 'Анна Петровна', role: 'host', userId: 'teacher-1' },
      { displayName: 'Петров Иван', role: 'participant', userId: 'pupil-1' },
    ]);
    const host = await join(teacher!.joinUrl);
    const kid = await join(pupil!.joinUrl, 'phone');

    await openBoardPanel(host);
    await host.locator('#board-toggle').click();
    await Promise.all([waitForBoard(host), waitForBoard(kid)]);

    await drawWith(host, 'rectangle', { x: 300, y: 200 }, { x: 470, y: 320 });
    await drawWith(host, 'ellipse', { x: 520, y: 200 }, { x: 640, y: 300 });
    await waitFor(async () => Object.keys(await boardElements(host)).length === 2, 10_000, 'two shapes');
    const drawn = await boardElements(host);
    await waitForElementIds(kid, Object.keys(drawn));
    expect(await boardElements(kid)).toEqual(drawn);
    expect(
      Object.values(drawn)
        .map((e) => e.el.type)
        .sort(),
    ).toEqual(['ellipse', 'rectangle']);
    await waitFor(async () => (await sceneCount(kid)) === 2, 10_000, 'two shapes in the pupil’s scene');
    // The pupil only watches: their view follows the drawing onto the small screen.
    await waitForAllInView(kid);
    await waitFor(async () => (await inkedPixels(kid)) > 200, 10_000, 'ink on the pupil’s canvas');
    await screenshot(host, 'whiteboard-teacher-laptop');
    await screenshot(kid, 'whiteboard-pupil-phone-watching');

    // Without rights the pupil's board has no drawing tools, and dragging changes nothing.
    expect(await kid.locator('#board [data-testid="toolbar-rectangle"]').count()).toBe(0);
    const canvas = await kid.locator('#board canvas.excalidraw__canvas.interactive').boundingBox();
    await kid.mouse.move(canvas!.x + 40, canvas!.y + 40);
    await kid.mouse.down();
    await kid.mouse.move(canvas!.x + 140, canvas!.y + 140);
    await kid.mouse.up();
    expect(Object.keys(await boardElements(kid)).sort()).toEqual(Object.keys(drawn).sort());

    // "To the board, Petrov."
    await host
      .locator('#board-pupils li', { hasText: 'Петров Иван' })
      .locator('[data-board-call="call"]')
      .click();
    await kid.locator('#board-who.may-draw').waitFor({ timeout: 10_000 });
    await kid.locator('#board [data-testid="toolbar-freedraw"]').first().waitFor({ timeout: 10_000 });
    // The pupil draws slowly; the teacher sees the stroke grow before the pen is lifted.
    const pen = await penDown(kid, 'freedraw', { x: 60, y: 120 });
    let at = 0;
    const drawOn = async (moves: number) => {
      for (let i = 0; i < moves; i++, at++) {
        await pen.to({ x: 60 + at * 8, y: 120 + at * 5 + (at % 3) * 4 });
        await kid.waitForTimeout(40);
      }
    };
    await drawOn(8);
    await waitFor(
      async () => Object.keys(await boardElements(host)).length === 3,
      10_000,
      'the pupil’s stroke while it is drawn',
    );
    const strokeId = Object.keys(await boardElements(host)).find((id) => !(id in drawn))!;
    await waitFor(
      async () => (await scenePoints(host, strokeId)) > 1,
      10_000,
      'the stroke on the teacher’s canvas',
    );
    const midway = await scenePoints(host, strokeId);
    await drawOn(8);
    await waitFor(
      async () => (await scenePoints(host, strokeId)) > midway,
      10_000,
      'the stroke growing on the teacher’s canvas, the pen still down',
    );
    await screenshot(host, 'whiteboard-teacher-sees-stroke-being-drawn');
    await pen.up();
    // A stroke arrives as several updates (it grows while drawn): wait for the last.
    await waitFor(
      async () => isDeepStrictEqual(await boardElements(host), await boardElements(kid)),
      10_000,
      'the same stroke on both boards',
    );
    // Its points are in the document once: the chunks of ink add up to the stroke, on both sides.
    const drawnPoints = await scenePoints(kid, strokeId);
    expect(drawnPoints).toBeGreaterThan(10);
    await waitFor(
      async () => inkPoints(await boardInk(host), strokeId) === drawnPoints,
      10_000,
      'every point of the stroke in the teacher’s document',
    );
    expect(inkPoints(await boardInk(kid), strokeId)).toBe(drawnPoints);
    expect(await boardInk(host)).toEqual(await boardInk(kid));
    await waitFor(
      async () => (await scenePoints(host, strokeId)) === drawnPoints,
      10_000,
      'the whole stroke drawn',
    );
    await screenshot(kid, 'whiteboard-pupil-phone-drawing');
    const report = await layoutReport(kid, ['Excalidraw']);
    expect(report.overflowX).toBe(0);
    expect(report.controlsInView).toBe(true);

    // Back to your seat: the tools go away again.
    await host
      .locator('#board-pupils li', { hasText: 'Петров Иван' })
      .locator('[data-board-call="dismiss"]')
      .click();
    await kid.locator('#board-who:not(.may-draw)').waitFor({ timeout: 10_000 });
    expect(outside).toEqual([]);
  });

  it('a late joiner gets the board at once', async () => {
    const [teacher, pupil] = await createRoomWithToken(server, 'wb-e2e-2', [
      { displayName: 'Анна Петровна', role: 'host', userId: 'teacher-2' },
      { displayName: 'Сидорова Мария', role: 'participant', userId: 'pupil-2' },
    ]);
    const host = await join(teacher!.joinUrl);
    await openBoardPanel(host);
    await host.locator('#board-toggle').click();
    await waitForBoard(host);
    await drawWith(host, 'rectangle', { x: 300, y: 200 }, { x: 450, y: 300 });
    await drawWith(host, 'arrow', { x: 480, y: 250 }, { x: 640, y: 250 });
    await waitFor(async () => Object.keys(await boardElements(host)).length === 2, 10_000, 'two shapes');

    const late = await join(pupil!.joinUrl);
    await waitForBoard(late);
    await waitForElementIds(late, Object.keys(await boardElements(host)));
    expect(await boardElements(late)).toEqual(await boardElements(host));
    await waitFor(async () => (await inkedPixels(late)) > 200, 10_000, 'ink on the late joiner’s canvas');
    await screenshot(late, 'whiteboard-late-joiner-laptop');
    expect(outside).toEqual([]);
  });

  it('the teacher’s open board goes out as video, as a recording takes it', async () => {
    const [teacher] = await createRoomWithToken(server, 'wb-e2e-3', [
      { displayName: 'Анна Петровна', role: 'host', userId: 'teacher-3' },
    ]);
    const host = await join(teacher!.joinUrl);
    await openBoardPanel(host);
    await host.locator('#board-toggle').click();
    await waitForBoard(host);
    const room = (await server.registry.find('wb-e2e-3'))!;
    await waitFor(async () => boardVideo(room) !== undefined, 15_000, 'the board’s video producer');
    const entry = boardVideo(room)!;
    expect(entry.peer.identity.userId).toBe('teacher-3');
    expect(entry.producer.kind).toBe('video');

    // As a recorder does: plain RTP out of the room's router.
    const media = room.mediaAt(MAIN)!;
    const rtp = await rtpCounter();
    const transport = await media.createPlainTransport('recv', { listenIp: '127.0.0.1' });
    try {
      await transport.connect({ ip: '127.0.0.1', port: rtp.port });
      const caps = media.router.rtpCapabilities;
      expect(await media.prepareConsume(transport.id, entry.producer.id, caps)).toBe(true);
      await transport.consume({ producerId: entry.producer.id, rtpCapabilities: caps });
      await drawWith(host, 'rectangle', { x: 300, y: 200 }, { x: 470, y: 320 });
      await drawWith(host, 'ellipse', { x: 520, y: 200 }, { x: 640, y: 300 });
      await waitFor(
        async () => rtp.seen.bytes > 20_000 && rtp.seen.frames.size > 10,
        20_000,
        'frames of the board on the recorder’s port',
      );
      const before = rtp.seen.frames.size;
      await drawWith(host, 'freedraw', { x: 100, y: 100 }, { x: 250, y: 180 });
      await waitFor(
        async () => rtp.seen.frames.size > before + 5,
        10_000,
        'more frames as the teacher draws',
      );

      // Closing the board stops the video.
      await host.locator('#board-toggle').click();
      await waitFor(async () => boardVideo(room) === undefined, 10_000, 'the board’s video gone');
    } finally {
      transport.close();
      rtp.close();
    }
  });
});
