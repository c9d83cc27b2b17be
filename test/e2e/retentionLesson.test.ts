// Retention reaches the lesson chat inside a call (#26): a pupil on a phone
// has the call's chat panel open; the school keeps messages for 30 days;
// 30 days later by the server's clock
// (test/helpers/clock.ts) the background job removes the old messages, and
// they leave the pupil's panel without a reload (Event.chat_messages_expired),
// while the note and the newer message stay.
// Screenshots: test-artifacts/screenshots/phone-retention-lesson-{before,after}.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../messaging/retention.js';
import { RetentionStore } from '../../messaging/store/retentionStore.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { TestClock } from '../helpers/clock.js';
import { until } from '../helpers/installed.js';

const ROOM = 'hist-7b';
const CHAT = `room.${ROOM}`;
const TEACHER = { userId: 'rls-t', displayName: 'Анна Петровна Смирнова', sortName: 'Смирнова Анна' };
const PUPIL = { userId: 'rls-p', displayName: 'Коля Васильев', sortName: 'Васильев Коля' };

const clock = new TestClock();
let s: ChatTestServer;
let browser: Browser;
let teacherApi: TestChatClient;
let pupil: Page;

const q = async (sql: string, params: unknown[] = []) => (await s.server.database!.query(sql, params)).rows;
const dbNow = async () =>
  Number((await q('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS t'))[0]!.t);

async function joinUrl(p: { userId: string; displayName: string; sortName: string }, role: string) {
  const res = await fetch(`${s.httpUrl}/api/rooms/${ROOM}/tokens`, {
    method: 'POST',
    headers: s.adminHeaders,
    body: JSON.stringify({ ...p, role }),
  });
  const { joinUrl: url } = (await res.json()) as { joinUrl: string };
  return `${s.httpUrl}${new URL(url).pathname}${new URL(url).hash}`;
}

const bubble = (page: Page, text: string) =>
  page.locator('#panel-chat .msg').filter({ has: page.locator('.msg-text', { hasText: text }) });

describe.skipIf(!chromiumAvailable())('retention in the lesson chat of a call', () => {
  beforeAll(async () => {
    s = await startChatServer({}, { extras: { clock: clock.now, retentionEveryMs: 300 } });
    const created = await fetch(`${s.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ id: ROOM, title: 'История 7Б', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    browser = await launchChromium();
    await enterCall(browser, await joinUrl(TEACHER, 'host'));
    pupil = await enterCall(browser, await joinUrl(PUPIL, 'participant'), 'phone');
    // The teacher writes through the messenger's socket: the same chat, seen in the call.
    teacherApi = await s.client({ ...TEACHER, role: 'teacher' });
    // The pupil is of the same school (their messenger account).
    await s.token({ ...PUPIL, role: 'student' });
  }, 120_000);
  afterAll(async () => {
    await closePages();
    await browser?.close();
    teacherApi?.close();
    await s?.stop();
  });

  it('on a phone: the expired messages leave the open chat panel of the call', async () => {
    await teacherApi.send(CHAT, 'Старое: параграф 12 прочитать к среде.');
    await teacherApi.send(CHAT, 'Старое: контурные карты принести.');
    const oldAt = Number(
      (await q('SELECT max(at) AS at FROM messaging.message WHERE chat_id = $1', [CHAT]))[0]!.at,
    );
    // The database's clock stamps messages: the newer ones come 4 s later by it.
    await until(async () => (await dbNow()) > oldAt + 4000, 'four seconds on the database clock');
    // The school keeps messages for 30 days (its admin's screen: schoolRetention.test.ts); a
    // lesson chat has no period of its own, its school's applies.
    await new RetentionStore(s.server.database!).setPolicy(
      'school-1',
      { days: 30, chatsMayShorten: true },
      'test',
      Date.now(),
    );
    await teacherApi.send(CHAT, 'Новое: проверочная в пятницу.');

    await pupil.locator('#chat-button').click();
    await pupil.locator('#panel-chat .chat-panel').waitFor();
    await bubble(pupil, 'контурные карты принести').waitFor();
    await bubble(pupil, 'проверочная в пятницу').waitFor();
    await screenshot(pupil, 'phone-retention-lesson-before');
    // A reload would lose this mark.
    await pupil.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    // 30 days later by the server's clock, between the old and the new messages.
    clock.advance(30 * DAY_MS + oldAt + 1500 - clock.now());
    await bubble(pupil, 'контурные карты принести').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await bubble(pupil, 'параграф 12 прочитать').count()).toBe(0);
    await bubble(pupil, 'проверочная в пятницу').waitFor();
    expect(await pupil.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    await screenshot(pupil, 'phone-retention-lesson-after');
  }, 120_000);
});
