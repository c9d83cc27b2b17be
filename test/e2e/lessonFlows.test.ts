// Lesson flows as a person sees them, in headless Chromium: a parent joins by
// short code and password through the waiting room, and a teacher mutes a
// pupil whose browser then stops sending audio.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import {
  byteCounts,
  closePages,
  enterCall,
  isPublishing,
  openPage,
  openPanel,
  passDeviceCheck,
  personAction,
  screenshot,
  tileName,
  waitFor,
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

/** On screen and not under anything else (the control bar): a tap at its middle reaches it. */
function reachable(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && el.contains(hit);
  });
}

describe('lesson flows in the browser', () => {
  it('a guest joins by code and password, waits, and is admitted by the teacher', async () => {
    const created = await fetch(`${server.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: server.adminHeaders,
      body: JSON.stringify({
        id: 'parents-meeting',
        title: 'Parents’ meeting 7B',
        settings: { waitingRoom: 'guests' },
      }),
    });
    const room = (await created.json()) as { code: string; password: string; shortLink: string };
    const [teacher] = await createRoomWithToken(server, 'parents-meeting', [
      { displayName: 'Olga Sidorova', role: 'host', userId: 'teacher-7b' },
    ]);
    const host = await enterCall(browser, local(teacher!.joinUrl));

    const parent = await openPage(browser, local(room.shortLink));
    expect(await parent.locator('#code').inputValue()).toBe(room.code);
    await parent.fill('#name', 'Irina Petrova');
    await parent.fill('#password', 'wrong1');
    await parent.click('button[type=submit]');
    await parent.getByText('Неверный код или пароль').waitFor();
    await parent.fill('#password', room.password);
    await parent.click('button[type=submit]');
    await parent.waitForURL(/\/room\/parents-meeting/);
    await passDeviceCheck(parent);
    await parent.locator('#waiting').waitFor({ state: 'visible' });

    // The teacher sees the parent in the waiting room and admits them.
    await openPanel(host, 'people');
    const admit = host.locator('#waiting-list [data-admit]');
    await admit.waitFor();
    const waitingRow = host.locator('#waiting-list li', { hasText: 'Irina Petrova' });
    expect(await waitingRow.textContent()).toContain('гость');
    await admit.click();
    await waitInCall(parent);
    expect(await parent.locator('#waiting').isHidden()).toBe(true);
    await tileName(parent, 'Olga Sidorova').waitFor();
    await tileName(host, 'Irina Petrova').waitFor();
    await waitFor(async () => (await byteCounts(parent)).inbound.video > 0, 30_000, 'parent receives video');
  });

  it('a teacher mutes a pupil, and the pupil’s browser stops sending audio', async () => {
    const [teacher, pupil] = await createRoomWithToken(server, 'mute-room', [
      { displayName: 'Teacher', role: 'host', userId: 'mute-teacher' },
      { displayName: 'Pupil', role: 'participant', userId: 'mute-pupil' },
    ]);
    const host = await enterCall(browser, local(teacher!.joinUrl));
    const child = await enterCall(browser, local(pupil!.joinUrl));

    const sent = async () => (await byteCounts(child)).outbound.audio;
    await waitFor(async () => (await sent()) > 5_000, 30_000, 'pupil sends audio');

    await personAction(host, 'Pupil', 'block-mic');
    await child.getByText('Учитель запретил вам включать микрофон').waitFor();
    expect(await child.locator('#ask').isVisible()).toBe(true);

    // Let packets in flight drain, then the counter must stand still.
    await new Promise((r) => setTimeout(r, 1000));
    const before = await sent();
    await new Promise((r) => setTimeout(r, 2500));
    const after = await sent();
    console.log(`pupil outbound audio after mute: ${before} -> ${after} B over 2.5 s`);
    expect(after - before).toBeLessThan(500);

    // While blocked, the microphone button asks to speak instead of unmuting;
    // the request reaches the teacher and the microphone stays off.
    await child.locator('#mic').click();
    await host.locator('#people-list li', { hasText: 'Просит слово' }).waitFor();
    expect(await isPublishing(child, 'microphone')).toBe(false);
    expect(await child.locator('#mic').getAttribute('aria-pressed')).toBe('true');
  });
});

describe('breakout rooms in the browser', () => {
  it('a pupil goes to a breakout room and back without reloading, and media follows; the teacher on a phone renames it and sees who is there', async () => {
    const [teacher, pupil] = await createRoomWithToken(server, 'breakout-room', [
      { displayName: 'Teacher', role: 'host', userId: 'bo-teacher' },
      { displayName: 'Pupil', role: 'participant', userId: 'bo-pupil' },
    ]);
    const host = await enterCall(browser, local(teacher!.joinUrl), 'phone');
    const child = await enterCall(browser, local(pupil!.joinUrl));
    // Mark the page: a reload would lose this.
    await child.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    const hostHears = async () => (await byteCounts(host)).inbound.audio;
    await waitFor(async () => (await hostHears()) > 2_000, 30_000, 'teacher hears the pupil');
    await child.locator('#hand').click();

    // Five groups: the panel is longer than a phone's screen.
    await openPanel(host, 'breakouts');
    await host.fill('#breakout-count', '5');
    await host.click('#breakout-create');
    await host.locator('#breakout-list li', { hasText: 'Группа 5' }).waitFor();
    // The teacher names the group for its task.
    await host.getByRole('button', { name: 'Переименовать: Группа 1' }).click();
    await host.getByRole('textbox', { name: 'Новое название для «Группа 1»' }).fill('Дроби');
    await host.keyboard.press('Enter');
    await host.locator('#breakout-list .room-name', { hasText: 'Дроби' }).waitFor();
    await host.click('#breakout-auto');
    await host.locator('#breakout-list li', { hasText: 'Pupil' }).waitFor();
    // One pupil: the even spread puts him in the first group.
    const group = host.locator('#breakout-list li', { hasText: 'Pupil' });
    const roomCount = group.locator('.room-count');
    await roomCount.and(host.locator('[title="В группе 1 человек"]')).waitFor();
    await host.fill('#breakout-minutes', '0');
    await host.click('#breakout-open');
    await child.locator('#location', { hasText: 'Дроби' }).waitFor();
    // The pupil no longer sees the teacher's tile; the teacher is in the main room.
    await tileName(child, 'Teacher').waitFor({ state: 'hidden' });
    // A name given while the rooms are open reaches the pupil there.
    await host.getByRole('button', { name: 'Переименовать: Дроби' }).click();
    await host.getByRole('textbox', { name: 'Новое название для «Дроби»' }).fill('Дроби и проценты');
    await host.getByRole('button', { name: 'Сохранить' }).click();
    await child.locator('#location', { hasText: 'Дроби и проценты' }).waitFor();
    // The pupil's header counts the group, not the lesson.
    await child.locator('#count[title="1 участник"]').waitFor();

    // «Вернуть всех» is on a phone's screen, under five groups, without scrolling.
    const close = host.getByRole('button', { name: 'Вернуть всех в основной зал' });
    await host.locator('#panel-breakouts .panel-body').evaluate((el) => el.scrollTo(0, 0));
    await screenshot(host, 'phone-breakouts-open');
    expect(await reachable(host, '#breakout-close'), 'the close button can be tapped').toBe(true);

    // The teacher visits and hears the pupil there; the group counts two.
    await group.locator('[data-visit]').click();
    await host.locator('#location', { hasText: 'Дроби и проценты' }).waitFor();
    await tileName(host, 'Pupil').waitFor();
    await roomCount.and(host.locator('[title="В группе 2 человека"]')).waitFor();
    await child.locator('#count[title="2 участника"]').waitFor();
    let mark = await hostHears();
    await waitFor(
      async () => (await hostHears()) > mark + 2_000,
      30_000,
      'teacher hears the pupil in the breakout',
    );

    // Everyone back: same page, hand still up, media flowing again.
    await close.click();
    await child.locator('#location').waitFor({ state: 'hidden' });
    await host.locator('#location').waitFor({ state: 'hidden' });
    mark = await hostHears();
    await waitFor(
      async () => (await hostHears()) > mark + 2_000,
      30_000,
      'teacher hears the pupil back in main',
    );
    expect(await child.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await child.locator('#hand').getAttribute('aria-pressed')).toBe('true');
  });
});

describe('dropped connections', () => {
  it('rejoin by themselves with the refreshed session token, skipping the device check', async () => {
    const [pupil] = await createRoomWithToken(server, 'flaky-wifi', [
      { displayName: 'Pupil', role: 'participant', userId: 'flaky-pupil' },
    ]);
    const page = await enterCall(browser, local(pupil!.joinUrl));
    const firstToken = new URL(page.url()).hash;

    // Cut the signaling connection from the browser side, as a network drop would.
    await page.evaluate(() => {
      const call = (window as unknown as { schoolCall: { signaling: { socket: WebSocket } } }).schoolCall;
      call.signaling.socket.close();
    });

    await page.waitForURL((url) => url.hash !== firstToken, { timeout: 10_000 });
    await waitInCall(page);
    expect(await page.locator('#prejoin').isHidden()).toBe(true);
    const room = server.registry.get('flaky-wifi')!;
    await waitFor(async () => room.peers.size === 1, 5_000, 'one participant after the rejoin');
    expect([...room.peers.values()][0]!.identity.userId).toBe('flaky-pupil');
    await waitFor(async () => (await byteCounts(page)).outbound.audio > 1_000, 20_000, 'sending again');
  });
});
