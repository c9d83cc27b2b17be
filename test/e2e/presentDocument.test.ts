// A document presented in the call, in real browsers: a teacher on a laptop
// presses «Показать документ», picks a 3-page PDF (made here with jsPDF, each
// page a different colour), turns to page 2; a pupil on a phone sees page 2
// (its pixels) and has no page-turn controls; the teacher's page goes out as
// video for recordings and broadcasts (consumed over plain RTP, as the
// recorder does); «Закончить показ» gives the stage back. And the lesson's
// recording (started from «Запись и трансляция») shows the page the teacher
// turned to, not the teacher's camera.
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsPDF } from 'jspdf';
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAIN } from '../../signaling/domain/roomDefinition.js';
import { launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, screenshot, waitFor } from '../helpers/callPage.js';
import { frameColours, probe, saveFrame } from '../helpers/recordedRoom.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let browser: Browser;

const COLOURS: [number, number, number][] = [
  [220, 30, 30],
  [30, 170, 60],
  [30, 60, 220],
];

function threePagePdf(): Buffer {
  const doc = new jsPDF();
  COLOURS.forEach(([r, g, b], i) => {
    if (i > 0) doc.addPage();
    doc.setFillColor(r, g, b);
    doc.rect(20, 40, 170, 200, 'F');
    doc.setFontSize(40);
    doc.text(`Страница ${i + 1}`.replace('Страница', 'Page'), 20, 25);
  });
  return Buffer.from(doc.output('arraybuffer'));
}

/** The colour in the middle of the page shown, as this person's browser draws it. */
function pageColour(page: Page): Promise<[number, number, number] | null> {
  return page.evaluate(() => {
    const img = document.querySelector<HTMLImageElement>('#document-page');
    if (!img?.complete || !img.naturalWidth) return null;
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(Math.floor(c.width / 2), Math.floor(c.height / 2), 1, 1).data;
    return [d[0]!, d[1]!, d[2]!] as [number, number, number];
  });
}

const near = (a: [number, number, number] | null, b: [number, number, number]) =>
  Boolean(a?.every((v, i) => Math.abs(v - b[i]!) < 40));

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

