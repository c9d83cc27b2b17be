// «Награды» (#27) in the browser, by visible labels: a teacher the school has
// not confirmed opens «Наградить» and is told only confirmed teachers give
// awards; a confirmed teacher gives «Звезда урока» to three pupils with a
// comment, announced in the class chat; a mother on her phone sees it on her
// daughter's board, and so does the pupil. Screenshots:
// test-artifacts/screenshots/{laptop,phone}-awards-*.
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirKeys } from '../../directory/store.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';

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
      await n.getByRole('button', { name: 'Наградить' }).click();
      await n.getByText('Награды дают учителя, подтверждённые школой', { exact: false }).waitFor();
      expect(await n.getByRole('button', { name: /Вручить награду/ }).count()).toBe(0);
      await screenshot(n, 'laptop-awards-not-verified');

      // A confirmed teacher gives «Звезда урока» to three pupils.
      const page = await open(confirmed, 'laptop');
      await page.locator(`[data-chat="${chatId}"]`).click();
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
      await screenshot(page, 'laptop-awards-given');
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
    },
  );
});
