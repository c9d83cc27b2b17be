// #24, subtitles in «Ещё» as the teacher sees them. On a server without a
// speech model the item says subtitles are unavailable and what the
// administrator does about it. On a server with one, the teacher chooses the
// language (Russian, English, detect from speech) and translation into
// English from the menu, before and while subtitles are on, and the room's
// state follows (read from a pupil's own connection). Teacher at 1366 and
// 360 px. Screenshots: {laptop,phone}-subtitles-*.png.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { type Device, closePages, enterCall, layoutReport, screenshot } from '../helpers/callPage.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';
import { ensureTestModel } from '../helpers/whisperModel.js';

let plain: TestServer;
let withModel: TestServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'subtitles-menu-'));
  plain = await startTestServer();
  withModel = await startTestServer({
    WHISPER_MODEL: ensureTestModel('tiny'),
    WHISPER_PARALLEL_JOBS: '1',
    TRANSCRIPT_DIR: dir,
  });
  browser = await launchChromium();
});
afterEach(() => closePages());
afterAll(async () => {
  await browser?.close();
  await plain?.close();
  await withModel?.close();
  rmSync(dir, { recursive: true, force: true });
});

const local = (server: TestServer, url: string) => url.replace(server.config.publicUrl, server.httpUrl);

async function look(page: Page, device: Device, name: string): Promise<void> {
  await screenshot(page, `${device}-subtitles-${name}`);
  const report = await layoutReport(page, ['Room', 'sub-plain-laptop', 'sub-plain-phone', 'sub-model']);
  expect(report.overflowX, `${name}: horizontal overflow`).toBe(0);
  expect(report.englishWords, `${name}: English words`).toEqual([]);
}

/** The room's subtitles as the server tells a participant. */
async function roomState(page: Page) {
  return page.evaluate(async () => {
    const call = (
      window as unknown as {
        schoolCall: { signaling: { request(m: unknown): Promise<{ subtitles?: Record<string, unknown> }> } };
      }
    ).schoolCall;
    const s = (await call.signaling.request({ getSubtitles: {} })).subtitles ?? {};
    return {
      enabled: Boolean(s.enabled),
      language: Number(s.language ?? 0),
      translate: Boolean(s.translateToEnglish),
    };
  });
}

const RU = 1;
const EN = 2;
const AUTO = 3;

describe.skipIf(!chromiumAvailable())('subtitles in «Ещё» for the teacher', () => {
  for (const device of ['laptop', 'phone'] as const) {
    it(`without a speech model the teacher (${device}) reads what to do`, async () => {
      const [t] = await createRoomWithToken(plain, `sub-plain-${device}`, [
        { displayName: 'Ольга Сидорова', role: 'host', userId: `sub-plain-${device}` },
      ]);
      const teacher = await enterCall(browser, local(plain, t!.joinUrl), device);
      await teacher.getByRole('button', { name: 'Ещё' }).click();
      const item = teacher.getByRole('menuitem', { name: 'Субтитры недоступны', exact: true });
      await item.waitFor();
      expect(await item.isDisabled()).toBe(true);
      const hint = teacher.getByText(/нет модели распознавания речи\. Её подключает администратор сервера/);
      await hint.scrollIntoViewIfNeeded();
      await look(teacher, device, 'unavailable');
    });
  }

  it('with a model the teacher chooses the language and translation, before and while they are on', async () => {
    const [t, p] = await createRoomWithToken(withModel, 'sub-model', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'sub-model-teacher' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'sub-model-pupil' },
    ]);
    const teacher = await enterCall(browser, local(withModel, t!.joinUrl), 'laptop');
    const pupil = await enterCall(browser, local(withModel, p!.joinUrl), 'phone');
    const more = () => teacher.getByRole('button', { name: 'Ещё' }).click();

    // Before turning them on: English, translated (chosen first, kept when turned on).
    await more();
    await teacher.getByRole('menuitemradio', { name: 'Русский', checked: true }).waitFor();
    await teacher.getByRole('menuitemradio', { name: 'Английский' }).click();
    await more();
    await teacher.getByRole('menuitemradio', { name: 'Английский', checked: true }).waitFor();
    await teacher.getByRole('menuitemcheckbox', { name: 'Переводить на английский' }).click();
    await more();
    await teacher
      .getByRole('menuitemcheckbox', { name: 'Переводить на английский', checked: true })
      .waitFor();
    await look(teacher, 'laptop', 'chosen');
    await teacher.getByRole('menuitem', { name: 'Включить субтитры для всех' }).click();
    await pupil.locator('#captions-button').waitFor({ state: 'attached', timeout: 15_000 });
    expect(await roomState(pupil)).toEqual({ enabled: true, language: EN, translate: true });

    // While on, from a phone: detect from speech, translation off.
    await teacher.setViewportSize({ width: 360, height: 740 });
    await more();
    await teacher.getByRole('menuitemradio', { name: 'Определять по речи' }).click();
    await expect.poll(() => roomState(pupil)).toEqual({ enabled: true, language: AUTO, translate: true });
    await more();
    await teacher.getByRole('menuitemcheckbox', { name: 'Переводить на английский', checked: true }).click();
    await expect.poll(() => roomState(pupil)).toEqual({ enabled: true, language: AUTO, translate: false });
    await more();
    await teacher.getByRole('menuitemradio', { name: 'Определять по речи', checked: true }).waitFor();
    await look(teacher, 'phone', 'on');
    await teacher.getByRole('menuitemradio', { name: 'Русский' }).click();
    await expect.poll(() => roomState(pupil)).toEqual({ enabled: true, language: RU, translate: false });
    await more();
    await teacher.getByRole('menuitem', { name: 'Выключить субтитры для всех' }).click();
    await expect.poll(() => roomState(pupil)).toEqual({ enabled: false, language: RU, translate: false });
  });
});
