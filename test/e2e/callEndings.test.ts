// How a call ends, or never starts, as people see it: every end screen says
// why in Russian and offers to come back where that makes sense (removed,
// denied, locked, left), and not where it does not (banned, ended, bad link).
// Also breakout rooms from the teacher's and pupils' side. Screenshots under
// test-artifacts/screenshots/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import {
  type Device,
  closePages,
  enterCall,
  layoutReport,
  moreAction,
  openPage,
  openPanel,
  passDeviceCheck,
  personAction,
  screenshot,
  tileName,
  waitInCall,
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

/** The end screen of `kind` shows, in Russian, fits the screen, and offers (or not) a way back. */
async function expectEnd(page: Page, kind: string, device: Device, action: boolean) {
  await page.locator(`#end[data-end="${kind}"]`).waitFor({ timeout: 15_000 });
  await screenshot(page, `${device}-end-${kind}`);
  const report = await layoutReport(page, ['Lesson', 'Room']);
  expect(report.overflowX).toBe(0);
  expect(report.englishWords).toEqual([]);
  expect(await page.locator('#end-action').count()).toBe(action ? 1 : 0);
}

async function confirm(page: Page) {
  await page.locator('dialog.confirm #confirm-yes').click();
}

describe('end screens', () => {
  it('a link without a token, an expired token and an unknown room each say so', async () => {
    const [pupil] = await createRoomWithToken(server, 'end-links', [
      { displayName: 'Петя Иванов', role: 'participant', userId: 'el-pupil' },
    ]);
    const noToken = await openPage(browser, `${server.httpUrl}/room/end-links`, 'phone');
    await expectEnd(noToken, 'invalidLink', 'phone', false);

    const claims = { userId: 'el-pupil', displayName: 'Петя Иванов', role: 'participant' as const };
    const expired = await server.tokens.mint({ ...claims, roomId: 'end-links' }, -60);
    const old = await openPage(browser, `${server.httpUrl}/room/end-links#token=${expired.token}`, 'phone');
    await passDeviceCheck(old);
    await expectEnd(old, 'expiredLink', 'phone', false);

    const nowhere = await server.tokens.mint({ ...claims, roomId: 'no-such-lesson' }, 600);
    const lost = await openPage(
      browser,
      `${server.httpUrl}/room/no-such-lesson#token=${nowhere.token}`,
      'laptop',
    );
    await passDeviceCheck(lost);
    await expectEnd(lost, 'notFound', 'laptop', false);

    // The broken token of a real room.
    const broken = await openPage(browser, `${local(pupil!.joinUrl)}x`, 'phone');
    await passDeviceCheck(broken);
    await expectEnd(broken, 'invalidLink', 'phone', false);
  });

  it('locked, denied, removed, banned, left and ended', async () => {
    await fetch(`${server.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: server.adminHeaders,
      body: JSON.stringify({
        id: 'end-lesson',
        title: 'История, 7 «А»',
        settings: { waitingRoom: 'guests' },
      }),
    });
    const [t, p1, p2, guest] = await createRoomWithToken(server, 'end-lesson', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'end-teacher' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'end-p1' },
      { displayName: 'Маша Козлова', role: 'participant', userId: 'end-p2' },
      { displayName: 'Ирина Петрова', role: 'guest', userId: 'end-guest' },
    ]);
    const teacher = await enterCall(browser, local(t!.joinUrl));

    // Locked: nobody but teachers gets in; trying again works once unlocked.
    await moreAction(teacher, 'lock');
    await teacher.locator('#locked-badge').waitFor();
    const late = await openPage(browser, local(p2!.joinUrl), 'phone');
    await passDeviceCheck(late);
    await expectEnd(late, 'locked', 'phone', true);
    await moreAction(teacher, 'lock');
    await teacher.locator('#locked-badge').waitFor({ state: 'detached' });
    await late.locator('#end-action').click();
    await passDeviceCheck(late);
    await waitInCall(late);

    // Denied from the waiting room: may ask again.
    const parent = await openPage(browser, local(guest!.joinUrl), 'phone');
    await passDeviceCheck(parent);
    await parent.locator('#waiting').waitFor();
    await openPanel(teacher, 'people');
    await teacher.locator('#waiting-list [data-deny]').click();
    await expectEnd(parent, 'denied', 'phone', true);

    // Removed: may come back; banned: may not.
    const pupil = await enterCall(browser, local(p1!.joinUrl), 'phone');
    await tileName(teacher, 'Петя Иванов').waitFor();
    await personAction(teacher, 'Петя Иванов', 'remove');
    await screenshot(teacher, 'laptop-confirm-remove');
    await confirm(teacher);
    await expectEnd(pupil, 'removed', 'phone', true);
    await pupil.locator('#end-action').click();
    await passDeviceCheck(pupil);
    await waitInCall(pupil);
    await tileName(teacher, 'Петя Иванов').waitFor();
    await personAction(teacher, 'Петя Иванов', 'ban');
    await confirm(teacher);
    await expectEnd(pupil, 'banned', 'phone', false);

    // Leaving: may come back.
    await late.locator('#leave').click();
    await expectEnd(late, 'left', 'phone', true);

    // The teacher ends the lesson for everyone.
    const again = await openPage(browser, local(p2!.joinUrl), 'laptop');
    await passDeviceCheck(again);
    await waitInCall(again);
    await moreAction(teacher, 'end-call');
    await confirm(teacher);
    await expectEnd(again, 'ended', 'laptop', false);
    await expectEnd(teacher, 'ended', 'laptop', false);
  });
});

describe('breakout rooms', () => {
  it('guests stay in the main room, each room lists its own people, the teacher sees the timer and writes to all rooms', async () => {
    await fetch(`${server.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: server.adminHeaders,
      body: JSON.stringify({ id: 'groups', title: 'Литература, 6 «В»', settings: { waitingRoom: 'off' } }),
    });
    const [t, p1, p2, guest] = await createRoomWithToken(server, 'groups', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'g-teacher' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'g-p1' },
      { displayName: 'Маша Козлова', role: 'participant', userId: 'g-p2' },
      { displayName: 'Ирина Петрова', role: 'guest', userId: 'g-guest' },
    ]);
    const teacher = await enterCall(browser, local(t!.joinUrl));
    const petya = await enterCall(browser, local(p1!.joinUrl), 'phone');
    const masha = await enterCall(browser, local(p2!.joinUrl), 'phone');
    const parent = await enterCall(browser, local(guest!.joinUrl), 'phone');
    await tileName(teacher, 'Ирина Петрова').waitFor();

    await openPanel(teacher, 'breakouts');
    await teacher.fill('#breakout-count', '2');
    await teacher.click('#breakout-create');
    await teacher.locator('#breakout-list li', { hasText: 'Группа 2' }).waitFor();
    await teacher.click('#breakout-auto');
    // Two pupils over two rooms; the parent is not assigned.
    await teacher.locator('#breakout-list li', { hasText: 'Петя Иванов' }).waitFor();
    await teacher.locator('#breakout-list li', { hasText: 'Маша Козлова' }).waitFor();
    expect(await teacher.locator('#breakout-list').textContent()).not.toContain('Ирина Петрова');
    await teacher.locator('.unassigned li', { hasText: 'Ирина Петрова' }).waitFor();
    await teacher.fill('#breakout-minutes', '5');
    await screenshot(teacher, 'laptop-breakouts-assigned');
    await teacher.click('#breakout-open');

    await petya.locator('#location', { hasText: 'Группа' }).waitFor();
    await masha.locator('#location', { hasText: 'Группа' }).waitFor();
    await teacher.locator('#breakout-timer', { hasText: 'осталось' }).waitFor();
    await teacher.locator('#breakout-status', { hasText: 'Группы закроются через' }).waitFor();
    await screenshot(teacher, 'laptop-breakouts-open');
    // The parent stays with the teacher in the main room.
    await parent.locator('.call-header').waitFor();
    expect(await parent.locator('#location').count()).toBe(0);
    await tileName(parent, 'Ольга Сидорова').waitFor();

    // Inside a room, the list shows that room's people only.
    await openPanel(petya, 'people');
    await petya.locator('#people-list li', { hasText: 'Петя Иванов' }).waitFor();
    expect(await petya.locator('#people-list li').count()).toBe(1);
    await screenshot(petya, 'phone-breakout-people');
    await petya.locator('.panel-head button').click();

    // A message to all rooms reads as the teacher's message, not "attention".
    await teacher.fill('#breakout-message', 'Осталось пять минут, заканчивайте задачу');
    await teacher.click('#breakout-send');
    const message = petya.locator('#teacher-message');
    await message.waitFor();
    expect(await message.textContent()).toContain('Сообщение учителя');
    expect(await message.textContent()).toContain('Ольга Сидорова');
    expect(await message.textContent()).toContain('Осталось пять минут');
    await screenshot(petya, 'phone-breakout-message');
    const report = await layoutReport(petya, []);
    expect(report.englishWords).toEqual([]);
    expect(report.controlsInView).toBe(true);

    // Everyone back: the message goes with the rooms.
    await teacher.click('#breakout-close');
    await petya.locator('#location').waitFor({ state: 'detached' });
    await message.waitFor({ state: 'detached' });
    await tileName(petya, 'Маша Козлова').waitFor();
  });
});
