// #21: a name or a file name written right to left (Hebrew letters, a
// RIGHT-TO-LEFT MARK) cannot turn the Russian words beside it around: the
// client shows it in its own isolated element (web/src/kit/userText.ts:
// dir="auto" and `unicode-bidi: isolate`). A pupil with a Hebrew name writes
// in one chat, the teacher forwards it to another and reads «Переслано ·»
// beside the name; the pupil hands in a file with a Hebrew name, and the
// teacher's homework table shows the pupil and the file isolated, each file
// with its extension badge (a name with a direction override too). (The
// broadcast viewer's comments: test/e2e/broadcastComments.test.ts.)
// Screenshots: {laptop,phone}-isolation-*.png.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { chatAction } from '../helpers/messengerScene.js';
import { tusUpload } from '../helpers/tusUpload.js';

// A right-to-left name: unisolated, its direction takes the neutral «·» and
// spaces beside it. (A name with a RIGHT-TO-LEFT MARK is refused by the
// server at the edge, test/security/textRule.test.ts; the isolation is for
// the letters themselves and for names stored before that rule.)
const RTL_NAME = 'שרה כהן';
const RTL_FILE = 'שיעורי בית.pdf';
// A RIGHT-TO-LEFT OVERRIDE turns «exe» around: it reads «Решениеexe.pdf». The
// badge beside it (kit/FileName.tsx, as in a chat's attachments) says «EXE».
const OVERRIDE_FILE = 'Решение\u202Efdp.exe';
const teacher = { userId: 'iso-t', displayName: 'Мария Ивановна Соколова', sortName: 'Соколова Мария' };
const sara = { userId: 'iso-s', displayName: RTL_NAME, sortName: 'Коэн Сара', role: 'student' as const };

let s: ChatTestServer;
let browser: Browser;

/** How the element shows its text: its tag, dir and computed unicode-bidi. */
async function isolation(el: Locator): Promise<{ tag: string; dir: string; bidi: string }> {
  return el.evaluate((e) => ({
    tag: e.tagName.toLowerCase(),
    dir: e.getAttribute('dir') ?? '',
    bidi: getComputedStyle(e).unicodeBidi,
  }));
}
const isolated = { dir: 'auto', bidi: 'isolate' };

describe.skipIf(!chromiumAvailable())('right-to-left names are isolated from the Russian around them', () => {
  let classChat: string;
  let staffChat: string;
  let collectionId: string;

  beforeAll(async () => {
    s = await startChatServer();
    const t = await s.client(teacher);
    const p = await s.client(sara);
    classChat = (await t.request({ createChat: { title: '7Б класс', members: [sara.userId] } })).chat!
      .chatId!;
    staffChat = (await t.request({ createChat: { title: 'Учительская' } })).chat!.chatId!;
    const m = await p.send(classChat, 'Я сделала задание');
    await t.request({
      forwardMessages: {
        fromChatId: classChat,
        seqs: [m.seq!],
        toChatIds: [staffChat],
        clientMessageId: 'iso-fw',
      },
    });
    collectionId = (
      await t.request({
        createCollection: { chatId: classChat, title: 'Задача 5', deadline: Date.now() + 3_600_000 },
      })
    ).collection!.collection!.collectionId!;
    const fileId = (
      await tusUpload(
        s.httpUrl,
        randomBytes(2000),
        { chatId: classChat, filename: RTL_FILE, filetype: 'application/pdf' },
        await s.token(sara),
      )
    ).fileId;
    const overrideId = (
      await tusUpload(
        s.httpUrl,
        randomBytes(2000),
        { chatId: classChat, filename: 'Решение.exe', filetype: 'application/octet-stream' },
        await s.token(sara),
      )
    ).fileId;
    await p.request({ submitFiles: { collectionId, fileIds: [fileId, overrideId] } });
    // The upload refuses an override now (test/security/textRule.test.ts): this is a name stored before.
    const db = new pg.Pool({ connectionString: s.server.config.databaseUrl! });
    const renamed = await db.query('UPDATE homework.submission_file SET name = $1 WHERE file_id = $2', [
      OVERRIDE_FILE,
      overrideId,
    ]);
    await db.end();
    expect(renamed.rowCount).toBe(1);
    t.close();
    p.close();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await s?.stop();
  });

  const open = async (device: 'laptop' | 'phone'): Promise<Page> => {
    const page = await openPage(browser, `${s.httpUrl}/messenger#token=${await s.token(teacher)}`, device);
    await page.locator('.messenger').waitFor();
    return page;
  };

  for (const device of ['laptop', 'phone'] as const) {
    it(`${device}: the forwarded-from name and the homework table`, { timeout: 120_000 }, async () => {
      const page = await open(device);
      await page.locator(`[data-chat="${staffChat}"]`).click();
      const forwarded = page.locator('.msg-forwarded');
      await forwarded.waitFor();
      expect(await forwarded.textContent()).toBe(`Переслано · ${RTL_NAME}`);
      const fwName = forwarded.getByText(RTL_NAME, { exact: true });
      expect(await isolation(fwName)).toMatchObject(isolated);
      await screenshot(page, `${device}-isolation-forwarded`);

      if (device === 'phone') await page.getByRole('button', { name: 'К списку чатов' }).click();
      await page.locator(`[data-chat="${classChat}"]`).click();
      await chatAction(page, 'Сбор файлов в этом чате');
      await page
        .locator('#homework')
        .getByRole('button', { name: /Задача 5/ })
        .click();
      const row = page.locator('tr.hw-row', { has: page.getByRole('rowheader', { name: RTL_NAME }) });
      await row.waitFor();
      expect(await isolation(row.getByRole('rowheader').getByText(RTL_NAME, { exact: true }))).toMatchObject(
        isolated,
      );
      const file = row.getByRole('button', { name: RTL_FILE });
      await file.waitFor();
      expect(await isolation(file.getByText(RTL_FILE, { exact: true }))).toMatchObject(isolated);
      // Each file shows its real extension apart from its name, as in a chat.
      expect(await file.locator('.file-ext').textContent()).toBe('PDF');
      const override = row.getByRole('button', { name: OVERRIDE_FILE });
      expect(await override.locator('.file-ext').textContent()).toBe('EXE');
      expect(await isolation(override.getByText(OVERRIDE_FILE, { exact: true }))).toMatchObject(isolated);
      await screenshot(page, `${device}-isolation-homework`);
    });
  }
});
