// What teachers see when the server has a fault during a lesson, on a laptop
// (1366 px) and a phone (360 px), in Russian: the recording pipeline dies
// (its GStreamer process SIGKILLed, and its replacements too for a while):
// «Запись прервалась…», then «Запись снова идёт…»; the recordings disk fills
// up (a real tmpfs filled to the last byte): «Запись остановлена: на сервере
// закончилось место.»; and a file sent into the lesson chat does not fit on
// the uploads disk (another small tmpfs): «Не удалось загрузить файл: на
// сервере закончилось место…». Mounting the small disks needs root: the
// test is skipped without it.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, layoutReport, openPanel, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { pipelinePids } from '../helpers/recorderPipelines.js';
import { mountSmallDisk, unmountSmallDisk } from '../helpers/smallDisk.js';

const ROOM = 'faults-6b';
const TEACHER = { userId: 'fn-t', displayName: 'Ирина Сергеевна', sortName: 'Кузнецова Ирина' };
const SECOND = { userId: 'fn-t2', displayName: 'Олег Петрович', sortName: 'Смирнов Олег' };

const recordings = mountSmallDisk('notice-recordings', 48);
const uploads = recordings ? mountSmallDisk('notice-uploads', 4) : null;
const ready = Boolean(recordings && uploads) && chromiumAvailable();
if (!ready) console.warn('faultNotices: skipped: it needs root (to mount small tmpfs disks) and Chromium');

let s: ChatTestServer;
let browser: Browser;
let laptop: Page;
let phone: Page;

async function joinUrl(p: { displayName: string; userId: string; sortName: string }): Promise<string> {
  const res = await fetch(`${s.httpUrl}/api/rooms/${ROOM}/tokens`, {
    method: 'POST',
    headers: s.adminHeaders,
    body: JSON.stringify({ ...p, role: 'host' }),
  });
  const { joinUrl: url } = (await res.json()) as { joinUrl: string };
  return `${s.httpUrl}${new URL(url).pathname}${new URL(url).hash}`;
}

/** The sizes of the recordings' pieces under a folder. */
function pieceSizes(dir: string): number[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.startsWith('piece-'))
    .map((e) => statSync(join(e.parentPath, e.name)).size);
}

function bytesUnder(dir: string): number {
  return pieceSizes(dir).reduce((a, b) => a + b, 0);
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function fillDisk(path: string): void {
  for (const size of [64 * 1024, 512]) {
    const fd = openSync(path, 'a');
    try {
      for (;;) writeSync(fd, Buffer.alloc(size, 1));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    } finally {
      closeSync(fd);
    }
  }
}

async function lookRussian(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const report = await layoutReport(page, [TEACHER.displayName, SECOND.displayName, 'bin']);
  expect(report.overflowX, name).toBe(0);
  expect(report.englishWords, name).toEqual([]);
}

describe.skipIf(!ready)('fault notices in the web client', () => {
  beforeAll(async () => {
    s = await startChatServer({
      RECORDINGS_DIR: recordings!,
      RECORDING_MIN_FREE_MB: '2',
      CHAT_UPLOAD_DIR: uploads!,
    });
    const created = await fetch(`${s.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ id: ROOM, title: 'Физика 6Б', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    browser = await launchChromium();
    laptop = await enterCall(browser, await joinUrl(TEACHER));
    phone = await enterCall(browser, await joinUrl(SECOND), 'phone');
  }, 120_000);

  afterAll(async () => {
    await closePages();
    await browser?.close();
    await s?.stop();
    for (const disk of [recordings, uploads]) unmountSmallDisk(disk);
  });

  it('the recording is interrupted and comes back: both teachers are told', async () => {
    await openPanel(laptop, 'recording');
    await laptop.locator('#recording-toggle').click();
    for (const page of [laptop, phone]) await page.locator('#recording-badge').waitFor({ timeout: 60_000 });
    await until(() => bytesUnder(recordings!) > 100_000, 90_000, 'recorded seconds');

    // The pipeline dies, and every replacement too while the notice is looked at.
    const first = pipelinePids();
    expect(first.length).toBeGreaterThan(0);
    const interrupted = 'Запись прервалась: сервер запускает её заново.';
    let hunting = true;
    const hunt = (async () => {
      while (hunting) {
        for (const pid of pipelinePids()) {
          if (first.includes(pid)) continue;
          try {
            process.kill(pid, 'SIGKILL');
          } catch {}
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      for (const pid of first) process.kill(pid, 'SIGKILL');
      // The notice stays while the recording is interrupted (not a few seconds).
      for (const page of [laptop, phone]) await page.getByText(interrupted).waitFor({ timeout: 30_000 });
      await new Promise((r) => setTimeout(r, 8000));
      for (const page of [laptop, phone]) expect(await page.getByText(interrupted).isVisible()).toBe(true);
      await lookRussian(laptop, 'laptop-recording-interrupted');
      await lookRussian(phone, 'phone-recording-interrupted');
    } finally {
      hunting = false;
      await hunt;
    }
    for (const page of [laptop, phone]) {
      await page.getByText('Запись снова идёт.').waitFor({ timeout: 90_000 });
      expect(await page.getByText(interrupted).count()).toBe(0);
    }
    await lookRussian(phone, 'phone-recording-resumed');
  }, 240_000);

  it('the recordings disk fills up: the recording stops and both teachers are told why', async () => {
    // The replacement's piece has media first: a second piece still empty is
    // left out, the one piece is kept as it is (ready, never «сохраняется…»),
    // and this test once waited 60 s for a state that never came (CI).
    await until(
      () => pieceSizes(recordings!).filter((n) => n > 100_000).length >= 2,
      90_000,
      'a second piece',
    );
    fillDisk(join(recordings!, 'other-files.bin'));
    const full = 'Запись остановлена: на сервере закончилось место.';
    for (const page of [laptop, phone]) await page.getByText(full).waitFor({ timeout: 90_000 });
    // The recording (two pieces: its pipeline was replaced) waits for room to be saved; it is not lost.
    await laptop.getByText('сохраняется…').waitFor({ timeout: 60_000 });
    expect(await laptop.getByText('не удалась').count()).toBe(0);
    await lookRussian(laptop, 'laptop-recording-disk-full');
    await lookRussian(phone, 'phone-recording-disk-full');
    for (const page of [laptop, phone]) {
      await page.locator('#recording-badge').waitFor({ state: 'detached', timeout: 30_000 });
    }
  }, 180_000);

  it('a file that does not fit on the uploads disk: the sender is told the server is out of room', async () => {
    const file = { name: 'опыт.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(6 << 20, 3) };
    const noRoom = 'Не удалось загрузить файл: на сервере закончилось место.';
    for (const [page, name] of [
      [laptop, 'laptop-upload-disk-full'],
      [phone, 'phone-upload-disk-full'],
    ] as const) {
      if (!(await page.locator('#panel-chat').isVisible())) await page.locator('#chat-button').click();
      await page.locator('#panel-chat .chat-panel').waitFor();
      let refusals = 0;
      page.on('response', (r) => {
        if (r.status() === 507) refusals++;
      });
      await page.setInputFiles('#chat-file', file);
      await page.getByText(noRoom).first().waitFor({ timeout: 30_000 });
      // Said at the first refusal: a full disk is not asked again and again.
      expect(refusals).toBe(1);
      await lookRussian(page, name);
    }
  }, 120_000);
});
