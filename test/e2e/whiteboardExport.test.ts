// The board as files, in a real browser, read back with real tools: during
// the lesson the teacher downloads the page shown as a PNG and the whole
// board (two pages) as a PDF, and puts that PDF back as a worksheet (pdf.js
// draws its pages as pictures under the drawing); after ending the lesson
// the end screen leads to the lesson's saved boards, which download as a PDF
// and PNGs too. A
// pupil's token does not open them. Nothing is fetched from outside.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  boardElements,
  boardInk,
  drawWith,
  inkPoints,
  openBoardPanel,
  waitForBoard,
} from '../helpers/boardPage.js';
import { launchChromium } from '../helpers/browser.js';
import {
  closePages,
  enterCall,
  layoutReport,
  moreAction,
  openPage,
  screenshot,
  waitFor,
} from '../helpers/callPage.js';
import { measurePng, pdfInfo, pdfPages } from '../helpers/exportFiles.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let browser: Browser;
let dir: string;
const outside: string[] = [];

function watchRequests(page: Page): void {
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!['127.0.0.1', 'localhost'].includes(url.hostname) && !['data:', 'blob:'].includes(url.protocol)) {
      outside.push(r.url());
    }
  });
}

const local = (url: string) => url.replace(server.config.publicUrl, server.httpUrl);

/** Clicks and keeps the `count` files the page downloads. */
async function downloads(page: Page, click: () => Promise<void>, count = 1): Promise<string[]> {
  const got: Download[] = [];
  const all = new Promise<void>((resolve) => {
    const on = (d: Download) => {
      got.push(d);
      if (got.length === count) {
        page.off('download', on);
        resolve();
      }
    };
    page.on('download', on);
  });
  await click();
  await all;
  return Promise.all(
    got.map(async (d, i) => {
      const file = join(dir, `${Date.now()}-${i}-${d.suggestedFilename()}`);
      await d.saveAs(file);
      return file;
    }),
  );
}

async function expectPdfWithPages(file: string, pages: number): Promise<void> {
  const info = await pdfInfo(file);
  expect(Number(info.Pages)).toBe(pages);
  const pageDir = await mkdtemp(join(dir, 'pages-'));
  const pictures = await pdfPages(file, pageDir);
  expect(pictures).toHaveLength(pages);
  for (const p of pictures) {
    expect(p.width).toBeGreaterThan(20);
    expect(p.height).toBeGreaterThan(20);
    expect(p.inked).toBeGreaterThan(20);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'board-export-'));
  server = await startTestServer();
  browser = await launchChromium();
});

afterEach(() => closePages());

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('whiteboard export', () => {
  it('PNG and PDF during the lesson, and the saved boards after it', async () => {
    const [teacher, pupil] = await createRoomWithToken(server, 'wb-export', [
      { displayName: 'Анна Петровна', role: 'host', userId: 'teacher-x' },
      { displayName: 'Петров Иван', role: 'participant', userId: 'pupil-x' },
    ]);
    const host = await enterCall(browser, local(teacher!.joinUrl));
    watchRequests(host);
    await openBoardPanel(host);
    await host.locator('#board-toggle').click();
    await waitForBoard(host);
    // Page 1 holds only a freehand stroke, whose points are in the document's ink:
    // its pictures below are inked only if the exports put it back together
    // (page 2 gets a worksheet under its rectangle, page 3 is one).
    await drawWith(host, 'freedraw', { x: 250, y: 150 }, { x: 560, y: 360 });
    await host.locator('#board-add-page').click();
    await host.locator('#board-page', { hasText: '2' }).waitFor();
    await drawWith(host, 'rectangle', { x: 300, y: 200 }, { x: 470, y: 320 });
    await waitFor(
      async () => Object.keys(await boardElements(host)).length === 2,
      10_000,
      'a drawing on each page',
    );
    const stroke = Object.entries(await boardElements(host)).find(([, e]) => e.el.type === 'freedraw')!;
    expect((stroke[1].el as { points?: unknown[] }).points).toEqual([]);
    expect(inkPoints(await boardInk(host), stroke[0])).toBeGreaterThan(5);

    // During the lesson: the page shown as a picture, the whole board as a PDF.
    const [png] = await downloads(host, () => host.locator('#board-png').click());
    expect(png).toMatch(/\.png$/);
    const picture = await measurePng(png!);
    expect(picture.width).toBeGreaterThan(100);
    expect(picture.height).toBeGreaterThan(100);
    expect(picture.inked).toBeGreaterThan(200);
    const [pdf] = await downloads(host, () => host.locator('#board-pdf').click());
    await expectPdfWithPages(pdf!, 2);

    // That PDF as a worksheet: pdf.js draws its pages, the first under page 2, the next on a new page 3.
    await host.locator('#board-background').setInputFiles(pdf!);
    await host.locator('#board-page', { hasText: '3' }).waitFor({ timeout: 20_000 });
    await waitFor(
      async () => Object.values(await boardElements(host)).filter((e) => e.el.type === 'image').length === 2,
      20_000,
      'two worksheet pages on the board',
    );
    await screenshot(host, 'whiteboard-worksheet-laptop');

    // The teacher ends the lesson; the end screen leads to its saved boards.
    await moreAction(host, 'end-call');
    await host.locator('dialog.confirm #confirm-yes').click();
    await host.locator('#end[data-end="ended"]').waitFor({ timeout: 15_000 });
    await screenshot(host, 'whiteboard-end-teacher-laptop');
    const [saved] = await Promise.all([
      host.context().waitForEvent('page'),
      host.locator('#end-boards').click(),
    ]);
    watchRequests(saved);
    await saved.locator('#saved-lessons .saved-lesson').first().waitFor({ timeout: 15_000 });
    await screenshot(saved, 'whiteboard-saved-boards-laptop');
    const [savedPdf] = await downloads(saved, () => saved.locator('.saved-pdf').first().click());
    await expectPdfWithPages(savedPdf!, 3);
    const pngs = await downloads(saved, () => saved.locator('.saved-png').first().click(), 3);
    for (const file of pngs) expect((await measurePng(file)).inked).toBeGreaterThan(200);

    // The same page on a phone, in Russian, fits the screen.
    const phone = await openPage(browser, saved.url(), 'phone');
    watchRequests(phone);
    await phone.locator('#saved-lessons .saved-lesson').first().waitFor({ timeout: 15_000 });
    await screenshot(phone, 'whiteboard-saved-boards-phone');
    const report = await layoutReport(phone, ['PDF', 'PNG']);
    expect(report.overflowX).toBe(0);
    expect(report.englishWords).toEqual([]);

    // A pupil's link does not open them.
    const kid = await openPage(
      browser,
      `${server.httpUrl}/boards/wb-export#token=${new URL(pupil!.joinUrl).hash.slice(7)}`,
      'phone',
    );
    await kid.locator('#saved-denied').waitFor({ timeout: 15_000 });
    expect(outside).toEqual([]);
  });
});
