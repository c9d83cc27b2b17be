// #24: a toast never covers the call's controls. On a 360 px phone the
// teacher's "camera blocked" and "microphone blocked" toasts wrap to several
// lines; while they are up, no tile's pin, name tag, the header or the control
// bar lies under them, and the pupil pins the teacher by the button's label.
// On a 1366 px laptop the teacher's "raised hand" toast likewise.
// Closed, they give the stage its height back. Screenshots:
// phone-toast-over-tiles.png, phone-toast-closed.png, laptop-toast-over-tiles.png.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import {
  closePages,
  coveredBy,
  enterCall,
  layoutReport,
  personAction,
  screenshot,
  tileName,
} from '../helpers/callPage.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterEach(() => closePages());
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const local = (url: string) => url.replace(server.config.publicUrl, server.httpUrl);
// What a toast must leave free: tiles' buttons and name tags, the header and the control bar.
const CONTROLS = '.tile-actions button, .tile-label, .call-header, #controls button';

describe('toasts in a call', () => {
  it('on a phone a three-line toast leaves the pin button free; on a laptop too', async () => {
    const [t, p] = await createRoomWithToken(server, 'toast-place', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'toast-teacher' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'toast-pupil' },
    ]);
    const teacher = await enterCall(browser, local(t!.joinUrl));
    const pupil = await enterCall(browser, local(p!.joinUrl), 'phone');
    await tileName(teacher, 'Петя Иванов').waitFor();
    await tileName(pupil, 'Ольга Сидорова').waitFor();

    // Two long toasts on the phone, one under the other.
    await personAction(teacher, 'Петя Иванов', 'block-camera');
    await personAction(teacher, 'Петя Иванов', 'block-mic');
    const cameraToast = pupil.locator('.toast', { hasText: 'Учитель запретил вам включать камеру' });
    await cameraToast.waitFor();
    await pupil.locator('.toast', { hasText: 'Учитель запретил вам включать микрофон' }).waitFor();
    const lines = await cameraToast
      .locator('span')
      .first()
      .evaluate((el) =>
        Math.round(el.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(el).lineHeight)),
      );
    expect(lines, 'the camera toast wraps to three lines on a phone').toBeGreaterThanOrEqual(3);
    await screenshot(pupil, 'phone-toast-over-tiles');
    expect(await coveredBy(pupil, '.toast', CONTROLS)).toEqual([]);
    const report = await layoutReport(pupil, ['Room']);
    expect(report.controlsInView).toBe(true);
    expect(report.overflowX).toBe(0);

    // While they are up the pupil pins the teacher by the button's label.
    const teacherTile = pupil.locator('.tile', { hasText: 'Ольга Сидорова' });
    const pin = teacherTile.getByRole('button', { name: 'Закрепить на главном месте' });
    await pin.click({ timeout: 5_000 });
    await pupil.locator('.stage-main .tile', { hasText: 'Ольга Сидорова' }).waitFor();
    await teacherTile.getByRole('button', { name: 'Открепить' }).waitFor();
    expect(await cameraToast.isVisible(), 'the toast was still up').toBe(true);

    // Closed, the toasts give the stage its height back: the control bar sits at the screen's foot.
    while ((await pupil.locator('.toast').count()) > 0) {
      await pupil.locator('.toast').first().getByRole('button', { name: 'Закрыть' }).click();
    }
    const foot = await pupil.evaluate(() => ({
      controls: Math.round(document.querySelector('#controls')!.getBoundingClientRect().bottom),
      controlsHeight: Math.round(document.querySelector('#controls')!.getBoundingClientRect().height),
      stage: Math.round(document.querySelector('.stage-area')!.getBoundingClientRect().top),
      header: Math.round(document.querySelector('.call-header')!.getBoundingClientRect().bottom),
      screen: window.innerHeight,
    }));
    expect(foot.controls).toBe(foot.screen);
    expect(foot.controlsHeight, 'the control bar keeps its own height').toBeLessThan(100);
    expect(foot.stage - foot.header).toBeLessThanOrEqual(1);
    await screenshot(pupil, 'phone-toast-closed');

    // The laptop: the pupil's raised hand gives the teacher a toast with «Дать слово».
    await pupil.getByRole('button', { name: 'Поднять руку' }).click();
    const hand = teacher.locator('.toast', { hasText: 'Петя Иванов поднимает руку' });
    await hand.waitFor();
    await screenshot(teacher, 'laptop-toast-over-tiles');
    expect(await coveredBy(teacher, '.toast', CONTROLS)).toEqual([]);
  });
});
