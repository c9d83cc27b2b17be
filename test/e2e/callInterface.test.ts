// The call interface as teachers, pupils and parents see it, on a 1366x768
// laptop and a 360x740 phone: device check, joining by code through the
// waiting room, hands, muting with block and allow, camera off and allow, a
// screen share on the stage, language switch, and layout (control bar on
// screen, nothing wider than a phone, no English in the Russian interface).
// Every screen is saved under test-artifacts/screenshots/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import {
  type Device,
  closePages,
  coveredBy,
  enterCall,
  isPublishing,
  layoutReport,
  moreAction,
  openPage,
  openPanel,
  passDeviceCheck,
  personAction,
  screenshot,
  tileName,
  waitFor,
  waitForVideos,
  waitInCall,
} from '../helpers/callPage.js';
import { TestClient } from '../helpers/protocolClient.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ DEMO_ROOM: 'demo' });
  browser = await launchChromium();
});

const extras: TestClient[] = [];

afterEach(async () => {
  for (const c of extras.splice(0)) c.close();
  await closePages();
});

const PUPILS = [
  'Аксенова Вера',
  'Белов Олег',
  'Волкова Нина',
  'Галкин Егор',
  'Дёмина Зоя',
  'Ершов Лев',
  'Жукова Ия',
  'Зайцев Яков',
  'Иванова Ада',
  'Карпов Ян',
  'Лебедева Ая',
  'Морозов Эд',
  'Никитина Ева',
  'Орлов Гоша',
  'Павлова Уля',
  'Рябов Ник',
  'Соколова Мия',
  'Титов Руслан',
  'Ульянова Ася',
  'Фомин Петя',
  'Харитонова Ия',
  'Цветков Тим',
  'Чернова Аня',
  'Шубин Денис',
  'Щукина Рита',
  'Юдин Ваня',
  'Яковлева Лиза',
];

/** Pupils without a browser (signaling only): they fill the gallery with initials. */
async function joinPupils(roomId: string, count: number): Promise<void> {
  for (const name of PUPILS.slice(0, count)) {
    const token = (
      await server.tokens.mint({ userId: name, displayName: name, role: 'participant', roomId }, 600)
    ).token;
    const c = await TestClient.connect(server.wsUrl);
    extras.push(c);
    await c.request({ join: { roomId, token } });
  }
}

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const local = (url: string) => url.replace(server.config.publicUrl, server.httpUrl);

// Words that may stay Latin in the Russian interface: people's and rooms'
// names from the tests, and Chromium's fake device labels.
const NAMES = ['Lesson', 'Room', 'fake', 'device', 'Fake', 'Default', 'Audio', 'Input'];

/** Screenshot plus the layout rules every screen must keep. */
async function check(
  page: Page,
  name: string,
  device: Device,
  opts: { inCall?: boolean; allow?: string[] } = {},
) {
  await screenshot(page, `${device}-${name}`);
  const report = await layoutReport(page, [...NAMES, ...(opts.allow ?? [])]);
  expect(report.overflowX, `${name}: horizontal overflow`).toBe(0);
  expect(report.englishWords, `${name}: English words in the Russian interface`).toEqual([]);
  if (opts.inCall) {
    expect(report.controlsInView, `${name}: control bar on screen`).toBe(true);
    expect(report.headerInView, `${name}: header on screen`).toBe(true);
  }
}

