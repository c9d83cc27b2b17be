// «Награды» (#27) in the browser, by visible labels: a teacher the school has
// not confirmed opens «Награды класса» and is told only confirmed teachers
// give awards; a confirmed teacher gives «Звезда урока» to three pupils with a
// comment, announced in the class chat, sees the class's awards counted and
// withdraws one she gave (asked first; «Отмена» keeps it); a mother on her phone sees it on her daughter's
// board, and so does the pupil; the other teacher of the class sees the
// class's awards on her phone (none hers to withdraw), in English too.
// Screenshots: test-artifacts/screenshots/{laptop,phone}-awards-*.
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirKeys } from '../../directory/store.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { chatAction } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let browser: Browser;
let chatId: string;
const confirmed = { userId: 'awe-t', displayName: 'Мария Ивановна Соколова', sortName: 'Соколова Мария' };
const newcomer = { userId: 'awe-n', displayName: 'Пётр Сергеевич Ким', sortName: 'Ким Пётр' };
const pupils = [
  { userId: 'awe-a', displayName: 'Анна Белова', sortName: 'Белова Анна', role: 'student' as const },
  { userId: 'awe-b', displayName: 'Борис Волков', sortName: 'Волков Борис', role: 'student' as const },
  { userId: 'awe-v', displayName: 'Вера Громова', sortName: 'Громова Вера', role: 'student' as const },
];
const mother = {
  userId: 'awe-m',
  displayName: 'Ольга Белова',
  sortName: 'Белова Ольга',
  role: 'parent' as const,
};

