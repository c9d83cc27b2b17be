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
import { TestClient } from '../helpers/protocolClient.js';
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

/** A lesson whose guests wait, with the teacher in it, and links for the others. */
async function lessonWithTeacher(roomId: string) {
  await fetch(`${server.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: server.adminHeaders,
    body: JSON.stringify({ id: roomId, title: 'История, 7 «А»', settings: { waitingRoom: 'guests' } }),
  });
  const [t, petya, maria, parent] = await createRoomWithToken(server, roomId, [
    { displayName: 'Ольга Сидорова', role: 'host', userId: `${roomId}-teacher` },
    { displayName: 'Петя Иванов', role: 'participant', userId: `${roomId}-p1` },
    { displayName: 'Маша Козлова', role: 'participant', userId: `${roomId}-p2` },
    { displayName: 'Ирина Петрова', role: 'guest', userId: `${roomId}-guest` },
  ]);
  const teacher = await enterCall(browser, local(t!.joinUrl));
  return { teacher, links: { petya: petya!.joinUrl, maria: maria!.joinUrl, parent: parent!.joinUrl } };
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

  it('locked, with "try again" once unlocked, and left, with "join again"', async () => {
    const { teacher, links } = await lessonWithTeacher('end-locked');
    await moreAction(teacher, 'lock');
    await teacher.locator('#locked-badge').waitFor();
    const late = await openPage(browser, local(links.maria), 'phone');
    await passDeviceCheck(late);
    await expectEnd(late, 'locked', 'phone', true);
    await moreAction(teacher, 'lock');
    await teacher.locator('#locked-badge').waitFor({ state: 'detached' });
    await late.locator('#end-action').click();
    await passDeviceCheck(late);
    await waitInCall(late);
    await late.locator('#leave').click();
    await expectEnd(late, 'left', 'phone', true);
  });

  it('denied from the waiting room, removed (may come back), banned (may not)', async () => {
    const { teacher, links } = await lessonWithTeacher('end-removed');
    const parent = await openPage(browser, local(links.parent), 'phone');
    await passDeviceCheck(parent);
    await parent.locator('#waiting').waitFor();
    await openPanel(teacher, 'people');
    await teacher.locator('#waiting-list [data-deny]').click();
    await expectEnd(parent, 'denied', 'phone', true);

    const pupil = await enterCall(browser, local(links.petya), 'phone');
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
  });

  it('the teacher ends the lesson for everyone', async () => {
    const { teacher, links } = await lessonWithTeacher('end-ended');
    const pupil = await enterCall(browser, local(links.maria), 'laptop');
    await tileName(teacher, 'Маша Козлова').waitFor();
    await moreAction(teacher, 'end-call');
    await confirm(teacher);
    await expectEnd(pupil, 'ended', 'laptop', false);
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
    // Masha joins without a browser (signaling only): she still gets a room.
    const masha = await TestClient.connect(server.wsUrl);
    await masha.request({
      join: { roomId: 'groups', token: new URL(p2!.joinUrl).hash.slice('#token='.length) },
    });
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
    await masha.waitForEvent((e) => Boolean(e.moved?.location));
    await teacher.locator('#breakout-timer', { hasText: 'осталось' }).waitFor();
    await teacher.locator('#breakout-status', { hasText: 'Группы закроются через' }).waitFor();
    // No reshuffle while the groups work: the button says why it is off.
    const auto = teacher.getByRole('button', { name: 'Распределить поровну' });
    expect(await auto.isDisabled()).toBe(true);
    expect(await auto.getAttribute('aria-describedby')).toBe('breakout-auto-why');
    await teacher.getByText('Группы уже открыты: поровну распределить можно, когда все вернутся.').waitFor();
    // Nor the choice that only shapes it.
    expect(await teacher.getByLabel('Распределять и гостей (родителей)').count()).toBe(0);
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

    // Each room counts its people; when Masha leaves the lesson, her room counts none.
    const counts = () =>
      teacher
        .locator('#breakout-list .room-count')
        .evaluateAll((els) => els.map((e) => e.textContent?.trim()));
    expect(await counts()).toEqual(['1', '1']);
    masha.close();
    await expect.poll(counts, { timeout: 5_000 }).toEqual(expect.arrayContaining(['0', '1']));

    // Everyone back: the message goes with the rooms.
    await teacher.click('#breakout-close');
    await petya.locator('#location').waitFor({ state: 'detached' });
    await message.waitFor({ state: 'detached' });
    await tileName(petya, 'Ирина Петрова').waitFor();
  });
});