async function createRoom(id: string, settings: Record<string, unknown> = {}, title = 'Математика, 5 «Б»') {
  const res = await fetch(`${server.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: server.adminHeaders,
    body: JSON.stringify({ id, title, settings }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { code: string; password: string; shortLink: string };
}

/** A teacher on a laptop and a pupil on a phone, both in the call and seeing each other. */
async function lesson(roomId: string) {
  await createRoom(roomId, { waitingRoom: 'off' });
  const [t, p] = await createRoomWithToken(server, roomId, [
    { displayName: 'Ольга Сидорова', role: 'host', userId: `${roomId}-teacher` },
    { displayName: 'Петя Иванов', role: 'participant', userId: `${roomId}-pupil` },
  ]);
  const teacher = await enterCall(browser, local(t!.joinUrl));
  const pupil = await enterCall(browser, local(p!.joinUrl), 'phone');
  await tileName(teacher, 'Петя Иванов').waitFor();
  await tileName(pupil, 'Ольга Сидорова').waitFor();
  return { teacher, pupil };
}

describe('pages before a call', () => {
  it('home, join by code and the demo lesson are Russian, fit a phone, and lead into the call', async () => {
    const home = await openPage(browser, `${server.httpUrl}/`, 'phone');
    await home.locator('h1', { hasText: 'Школьная видеосвязь' }).waitFor();
    await check(home, 'home', 'phone');
    await home.locator('a', { hasText: 'Войти в урок по коду встречи' }).click();
    await home.locator('#join-form').waitFor();
    await home.click('button[type=submit]');
    await home.getByText('Код встречи — 7 цифр').waitFor();
    await check(home, 'join-by-code-empty', 'phone');

    const demo = await openPage(browser, `${server.httpUrl}/demo`, 'laptop');
    await demo.fill('#name', 'Ольга Сидорова');
    await check(demo, 'demo', 'laptop');
    await demo.click('button[type=submit]');
    await demo.waitForURL(/\/room\/demo/);
    await passDeviceCheck(demo);
    await waitInCall(demo);
  });
});

describe('the call interface', () => {
  it('device check on a laptop and a phone; a parent joins by code through the waiting room', async () => {
    const room = await createRoom('ui-lesson', { waitingRoom: 'guests' });
    const [teacherLink, pupilLink] = await createRoomWithToken(server, 'ui-lesson', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'ui-teacher' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'ui-pupil' },
    ]);

    // Device check on both screens.
    const teacher = await openPage(browser, local(teacherLink!.joinUrl), 'laptop');
    await teacher.locator('#join-button:not([disabled])').waitFor({ timeout: 20_000 });
    await teacher.locator('#preview').waitFor();
    await check(teacher, 'device-check', 'laptop');
    await passDeviceCheck(teacher);
    await waitInCall(teacher);
    const pupil = await openPage(browser, local(pupilLink!.joinUrl), 'phone');
    await pupil.locator('#join-button:not([disabled])').waitFor({ timeout: 20_000 });
    await check(pupil, 'device-check', 'phone');
    await passDeviceCheck(pupil);
    await waitInCall(pupil);
    await tileName(teacher, 'Петя Иванов').waitFor();
    await tileName(pupil, 'Ольга Сидорова').waitFor();
    await waitFor(
      async () => (await pupil.locator('.tile video').count()) >= 2,
      20_000,
      'videos on the phone',
    );
    expect(await teacher.locator('#count').getAttribute('title')).toBe('2 участника');
    await check(teacher, 'call', 'laptop', { inCall: true });
    await check(pupil, 'call', 'phone', { inCall: true });

    // A parent joins by code on a phone and waits; the teacher hears a chime and sees a toast.
    const parent = await openPage(browser, local(room.shortLink), 'phone');
    await parent.locator('#password-hint', { hasText: 'латинские буквы и цифры' }).waitFor();
    await parent.fill('#name', 'Ирина Петрова');
    // Typed from paper in small letters, with a Cyrillic look-alike where there is one.
    const typed = [...room.password.toLowerCase()].map(
      (ch) => ({ a: 'а', e: 'е', k: 'к', m: 'м', t: 'т', x: 'х', y: 'у' })[ch] ?? ch,
    );
    await parent.fill('#password', typed.join(''));
    await check(parent, 'join-by-code', 'phone');
    await parent.click('button[type=submit]');
    await parent.waitForURL(/\/room\/ui-lesson/);
    await passDeviceCheck(parent);
    await parent.locator('#waiting').waitFor();
    await parent.locator('#waiting video').waitFor();
    await check(parent, 'waiting-room', 'phone');
    await teacher.locator('.toast', { hasText: 'Ирина Петрова ждёт' }).waitFor();
    await check(teacher, 'someone-waits', 'laptop', { inCall: true });
    await openPanel(teacher, 'people');
    await teacher.locator('#waiting-list li', { hasText: 'Ирина Петрова' }).waitFor();
    await check(teacher, 'people-waiting', 'laptop', { inCall: true });
    await teacher.locator('#waiting-list [data-admit]').click();
    await waitInCall(parent);
    await tileName(teacher, 'Ирина Петрова').waitFor();

    // The guest's end screens: removed (she may ask to come back), and the lesson over.
    await personAction(teacher, 'Ирина Петрова', 'remove');
    await teacher.locator('dialog.confirm #confirm-yes').click();
    await parent.locator('#end[data-end="removed"]').waitFor();
    await check(parent, 'guest-end-removed', 'phone');
    await parent.getByRole('button', { name: 'Войти снова' }).click();
    await passDeviceCheck(parent);
    // Let in once, she comes back without waiting again.
    await waitInCall(parent);
    await moreAction(teacher, 'end-call');
    await teacher.locator('dialog.confirm #confirm-yes').click();
    await parent.locator('#end[data-end="ended"]').waitFor();
    await parent.getByText('Эту вкладку можно закрыть.', { exact: false }).waitFor();
    await check(parent, 'guest-end-ended', 'phone');
    // «Закрыть» closes the tab, or (a tab the browser keeps) leads home.
    await parent.getByRole('button', { name: 'Закрыть', exact: true }).click();
    await Promise.race([parent.waitForEvent('close'), parent.waitForURL(`${server.httpUrl}/`)]);
  });

  it('hands as a numbered queue, muting with a block and "give the floor", camera off and "allow camera"', async () => {
    const { teacher, pupil } = await lesson('ui-hands');
    await openPanel(teacher, 'people');

    // The pupil raises a hand: a numbered queue for the teacher, a hand on the tile.
    await pupil.locator('#hand').click();
    await teacher.locator('#hands-list li', { hasText: 'Петя Иванов' }).waitFor();
    expect(await teacher.locator('#hands-list li .position').first().textContent()).toBe('1.');
    await teacher.locator('.tile', { hasText: 'Петя Иванов' }).locator('.tile-badge.hand').waitFor();
    await check(teacher, 'hands-queue', 'laptop', { inCall: true });

    // The teacher turns the pupil's microphone off (blocked): the pupil reads
    // why and the button shows the lock; the list shows it too.
    await personAction(teacher, 'Петя Иванов', 'block-mic');
    await pupil.getByText('Учитель запретил вам включать микрофон').waitFor();
    // On a phone the toast hides neither a name nor the control bar.
    expect(await coveredBy(pupil, '.toast', '.tile-label, #controls button')).toEqual([]);
    await pupil.locator('#mic[data-blocked="true"]').waitFor();
    expect(await isPublishing(pupil, 'microphone')).toBe(false);
    await teacher.locator('#people-list li', { hasText: 'Петя Иванов' }).locator('.state.blocked').waitFor();
    await check(pupil, 'muted-by-teacher', 'phone', { inCall: true });

    // "Give the floor" from the hand queue: the block is lifted, the hand
    // lowered, and the pupil gets a clear cue; the microphone turns on.
    await teacher.locator('#hands-list [data-give-floor]').click();
    await pupil.getByText('Учитель разрешил вам говорить').waitFor();
    await pupil.locator('#mic.cue').waitFor();
    // The lowered hand comes with the room's next presence batch, a moment after the cue.
    await pupil.locator('#hand[aria-pressed="false"]').waitFor({ timeout: 5_000 });
    await check(pupil, 'allowed-to-speak', 'phone', { inCall: true });
    await pupil.locator('#mic').click();
    await waitFor(() => isPublishing(pupil, 'microphone'), 5_000, 'the pupil speaks again');

    // Camera off by the teacher: initials on the teacher's screen, no frozen frame.
    await personAction(teacher, 'Петя Иванов', 'block-camera');
    await pupil.getByText('Учитель запретил вам включать камеру').waitFor();
    await teacher.locator('.tile.no-video', { hasText: 'Петя Иванов' }).locator('.initials').waitFor();
    await check(teacher, 'camera-off-initials', 'laptop', { inCall: true });
    await personAction(teacher, 'Петя Иванов', 'allow-camera');
    await pupil.getByText('Учитель разрешил включить камеру').waitFor();
    await pupil.locator('#cam.cue').waitFor();
    await pupil.locator('#cam').click();
    await waitFor(() => isPublishing(pupil, 'camera'), 5_000, 'the pupil’s camera is back');
    await teacher.locator('.tile:not(.no-video)', { hasText: 'Петя Иванов' }).locator('video').waitFor();
  });

  it('a screen share takes the stage; pin, reactions, keyboard, English', async () => {
    const { teacher, pupil } = await lesson('ui-share');

    // The teacher shares the screen: it takes the pupil's stage, people in the strip.
    await teacher.locator('#share').click();
    await pupil.locator('.stage-main .tile.screen').waitFor({ timeout: 15_000 });
    await pupil.locator('.strip .tile').first().waitFor();
    await waitForVideos(pupil);
    await check(pupil, 'screen-share', 'phone', { inCall: true });
    await check(teacher, 'sharing', 'laptop', { inCall: true });

    // The teacher pins the pupil on the stage instead.
    await teacher.locator('#share').click();
    await teacher.locator('.tile', { hasText: 'Петя Иванов' }).hover();
    await teacher.locator('.tile', { hasText: 'Петя Иванов' }).locator('[data-pin]').click();
    await teacher.locator('.stage-main .tile', { hasText: 'Петя Иванов' }).waitFor();
    await waitForVideos(teacher);
    await check(teacher, 'pinned', 'laptop', { inCall: true });

    // Reactions are icons with words, the same on every machine, on the
    // sender's tile above the name tag, which stays readable.
    await pupil.locator('#more').click();
    await pupil.locator('.menu [data-reaction="2"]').click();
    const onTile = teacher.locator('.tile', { hasText: 'Петя Иванов' }).locator('.tile-reaction');
    await onTile.filter({ hasText: 'Аплодисменты' }).locator('svg').waitFor();
    expect(await coveredBy(teacher, '.call-reaction:not(.visually-hidden)', '.tile-label')).toEqual([]);
    await check(teacher, 'reaction', 'laptop', { inCall: true });
    await teacher.locator('#reactions-button').click();
    await teacher.locator('.menu [data-reaction="1"]').click();
    await pupil.locator('.tile', { hasText: 'Ольга Сидорова' }).locator('.tile-reaction').waitFor();
    expect(await coveredBy(pupil, '.call-reaction:not(.visually-hidden)', '.tile-label')).toEqual([]);
    await check(pupil, 'reaction', 'phone', { inCall: true });

    // The keyboard reaches the controls: "more" opens with Enter, arrows move,
    // Escape closes and gives focus back, and focus is visible.
    await teacher.locator('#more').focus();
    await teacher.keyboard.press('Enter');
    await teacher.locator('.menu').waitFor();
    const focused = () =>
      teacher.evaluate(() => document.activeElement?.getAttribute('role') ?? document.activeElement?.id);
    // (The first items are the background tiles, radio items of the menu.)
    expect(await focused()).toMatch(/^menuitem/);
    await teacher.keyboard.press('ArrowDown');
    expect(await focused()).toMatch(/^menuitem/);
    await teacher.keyboard.press('Escape');
    await teacher.locator('.menu').waitFor({ state: 'detached' });
    expect(await focused()).toBe('more');
    const ring = await teacher.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(ring).toBe('solid');
    // Every button a person can reach has a name.
    const unnamed = await teacher.evaluate(() =>
      [...document.querySelectorAll('button')]
        .filter((b) => b.offsetParent !== null && !(b.getAttribute('aria-label') || b.textContent?.trim()))
        .map((b) => b.outerHTML.slice(0, 120)),
    );
    expect(unnamed).toEqual([]);

    // English for whoever prefers it, remembered after a reload.
    await pupil.locator('#more').click();
    await check(pupil, 'more-menu', 'phone', { inCall: true });
    await pupil.locator('.menu [data-lang-switch]').click();
    await pupil.locator('#mic[aria-label^="Turn microphone off"]').waitFor();
    await screenshot(pupil, 'phone-english');
    expect(await pupil.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await pupil.evaluate(() => localStorage.getItem('school-call-lang'))).toBe('en');
  });

  it('a class of 29 pages its gallery on a laptop and a phone; a tile off the page receives no video', async () => {
    await createRoom('ui-class', { waitingRoom: 'off' }, 'Русский язык, 5 «Б»');
    const [a, b] = await createRoomWithToken(server, 'ui-class', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'class-teacher' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'class-pupil' },
    ]);
    const teacher = await enterCall(browser, local(a!.joinUrl));
    const pupil = await enterCall(browser, local(b!.joinUrl), 'phone');
    await joinPupils('ui-class', 27);
    await teacher.locator('#count[title="29 участников"]').waitFor();
    await teacher.locator('.pager', { hasText: 'Страница 1 из 2' }).waitFor();
    await check(teacher, 'class-of-29', 'laptop', { inCall: true });
    await pupil.locator('.pager', { hasText: 'Страница 1 из 5' }).waitFor();
    await check(pupil, 'class-of-29', 'phone', { inCall: true });
    // The teacher's tile is first; the pupil's page 1 shows it with video.
    await pupil.locator('.tile', { hasText: 'Ольга Сидорова' }).locator('video').waitFor();
    const room = server.registry.get('ui-class')!;
    const pupilPeer = [...room.peers.values()].find((p) => p.identity.userId === 'class-pupil')!;
    const teacherVideo = () => [...pupilPeer.consumers.values()].find((c) => c.kind === 'video')!;
    await waitFor(async () => !teacherVideo().paused, 15_000, 'the teacher’s video resumed on page 1');
    // A small tile asks for the smallest simulcast layer.
    await waitFor(
      async () => teacherVideo().preferredLayers?.spatialLayer === 0,
      10_000,
      'the small tile asked for the small layer',
    );
    // On page 2 the teacher's tile is off screen: its video is paused on the server.
    await pupil.locator('#stage-next').click();
    await pupil.locator('.pager', { hasText: 'Страница 2 из 5' }).waitFor();
    await waitFor(async () => teacherVideo().paused, 10_000, 'the teacher’s video paused off the page');
    await check(pupil, 'class-page-2', 'phone', { inCall: true });
    await pupil.locator('#stage-prev').click();
    await waitFor(async () => !teacherVideo().paused, 10_000, 'the teacher’s video resumed on return');
  });

  it('a tab out of sight receives no video: the client pauses its consumers and the server honours it', async () => {
    const [a, b] = await createRoomWithToken(server, 'ui-hidden', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'hid-teacher' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'hid-pupil' },
    ]);
    const teacher = await enterCall(browser, local(a!.joinUrl));
    const pupil = await enterCall(browser, local(b!.joinUrl), 'phone');
    await tileName(pupil, 'Ольга Сидорова').waitFor();
    const room = server.registry.get('ui-hidden')!;
    const pupilPeer = () => [...room.peers.values()].find((p) => p.identity.userId === 'hid-pupil')!;
    const videoConsumers = () => [...pupilPeer().consumers.values()].filter((c) => c.kind === 'video');
    await waitFor(async () => videoConsumers().some((c) => !c.paused), 15_000, 'video resumed while visible');

    // The phone's browser goes to the background.
    await pupil.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(async () => videoConsumers().every((c) => c.paused), 10_000, 'video paused on the server');
    expect(videoConsumers().length).toBeGreaterThan(0);
    // Audio keeps playing.
    expect(
      [...pupilPeer().consumers.values()].filter((c) => c.kind === 'audio').every((c) => !c.paused),
    ).toBe(true);

    await pupil.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(async () => videoConsumers().every((c) => !c.paused), 10_000, 'video resumed on return');
    await teacher.close();
  });
});
