// Retention reaches open screens (#26): a pupil has a class chat open whose
// auto-deletion is a day; a day later by the server's clock
// (test/helpers/clock.ts) the background job removes the old messages, and
// they leave the pupil's screen without a reload (ChatEvent.messages_expired),
// while the newer message and the note stay. At 360 px and 1366 px. A chat
// the pupil has not opened loses the removed messages from its unread badge
// (the read mark moved past them: the event carries the new count).
// Screenshots: test-artifacts/screenshots/{phone,laptop}-retention-live-{before,after}.png,
// phone-retention-unread-{before,after}.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../messaging/retention.js';
import { chromiumAvailable } from '../helpers/browser.js';
import { screenshot } from '../helpers/callPage.js';
import type { ChatTestServer, TestChatClient } from '../helpers/chatServer.js';
import { TestClock } from '../helpers/clock.js';
import { until } from '../helpers/installed.js';
import { messengerScene } from '../helpers/messengerScene.js';

const clock = new TestClock();
let s: ChatTestServer;
let teacherApi: TestChatClient;
const teacher = {
  userId: 'rl-t',
  displayName: 'Ольга Викторовна Белова',
  sortName: 'Белова Ольга',
  role: 'teacher' as const,
};
const pupil = {
  userId: 'rl-p',
  displayName: 'Даша Орлова',
  sortName: 'Орлова Даша',
  role: 'student' as const,
};

const q = async (sql: string, params: unknown[] = []) => (await s.server.database!.query(sql, params)).rows;
const dbNow = async () =>
  Number((await q('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS t'))[0]!.t);

describe.skipIf(!chromiumAvailable())('retention on an open chat', () => {
  const scene = messengerScene(teacher, [pupil], async () => {}, {
    extras: { clock: clock.now, retentionEveryMs: 300 },
  });
  beforeAll(() => {
    ({ s, teacherApi } = scene);
  });

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: the expired messages leave the open chat without a reload`, async () => {
      // The server's clock back to now (the other device's test moved it a day on).
      clock.advance(Date.now() - clock.now());
      const title = device === 'phone' ? '7Б: объявления' : '8А: объявления';
      const { chat } = await teacherApi.request({ createChat: { title, members: [pupil.userId] } });
      const chatId = chat!.chatId!;
      await teacherApi.send(chatId, 'Старое: сдать учебники до пятницы.');
      await teacherApi.send(chatId, 'Старое: собрание в 18:00.');
      const oldAt = Number(
        (await q('SELECT max(at) AS at FROM messaging.message WHERE chat_id = $1', [chatId]))[0]!.at,
      );
      // The database's clock stamps messages: the newer ones come 4 s later by it.
      await until(async () => (await dbNow()) > oldAt + 4000, 'four seconds on the database clock');
      await teacherApi.request({ setChatRetention: { chatId, days: 1 } });
      await teacherApi.send(chatId, 'Новое: завтра экскурсия.');

      const page = await scene.open(pupil, device, chatId);
      await page.locator(`[data-chat="${chatId}"]`).click();
      const list = page.locator('ol.messages');
      await list.getByText('Старое: собрание в 18:00.').waitFor();
      await list.getByText('Новое: завтра экскурсия.').waitFor();
      await screenshot(page, `${device}-retention-live-before`);
      // A reload would lose this mark.
      await page.evaluate(() => {
        (window as unknown as { notReloaded: boolean }).notReloaded = true;
      });

      // A day later by the server's clock, between the old and the new messages.
      clock.advance(DAY_MS + oldAt + 1500 - clock.now());
      await list.getByText('Старое: собрание в 18:00.').waitFor({ state: 'detached', timeout: 20_000 });
      expect(await list.getByText('Старое: сдать учебники до пятницы.').count()).toBe(0);
      await list.getByText('Новое: завтра экскурсия.').waitFor();
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
        true,
      );
      await screenshot(page, `${device}-retention-live-after`);
    }, 120_000);
  }

  it('on a phone: the chat list badge stops counting the unread messages that were removed', async () => {
    clock.advance(Date.now() - clock.now());
    const { chat } = await teacherApi.request({
      createChat: { title: '9В: родительский чат', members: [pupil.userId] },
    });
    const chatId = chat!.chatId!;
    await teacherApi.send(chatId, 'Старое: оплатить питание до 5-го.');
    await teacherApi.send(chatId, 'Старое: принести сменную обувь.');
    await teacherApi.send(chatId, 'Старое: классный час перенесён.');
    const oldAt = Number(
      (await q('SELECT max(at) AS at FROM messaging.message WHERE chat_id = $1', [chatId]))[0]!.at,
    );
    await until(async () => (await dbNow()) > oldAt + 4000, 'four seconds on the database clock');
    await teacherApi.request({ setChatRetention: { chatId, days: 1 } });
    await teacherApi.send(chatId, 'Новое: родительское собрание в четверг.');

    // The pupil has not opened the chat: the list counts the creation note, the three old ones, the period's note and the new one.
    const page = await scene.open(pupil, 'phone', chatId);
    const badge = page.locator(`[data-chat="${chatId}"] .badge`);
    await expect.poll(() => badge.getAttribute('aria-label')).toBe('6 непрочитанных');
    await screenshot(page, 'phone-retention-unread-before');

    clock.advance(DAY_MS + oldAt + 1500 - clock.now());
    // Without a reload: the badge counts the note and the new message only.
    await expect.poll(() => badge.getAttribute('aria-label'), { timeout: 20_000 }).toBe('2 непрочитанных');
    expect(await badge.textContent()).toBe('2');
    // What the server counts for the pupil agrees (the next chat-list load).
    const pupilApi = await s.client(pupil);
    const listed = (await pupilApi.request({ listChats: {} })).chats?.chats?.find((c) => c.chatId === chatId);
    expect(listed?.unread).toBe(2);
    pupilApi.close();
    await screenshot(page, 'phone-retention-unread-after');
  }, 120_000);
});