describe.skipIf(!chromiumAvailable())('awards in the browser', () => {
  beforeAll(async () => {
    s = await startChatServer();
    const db = new pg.Pool({ connectionString: s.server.config.databaseUrl! });
    await db.query(
      `INSERT INTO accounts.verifications (id, school_id, person_id, status, created_at)
       VALUES ('v-awe', 'school-1', $1, 'approved', now())`,
      [confirmed.userId],
    );
    await db.end();
    for (const p of [...pupils, mother, newcomer]) await s.token(p);
    const api = await s.client(confirmed);
    chatId = (
      await api.request({
        createChat: { title: '5А класс', members: [...pupils.map((p) => p.userId), newcomer.userId] },
      })
    ).chat!.chatId!;
    api.close();
    const redis = new Redis(s.redis!.url);
    await redis.hset(
      dirKeys.placements('school-1'),
      mother.userId,
      JSON.stringify({ role: 'parent', classes: ['5А'], children: [pupils[0]!.userId] }),
    );
    // Both teachers teach 5А, where the three pupils are: the class's boards are theirs to read.
    for (const id of [confirmed.userId, newcomer.userId])
      await redis.hset(
        dirKeys.placements('school-1'),
        id,
        JSON.stringify({ role: 'teacher', classes: ['5А'] }),
      );
    for (const p of pupils)
      await redis.hset(
        dirKeys.placements('school-1'),
        p.userId,
        JSON.stringify({ role: 'student', classes: ['5А'] }),
      );
    redis.disconnect();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await s?.stop();
  });

  const open = async (person: { userId: string; displayName: string }, device: 'laptop' | 'phone') => {
    const page = await openPage(browser, `${s.httpUrl}/messenger#token=${await s.token(person)}`, device);
    await page.locator('.messenger').waitFor();
    return page;
  };

  it(
    'only a confirmed teacher gives; three pupils at once; the mother sees it on her phone',
    { timeout: 150_000 },
    async () => {
      // A teacher the school has not confirmed is told so, and given no form.
      const n = await open(newcomer, 'laptop');
      await n.locator(`[data-chat="${chatId}"]`).click();
      await chatAction(n, 'Награды класса');
      await n.getByText('Награды дают учителя, подтверждённые школой', { exact: false }).waitFor();
      await n.getByText('У класса 0 наград').waitFor();
      expect(await n.getByRole('button', { name: 'Наградить' }).count()).toBe(0);
      await screenshot(n, 'laptop-awards-not-verified');

      // A confirmed teacher gives «Звезда урока» to three pupils.
      const page = await open(confirmed, 'laptop');
      await page.locator(`[data-chat="${chatId}"]`).click();
      await chatAction(page, 'Награды класса');
      await page.getByRole('button', { name: 'Наградить' }).click();
      await page.getByText('Звезда урока').click();
      for (const p of pupils) await page.getByLabel(p.displayName).check();
      await page.getByLabel('Комментарий к награде').fill('За проект о лете');
      await screenshot(page, 'laptop-awards-give');
      const form = await layoutReport(page);
      expect(form.overflowX).toBe(0);
      expect(form.englishWords).toEqual([]);
      await page.getByRole('button', { name: 'Вручить награду (3)' }).click();
      await page.getByText('Награда вручена: Анна Белова, Борис Волков, Вера Громова').waitFor();
      // Back on the class's list: each pupil's board, counted.
      await page.getByText('У класса 3 награды').waitFor();
      for (const p of pupils)
        await page
          .getByRole('region', { name: `Награды: ${p.displayName}` })
          .getByText('Звезда урока')
          .waitFor();
      await screenshot(page, 'laptop-awards-given');
      // A second award to Анна, then withdrawn from the class's list.
      await page.getByRole('button', { name: 'Наградить' }).click();
      await page.getByText('Книгочей').click();
      await page.getByLabel('Анна Белова').check();
      await page.getByLabel('Объявить в чате').uncheck();
      await page.getByRole('button', { name: 'Вручить награду (1)' }).click();
      const anna = page.getByRole('region', { name: 'Награды: Анна Белова' });
      await anna.getByText('2 награды').waitFor();
      await page.getByText('У класса 4 награды').waitFor();
      await page.getByText('Книгочей 1').waitFor();
      await screenshot(page, 'laptop-awards-class');
      const list = await layoutReport(page);
      expect(list.overflowX).toBe(0);
      expect(list.englishWords).toEqual([]);
      // Withdrawing asks first: «Отмена» keeps it, «Отозвать награду» takes it away.
      const withdraw = anna
        .getByRole('listitem')
        .filter({ hasText: 'Книгочей' })
        .getByRole('button', { name: 'Отозвать награду' });
      await withdraw.click();
      const ask = page.getByRole('dialog');
      await ask
        .getByText('Отозвать награду «Книгочей»? Анна Белова больше не увидит её среди своих наград.')
        .waitFor();
      await screenshot(page, 'laptop-awards-withdraw-confirm');
      await ask.getByRole('button', { name: 'Отмена' }).click();
      await expect.poll(() => ask.isVisible()).toBe(false);
      expect(await anna.getByText('2 награды').count()).toBe(1);
      await withdraw.click();
      await ask.getByRole('button', { name: 'Отозвать награду' }).click();
      await anna.getByText('1 награда').waitFor();
      expect(await anna.getByText('Книгочей').count()).toBe(0);
      await page.getByRole('button', { name: 'Назад' }).click();
      await page
        .getByText('Награда «Звезда урока»: Анна Белова, Борис Волков, Вера Громова.', { exact: false })
        .first()
        .waitFor();

      // The mother, on her phone, sees it on her daughter's board.
      const phone = await open(mother, 'phone');
      await phone.getByRole('button', { name: 'Награды' }).click();
      const board = phone.getByRole('region', { name: 'Награды: Анна Белова' });
      await board.getByText('Звезда урока').waitFor();
      await board.getByText('За проект о лете').waitFor();
      await board.getByText('Мария Ивановна Соколова', { exact: false }).waitFor();
      expect(await phone.locator('#awards').innerText()).not.toContain('Борис');
      await screenshot(phone, 'phone-awards-parent');
      const parent = await layoutReport(phone);
      expect(parent.overflowX).toBe(0);
      expect(parent.englishWords).toEqual([]);

      // And the pupil on hers.
      const pupil = await open(pupils[1]!, 'phone');
      await pupil.getByRole('button', { name: 'Награды' }).click();
      await pupil.getByRole('region', { name: 'Награды: Борис Волков' }).getByText('Звезда урока').waitFor();
      await screenshot(pupil, 'phone-awards-pupil');

      // The class's other teacher, on her phone: each pupil's award, none hers to withdraw.
      const other = await open(newcomer, 'phone');
      await other.locator(`[data-chat="${chatId}"]`).click();
      await chatAction(other, 'Награды класса');
      await other.getByText('У класса 3 награды').waitFor();
      for (const p of pupils)
        await other
          .getByRole('region', { name: `Награды: ${p.displayName}` })
          .getByText('1 награда')
          .waitFor();
      expect(await other.getByRole('button', { name: 'Отозвать награду' }).count()).toBe(0);
      await screenshot(other, 'phone-awards-class');
      const phoneList = await layoutReport(other);
      expect(phoneList.overflowX).toBe(0);
      expect(phoneList.englishWords).toEqual([]);
      await other.locator('[data-lang-switch]').click();
      await other.getByRole('heading', { name: 'Class awards' }).waitFor();
      await other.getByText('The class has 3 awards').waitFor();
      await screenshot(other, 'phone-awards-class-english');
    },
  );
});
