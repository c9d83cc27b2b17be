// Recording and broadcast from the web client, as a teacher and a pupil see
// them: the teacher records from "Запись и трансляция", the pupil (on a
// phone) sees "Идёт запись" in the header; the teacher starts a broadcast,
// gets its public link, which serves the viewer page; after stopping, the
// recording is saved and downloads as an MP4 through the link the panel asks
// for. Real Chromium with fake devices, the real recorder (GStreamer, ffmpeg).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, openPanel, screenshot } from '../helpers/callPage.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rec-ui-'));
  server = await startTestServer({ RECORDINGS_DIR: dir, RECORDING_MIN_FREE_MB: '1' });
  browser = await launchChromium();
});

afterEach(() => closePages());

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const local = (url: string) => url.replace(server.config.publicUrl, server.httpUrl);

describe('recording and broadcast in the web client', () => {
  it('the teacher records and broadcasts, the pupil is told, the recording downloads', async () => {
    const [teacher, pupil] = await createRoomWithToken(server, 'rec-ui', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'rec-teacher' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'rec-pupil' },
    ]);
    const host = await enterCall(browser, local(teacher!.joinUrl));
    const kid = await enterCall(browser, local(pupil!.joinUrl), 'phone');
    // Pupils have no recording controls.
    await kid.locator('#more').click();
    expect(await kid.locator('.menu [data-panel="recording"]').count()).toBe(0);
    await kid.keyboard.press('Escape');

    await openPanel(host, 'recording');
    await host.locator('#recording-toggle').click();
    await kid.locator('#recording-badge').waitFor({ timeout: 30_000 });
    await host.locator('#recording-badge').waitFor({ timeout: 10_000 });
    await screenshot(kid, 'phone-recording-told');

    await host.locator('#broadcast-toggle').click();
    const link = host.locator('#broadcast-url');
    await link.waitFor({ timeout: 30_000 });
    const url = (await link.getAttribute('href')) ?? '';
    expect(url).toMatch(/\/b\/[A-Za-z0-9_-]+$/);
    await kid.locator('#broadcast-badge').waitFor({ timeout: 10_000 });
    const viewerPage = await fetch(local(url));
    expect(viewerPage.status).toBe(200);
    expect(await viewerPage.text()).toContain('<html');
    await screenshot(host, 'laptop-recording-panel');

    // Let some seconds of the lesson be written before stopping.
    await host.waitForTimeout(3000);
    await host.locator('#recording-toggle').click();
    await kid.locator('#recording-badge').waitFor({ state: 'detached', timeout: 30_000 });
    await host.locator('#broadcast-toggle').click();
    await kid.locator('#broadcast-badge').waitFor({ state: 'detached', timeout: 30_000 });

    // The lesson's recording becomes ready in the list and downloads.
    const ready = host.locator('.recording-item', { hasText: 'Урок' }).locator('.recording-download');
    await ready.waitFor({ timeout: 90_000 });
    await screenshot(host, 'laptop-recording-list');
    const download = host.waitForEvent('download', { timeout: 30_000 });
    await ready.click();
    const file = await (await download).path();
    expect(statSync(file).size).toBeGreaterThan(10_000);
  }, 240_000);
});
