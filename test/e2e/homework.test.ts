// «Сбор файлов» (#27) in the browser, acting as the people through visible
// labels: a teacher on a laptop creates a collection with a deadline in a
// class chat; two pupils on phones hand in files (the second after the
// deadline: late); the teacher sees the table, reminds the third with one
// tap, and downloads the ZIP, whose entries are the files sent, byte for
// byte; a pupil sees only her own row; a parent on a phone sees her child's
// status. Screenshots: test-artifacts/screenshots/{laptop,phone}-homework-*.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirKeys } from '../../directory/store.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { chatAction } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let browser: Browser;
let db: pg.Pool;
let veraApi: TestChatClient;
let chatId: string;
const teacher = { userId: 'hwe-t', displayName: 'Мария Ивановна Соколова', sortName: 'Соколова Мария' };
const anna = {
  userId: 'hwe-a',
  displayName: 'Анна Белова',
  sortName: 'Белова Анна',
  role: 'student' as const,
};
const boris = {
  userId: 'hwe-b',
  displayName: 'Борис Волков',
  sortName: 'Волков Борис',
  role: 'student' as const,
};
const vera = {
  userId: 'hwe-v',
  displayName: 'Вера Громова',
  sortName: 'Громова Вера',
  role: 'student' as const,
};
const mother = {
  userId: 'hwe-m',
  displayName: 'Ольга Белова',
  sortName: 'Белова Ольга',
  role: 'parent' as const,
};
// Latin words the pages may show: file types the teacher typed.
const ALLOW = ['pdf', 'jpg'];

