// The Russian refusals of the limits added for #21, as the people who meet
// them see them on a phone (360 px) and a laptop (1366 px): a teacher who
// starts a recording while the server records all it may («Сейчас идёт
// слишком много записей…», ERROR_CODE_TOO_MANY_RECORDINGS), and a pupil whose
// file is over the day's upload quota in the lesson chat («Вы загрузили
// слишком много файлов за сегодня…»). A real server (one recording at a
// time, a tiny daily quota), the real recorder holding the only place for
// another lesson, real Chromium. Screenshots:
// test-artifacts/screenshots/{phone,laptop}-{too-many-recordings,upload-quota}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, layoutReport, openPanel, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import type { TestClient } from '../helpers/protocolClient.js';
import { createRoom, enterRoom } from '../helpers/rooms.js';
import { createRoomWithToken } from '../helpers/testServer.js';

let s: ChatTestServer;
let browser: Browser;
let busy: TestClient;
const dir = mkdtempSync(join(tmpdir(), 'limit-refusals-'));

/** A lesson with its people's join links. */
async function room(id: string, people: { displayName: string; role: string; userId: string }[]) {
  await createRoom(s, id, { title: 'Биология 6Б', settings: { waitingRoom: 'off' } });
  return createRoomWithToken(s.server, id, people);
}

const local = (url: string) => url.replace(s.server.config.publicUrl, s.httpUrl);

describe.skipIf(!chromiumAvailable())('refusals of the limits, in Russian', () => {
  beforeAll(async () => {
    s = await startChatServer({
      RECORDINGS_AT_ONCE: '1',
      RECORDINGS_DIR: dir,
      RECORDING_MIN_FREE_MB: '1',
      CHAT_UPLOAD_BYTES_PER_DAY: '1000',
    });
    // Another lesson records: it holds the server's only place.
    await createRoom(s, 'other-lesson', { title: 'Химия 9А' });
    busy = (await enterRoom(s.server, 'other-lesson', 'Ирина Белова', 'host', { userId: 'busy-t' })).c;
    await busy.request({ startRecording: {} });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await busy?.request({ stopRecording: {} }).catch(() => undefined);
    busy?.close();
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const device of ['phone', 'laptop'] as const) {
    it(`the teacher and the pupil are told why on a ${device}`, { timeout: 120_000 }, async () => {
      const [teacher, pupil] = await room(`limits-${device}`, [
        { displayName: 'Ольга Сидорова', role: 'host', userId: `t-${device}` },
        { displayName: 'Петя Иванов', role: 'participant', userId: `p-${device}` },
      ]);
      const host = await enterCall(browser, local(teacher!.joinUrl), device);
      await openPanel(host, 'recording');
      await host.locator('#recording-toggle').click();
      await host
        .locator('.toast', { hasText: 'Сейчас идёт слишком много записей' })
        .waitFor({ timeout: 20_000 });
      expect(await host.locator('#recording-badge').count()).toBe(0);
      await screenshot(host, `${device}-too-many-recordings`);
      expect((await layoutReport(host, [])).overflowX).toBe(0);

      const kid = await enterCall(browser, local(pupil!.joinUrl), device);
      if (!(await kid.locator('#panel-chat').isVisible())) await kid.locator('#chat-button').click();
      await kid.setInputFiles('#chat-file', {
        name: 'доклад.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.alloc(4000, 1),
      });
      await kid.locator('.toast', { hasText: 'Вы загрузили слишком много файлов за сегодня' }).waitFor({
        timeout: 20_000,
      });
      await screenshot(kid, `${device}-upload-quota`);
      expect((await layoutReport(kid, [])).overflowX).toBe(0);
      await closePages();
    });
  }
});