describe('a document presented in the call', () => {
  it('the teacher shows page 2 of a PDF; the pupil on a phone sees page 2 without controls', async () => {
    const [teacher, pupil, coHost] = await createRoomWithToken(server, 'doc-e2e-1', [
      { displayName: 'Анна Петровна', role: 'host', userId: 'teacher-1' },
      { displayName: 'Петров Иван', role: 'participant', userId: 'pupil-1' },
      { displayName: 'Ольга Сергеевна', role: 'co-host', userId: 'teacher-2' },
    ]);
    const host = await enterCall(browser, teacher!.joinUrl.replace(server.config.publicUrl, server.httpUrl));
    const kid = await enterCall(
      browser,
      pupil!.joinUrl.replace(server.config.publicUrl, server.httpUrl),
      'phone',
    );
    // A pupil has no way to present.
    await kid.locator('#more').click();
    await expect(kid.getByRole('menuitem', { name: 'Показать документ' }).count()).resolves.toBe(0);
    await kid.keyboard.press('Escape');

    const [chooser] = await Promise.all([
      host.waitForEvent('filechooser'),
      host.getByRole('button', { name: 'Показать документ' }).click(),
    ]);
    await chooser.setFiles({ name: 'Оптика.pdf', mimeType: 'application/pdf', buffer: threePagePdf() });

    await host.locator('#document-page').waitFor({ timeout: 30_000 });
    await expect(host.locator('#document-page-number').textContent()).resolves.toBe('Страница 1 из 3');
    // The "preparing" toast goes once the page is shown.
    await waitFor(
      async () => (await host.getByText('Готовим документ к показу…').count()) === 0,
      5000,
      'the preparing toast to go',
    );
    await waitFor(async () => near(await pageColour(kid), COLOURS[0]!), 15_000, 'page 1 on the phone');

    await host.getByRole('button', { name: 'Следующая страница' }).click();
    await waitFor(
      async () => (await host.locator('#document-page-number').textContent()) === 'Страница 2 из 3',
      10_000,
      'page 2 for the teacher',
    );
    await waitFor(async () => near(await pageColour(kid), COLOURS[1]!), 15_000, 'page 2 on the phone');
    expect(near(await pageColour(host), COLOURS[1]!)).toBe(true);

    // The pupil sees the page only.
    for (const id of ['#document-prev', '#document-next', '#document-stop', '#document-page-number']) {
      expect(await kid.locator(id).count()).toBe(0);
    }
    await screenshot(host, 'document-teacher-laptop');
    await screenshot(kid, 'document-pupil-phone');

    // A co-host on a phone: «⋯» offers «Показать документ», and the stage has the page controls.
    const second = await enterCall(
      browser,
      coHost!.joinUrl.replace(server.config.publicUrl, server.httpUrl),
      'phone',
    );
    await waitFor(
      async () => near(await pageColour(second), COLOURS[1]!),
      15_000,
      'page 2 on the co-host’s phone',
    );
    await expect(second.locator('#document-page-number').textContent()).resolves.toBe('Страница 2 из 3');
    await expect(second.getByRole('button', { name: 'Закончить показ' }).isVisible()).resolves.toBe(true);
    await screenshot(second, 'document-cohost-phone');
    await second.locator('#more').click();
    await expect(second.getByRole('menuitem', { name: 'Показать документ' }).isVisible()).resolves.toBe(true);
    await second.keyboard.press('Escape');
    // The co-host turns the page too; everyone follows.
    await second.getByRole('button', { name: 'Предыдущая страница' }).click();
    await waitFor(async () => near(await pageColour(kid), COLOURS[0]!), 15_000, 'page 1 again on the phone');
    await second.getByRole('button', { name: 'Следующая страница' }).click();
    await waitFor(async () => near(await pageColour(kid), COLOURS[1]!), 15_000, 'page 2 again on the phone');

    // The teacher's page goes out as video, as a recorder takes it: plain RTP out of the room's router.
    const room = (await server.registry.find('doc-e2e-1'))!;
    const documentVideo = () => [...room.producers(MAIN)].find((p) => p.source === 'document');
    await waitFor(async () => documentVideo() !== undefined, 15_000, 'the document’s video producer');
    const entry = documentVideo()!;
    expect(entry.peer.identity.userId).toBe('teacher-1');
    const media = room.mediaAt(MAIN)!;
    const rtp = await rtpCounter();
    const transport = await media.createPlainTransport('recv', { listenIp: '127.0.0.1' });
    try {
      await transport.connect({ ip: '127.0.0.1', port: rtp.port });
      const caps = media.router.rtpCapabilities;
      expect(await media.prepareConsume(transport.id, entry.producer.id, caps)).toBe(true);
      await transport.consume({ producerId: entry.producer.id, rtpCapabilities: caps });
      await waitFor(
        async () => rtp.seen.bytes > 5_000 && rtp.seen.frames.size > 3,
        20_000,
        'frames of the page on the recorder’s port',
      );
    } finally {
      transport.close();
      rtp.close();
    }

    // «Закончить показ»: the stage goes back to the people, the video stops.
    await host.getByRole('button', { name: 'Закончить показ' }).click();
    await kid.locator('#document').waitFor({ state: 'detached', timeout: 10_000 });
    await waitFor(async () => documentVideo() === undefined, 10_000, 'the document’s video gone');
  }, 180_000);

  it('the recording shows the page the teacher turned to', async () => {
    const [teacher] = await createRoomWithToken(server, 'doc-e2e-rec', [
      { displayName: 'Анна Петровна', role: 'host', userId: 'teacher-rec' },
    ]);
    const host = await enterCall(browser, teacher!.joinUrl.replace(server.config.publicUrl, server.httpUrl));
    const [chooser] = await Promise.all([
      host.waitForEvent('filechooser'),
      host.getByRole('button', { name: 'Показать документ' }).click(),
    ]);
    await chooser.setFiles({ name: 'Оптика.pdf', mimeType: 'application/pdf', buffer: threePagePdf() });
    await host.locator('#document-page').waitFor({ timeout: 30_000 });

    await host.getByRole('button', { name: /^Ещё/ }).click();
    await host.getByRole('menuitem', { name: 'Запись и трансляция' }).click();
    await host.getByRole('button', { name: 'Начать запись' }).click();
    await host.locator('#recording-badge').waitFor({ timeout: 30_000 });
    await host.waitForTimeout(5000);
    // Page 1 (red) for a while, then page 3 (blue).
    for (let i = 0; i < 2; i++) await host.getByRole('button', { name: 'Следующая страница' }).click();
    await waitFor(
      async () => (await host.locator('#document-page-number').textContent()) === 'Страница 3 из 3',
      10_000,
      'page 3 for the teacher',
    );
    await host.waitForTimeout(5000);
    await host.getByRole('button', { name: 'Остановить запись' }).click();
    await host.locator('#recording-badge').waitFor({ state: 'detached', timeout: 30_000 });
    await host
      .locator('.recording-item')
      .getByRole('button', { name: 'Скачать' })
      .waitFor({ timeout: 90_000 });

    const listed = await fetch(`${server.httpUrl}/api/rooms/doc-e2e-rec/recordings`, {
      headers: server.adminHeaders,
    });
    const [recording] = ((await listed.json()) as { recordings: { id: string }[] }).recordings;
    const whole = await fetch(`${server.httpUrl}/api/recordings/${recording!.id}/file`, {
      headers: server.adminHeaders,
    });
    expect(whole.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'doc-recording-'));
    try {
      const file = join(dir, 'lesson.mp4');
      writeFileSync(file, Buffer.from(await whole.arrayBuffer()));
      const { duration, codecs } = probe(file);
      expect(codecs).toContain('h264');
      expect(duration).toBeGreaterThan(8);
      // The middle of the frame, four times a second: page 1 (red), page 2 (green) in passing while
      // the teacher turns on, then page 3 (blue) to the end; the teacher's camera (Chromium's fake
      // one is green too) never takes the frame for longer than the turn.
      const isRed = ([r, g, b]: number[]) => r! > 120 && r! > 2 * b! && r! > 2 * g!;
      const isBlue = ([r, g, b]: number[]) => b! > 120 && b! > 2 * r!;
      const isGreen = ([r, g, b]: number[]) => g! > 120 && g! > 1.5 * r! && g! > 1.5 * b!;
      const seen = frameColours(file, 4)
        .map((c) => (isRed(c) ? 'R' : isBlue(c) ? 'B' : isGreen(c) ? 'G' : '.'))
        .join('');
      console.log(`recording of a presented document, picture every 0.25 s: ${seen}`);
      expect(seen.slice(seen.indexOf('R'))).toMatch(/^R{8,}G{0,8}B{8,}\.{0,4}$/);
      saveFrame(file, (seen.indexOf('R') + 4) / 4, 'document-recording-page-1.png');
      saveFrame(file, (seen.indexOf('B') + 4) / 4, 'document-recording-page-3.png');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