describe.skipIf(!chromiumAvailable())('homework collection in the browser', () => {
  beforeAll(async () => {
    s = await startChatServer();
    db = new pg.Pool({ connectionString: s.server.config.databaseUrl! });
    for (const p of [anna, boris, mother]) await s.token(p);
    veraApi = await s.client(vera);
    const teacherApi = await s.client(teacher);
    chatId = (
      await teacherApi.request({
        createChat: { title: '5А класс', members: [anna.userId, boris.userId, vera.userId] },
      })
    ).chat!.chatId!;
    teacherApi.close();
    const redis = new Redis(s.redis!.url);
    await redis.hset(
      dirKeys.placements('school-1'),
      mother.userId,
      JSON.stringify({ role: 'parent', classes: ['5А'], children: [anna.userId] }),
    );
    redis.disconnect();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    veraApi?.close();
    await db?.end();
    await s?.stop();
  });

  const open = async (person: { userId: string; displayName: string }, device: 'laptop' | 'phone') => {
    const page = await openPage(browser, `${s.httpUrl}/messenger#token=${await s.token(person)}`, device);
    await page.locator('.messenger').waitFor();
    return page;
  };
  const openCollection = async (page: Page) => {
    await page.locator(`[data-chat="${chatId}"]`).click();
    await chatAction(page, 'Сбор файлов в этом чате');
    await page
      .locator('#homework')
      .getByRole('button', { name: /Сочинение о лете/ })
      .click();
  };
  const handIn = async (page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) => {
    await page.getByLabel('Выбрать файлы').setInputFiles(files);
    await page.getByRole('button', { name: 'Сдать', exact: true }).click();
  };

  it(
    'a teacher collects, two pupils hand in (one late), the table, a reminder and the ZIP',
    { timeout: 180_000 },
    async () => {
      // The teacher creates the collection from the class chat.
      const page = await open(teacher, 'laptop');
      await page.locator(`[data-chat="${chatId}"]`).click();
      await chatAction(page, 'Сбор файлов в этом чате');
      await page.getByRole('button', { name: 'Создать сбор' }).click();
      await page.getByLabel('Название').fill('Сочинение о лете');
      await page.getByLabel('Что сдать').fill('Сфотографируйте тетрадь или пришлите файл.');
      const year = new Date().getFullYear() + 1;
      await page.getByLabel('Срок сдачи').fill(`${year}-05-20T18:00`);
      await page.getByLabel('Разрешённые типы файлов').fill('pdf, jpg');
      await screenshot(page, 'laptop-homework-create');
      const created = await layoutReport(page, ALLOW);
      expect(created.overflowX).toBe(0);
      expect(created.englishWords).toEqual([]);
      await page.getByRole('button', { name: 'Начать сбор' }).click();
      const row = (name: string) => page.locator('tr.hw-row', { has: page.getByRole('rowheader', { name }) });
      for (const p of [anna, boris, vera]) await row(p.displayName).getByText('Не сдано').waitFor();
      await screenshot(page, 'laptop-homework-table-empty');

      // Anna hands in two files on her phone, before the deadline.
      const annaPage1 = randomBytes(20_000);
      const annaPhoto = randomBytes(30_000);
      const phoneA = await open(anna, 'phone');
      await openCollection(phoneA);
      await phoneA.getByText('Принимаются: pdf, jpg', { exact: false }).waitFor();
      await handIn(phoneA, [
        { name: 'сочинение.pdf', mimeType: 'application/pdf', buffer: annaPage1 },
        { name: 'тетрадь.jpg', mimeType: 'image/jpeg', buffer: annaPhoto },
      ]);
      await phoneA.locator('#hw-own-state').getByText('Сдано', { exact: false }).waitFor();
      await phoneA.getByRole('button', { name: 'тетрадь.jpg' }).waitFor();
      await screenshot(phoneA, 'phone-homework-pupil-handed');
      const pupilReport = await layoutReport(phoneA, ALLOW);
      expect(pupilReport.overflowX).toBe(0);
      expect(pupilReport.englishWords).toEqual([]);

      // The deadline passes; Boris hands in late, and sees only his own row.
      await db.query('UPDATE homework.collection SET deadline = $1', [Date.now() - 60_000]);
      const borisFile = randomBytes(12_000);
      const phoneB = await open(boris, 'phone');
      await openCollection(phoneB);
      await phoneB.getByText('Срок прошёл: работа будет отмечена как сданная с опозданием.').waitFor();
      await handIn(phoneB, [{ name: 'Волков.pdf', mimeType: 'application/pdf', buffer: borisFile }]);
      await phoneB.locator('#hw-own-state').getByText('Сдано с опозданием', { exact: false }).waitFor();
      await phoneB.getByText('Срок сдачи прошёл: файлы больше не заменить.').waitFor();
      await screenshot(phoneB, 'phone-homework-pupil-late');
      const bText = await phoneB.locator('#homework').innerText();
      expect(bText).not.toContain('Анна');
      expect(bText).not.toContain('сочинение.pdf');

      // The teacher's table: handed in, late, missing, with times.
      await page.getByRole('button', { name: 'Назад' }).click();
      await page
        .locator('#homework')
        .getByRole('button', { name: /Сочинение о лете/ })
        .click();
      await row(anna.displayName).getByText('Сдано', { exact: true }).waitFor();
      await row(boris.displayName).getByText('Сдано с опозданием').waitFor();
      await row(vera.displayName).getByText('Не сдано').waitFor();
      await page.getByText('сдали 2 из 3', { exact: false }).first().waitFor();
      // One tap reminds Vera, by a message from the teacher.
      await page.getByRole('button', { name: 'Напомнить несдавшим' }).click();
      await page.getByText('Напоминания отправлены: 1').waitFor();
      const reminder = await veraApi.waitFor(
        (e) => !!e.message?.text?.startsWith('Напоминание: сдайте «Сочинение о лете»'),
      );
      expect(reminder.message!.senderId).toBe(teacher.userId);
      // A second tap within 10 minutes is refused, and the teacher reads why.
      await page.getByRole('button', { name: 'Напомнить несдавшим' }).click();
      await page.getByText('Напоминание уже отправлено. Повторить можно через 10 минут.').waitFor();
      await screenshot(page, 'laptop-homework-remind-again');
      await screenshot(page, 'laptop-homework-table');
      const tableReport = await layoutReport(page, ALLOW);
      expect(tableReport.overflowX).toBe(0);
      expect(tableReport.englishWords).toEqual([]);

      // The ZIP: a folder per pupil, each file as it was sent.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Скачать всё архивом' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('Сочинение о лете.zip');
      const entries = unzipSync(new Uint8Array(await readFile((await download.path())!)));
      expect(Object.keys(entries).sort()).toEqual([
        'Анна Белова/сочинение.pdf',
        'Анна Белова/тетрадь.jpg',
        'Борис Волков/Волков.pdf',
      ]);
      expect(Buffer.from(entries['Анна Белова/сочинение.pdf']!).equals(annaPage1)).toBe(true);
      expect(Buffer.from(entries['Анна Белова/тетрадь.jpg']!).equals(annaPhoto)).toBe(true);
      expect(Buffer.from(entries['Борис Волков/Волков.pdf']!).equals(borisFile)).toBe(true);

      // The teacher returns Boris's work with a comment; he reads it.
      await row(boris.displayName)
        .getByRole('button', { name: `Ответить: ${boris.displayName}` })
        .click();
      await row(boris.displayName).getByLabel('Комментарий').fill('Допиши вывод, пожалуйста.');
      await row(boris.displayName).getByRole('button', { name: 'Вернуть на доработку' }).click();
      await row(boris.displayName).getByText('Возвращено на доработку').waitFor();
      await phoneB.getByRole('button', { name: 'Назад' }).click();
      await phoneB
        .locator('#homework')
        .getByRole('button', { name: /Сочинение о лете/ })
        .click();
      await phoneB.getByText('Допиши вывод, пожалуйста.').waitFor();
      await screenshot(phoneB, 'phone-homework-returned');

      // The mother, on her phone, sees her daughter's status from the messenger's header.
      const phoneM = await open(mother, 'phone');
      await phoneM.getByRole('button', { name: 'Сбор файлов' }).click();
      await phoneM
        .locator('#homework')
        .getByRole('button', { name: /Сочинение о лете/ })
        .click();
      await phoneM.getByRole('heading', { name: anna.displayName }).waitFor();
      await phoneM.locator('#hw-own-state').getByText('Сдано', { exact: false }).waitFor();
      expect(await phoneM.locator('#homework').innerText()).not.toContain('Борис');
      await screenshot(phoneM, 'phone-homework-parent');
      const parentReport = await layoutReport(phoneM, ALLOW);
      expect(parentReport.overflowX).toBe(0);
      expect(parentReport.englishWords).toEqual([]);

      // The teacher's table on a phone: a card per pupil.
      const phoneT = await open(teacher, 'phone');
      await openCollection(phoneT);
      await phoneT.locator('tr.hw-row', { hasText: vera.displayName }).getByText('Не сдано').waitFor();
      await screenshot(phoneT, 'phone-homework-table');
      const phoneTable = await layoutReport(phoneT, ALLOW);
      expect(phoneTable.overflowX).toBe(0);
      expect(phoneTable.englishWords).toEqual([]);
    },
  );
});
