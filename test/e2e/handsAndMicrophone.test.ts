// #24, in the call: a pupil's raised hand reaches the teacher (a toast with
// the name and «Дать слово», the soft chime, a count on «Люди»); «Дать слово»
// lights the pupil's microphone button; the person menu's «Выключить
// микрофон» lets the pupil turn it on again while «Запретить включать
// микрофон» does not, in the same words on both screens. Teacher and pupil
// act by visible labels, once with the teacher on a laptop and the pupil on a
// phone, once the other way round. Screenshots: {laptop,phone}-hands-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import {
  type Device,
  closePages,
  enterCall,
  isPublishing,
  layoutReport,
  screenshot,
  waitFor,
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

/** Counts the tones this page starts (the chime is made with Web Audio oscillators). */
async function countTones(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { tones: number };
    w.tones = 0;
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: [number?]) {
      w.tones++;
      return start.apply(this, args);
    };
  });
}
const tones = (page: Page) => page.evaluate(() => (window as unknown as { tones: number }).tones);

async function look(page: Page, device: Device, name: string): Promise<void> {
  await screenshot(page, `${device}-hands-${name}`);
  const report = await layoutReport(page, ['Room', 'hands-laptop', 'hands-phone']);
  expect(report.overflowX, `${name}: horizontal overflow`).toBe(0);
  expect(report.englishWords, `${name}: English words`).toEqual([]);
  expect(report.controlsInView, `${name}: control bar on screen`).toBe(true);
}

/** Opens the teacher's menu for one person in «Люди». */
async function personMenu(page: Page, name: string): Promise<void> {
  if (!(await page.locator('#panel-people').isVisible())) {
    await page.getByRole('button', { name: /^Участники/ }).click();
  }
  await page.getByRole('button', { name: `Действия: ${name}` }).click();
}

describe.skipIf(!chromiumAvailable())(
  'hands and the microphone, as the teacher and the pupil see them',
  () => {
    for (const [teacherDevice, pupilDevice] of [
      ['laptop', 'phone'],
      ['phone', 'laptop'],
    ] as const) {
      it(`teacher on a ${teacherDevice}, pupil on a ${pupilDevice}`, async () => {
        const roomId = `hands-${teacherDevice}`;
        const [t, p] = await createRoomWithToken(server, roomId, [
          { displayName: 'Ольга Сидорова', role: 'host', userId: `${roomId}-teacher` },
          { displayName: 'Петя Иванов', role: 'participant', userId: `${roomId}-pupil` },
        ]);
        const teacher = await enterCall(browser, local(t!.joinUrl), teacherDevice);
        const pupil = await enterCall(browser, local(p!.joinUrl), pupilDevice);
        await countTones(teacher);
        await waitFor(() => isPublishing(pupil, 'microphone'), 15_000, 'the pupil speaks');

        // The hand goes up: the teacher hears the chime and reads who, with «Дать слово».
        await pupil.getByRole('button', { name: 'Поднять руку' }).click();
        const toast = teacher.locator('.toast', { hasText: 'Петя Иванов поднимает руку' });
        await toast.waitFor();
        await toast.getByRole('button', { name: 'Дать слово' }).waitFor();
        await waitFor(async () => (await tones(teacher)) > 0, 5_000, 'the chime sounds');
        const people = teacher.getByRole('button', { name: 'Участники (1)' });
        await people.waitFor();
        expect(await people.locator('.count-badge').textContent()).toBe('1');
        await look(teacher, teacherDevice, 'raised-toast');

        // «Дать слово» from the toast: the pupil is told and the microphone button lights.
        // The pupil first turns the microphone off, as a pupil who waits usually has it.
        await pupil.getByRole('button', { name: 'Выключить микрофон' }).click();
        await waitFor(async () => !(await isPublishing(pupil, 'microphone')), 5_000, 'microphone off');
        await toast.getByRole('button', { name: 'Дать слово' }).click();
        await pupil.getByText('Учитель разрешил вам говорить. Включите микрофон.').waitFor();
        await pupil.locator('#mic.cue').waitFor();
        await pupil.getByRole('button', { name: 'Опустить руку' }).waitFor({ state: 'detached' });
        await pupil.getByRole('button', { name: 'Поднять руку' }).waitFor();
        await toast.waitFor({ state: 'detached' });
        await look(pupil, pupilDevice, 'given-floor');
        await pupil.getByRole('button', { name: 'Включить микрофон' }).click();
        await waitFor(() => isPublishing(pupil, 'microphone'), 5_000, 'the pupil speaks again');
        await pupil.locator('#mic.cue').waitFor({ state: 'detached' });

        // «Выключить микрофон»: off, and the pupil may turn it on again.
        await personMenu(teacher, 'Петя Иванов');
        await teacher.getByRole('menuitem', { name: 'Запретить включать микрофон' }).waitFor();
        await look(teacher, teacherDevice, 'person-menu');
        await teacher.getByRole('menuitem', { name: 'Выключить микрофон' }).click();
        await pupil.getByText('Учитель выключил ваш микрофон. Вы можете снова включить его сами.').waitFor();
        await waitFor(async () => !(await isPublishing(pupil, 'microphone')), 5_000, 'muted by the teacher');
        await pupil.getByRole('button', { name: 'Включить микрофон' }).click();
        await waitFor(() => isPublishing(pupil, 'microphone'), 5_000, 'the pupil turned it on again');

        // «Запретить включать микрофон»: the pupil reads the same words and may only ask.
        await personMenu(teacher, 'Петя Иванов');
        await teacher.getByRole('menuitem', { name: 'Запретить включать микрофон' }).click();
        await pupil
          .getByText('Учитель запретил вам включать микрофон. Чтобы говорить, попросите слово.')
          .waitFor();
        await pupil.getByRole('button', { name: /^Учитель запретил включать микрофон/ }).waitFor();
        expect(await isPublishing(pupil, 'microphone')).toBe(false);
        await look(pupil, pupilDevice, 'blocked');
        await personMenu(teacher, 'Петя Иванов');
        await teacher.locator('.menu-state', { hasText: 'учитель запретил включать микрофон' }).waitFor();
        expect(await teacher.getByRole('menuitem', { name: 'Выключить микрофон' }).count()).toBe(0);
        await teacher.getByRole('menuitem', { name: 'Разрешить говорить' }).click();
        await pupil.locator('#mic.cue').waitFor();
        await pupil.getByRole('button', { name: 'Включить микрофон' }).click();
        await waitFor(() => isPublishing(pupil, 'microphone'), 5_000, 'allowed again');
      });
    }
  },
);
