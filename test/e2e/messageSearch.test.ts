// Message search in the browser, as a pupil on a phone (360 px) and a
// teacher on a laptop (1366 px): types a word into "Поиск по сообщениям",
// sees the messages with every form of it highlighted (not those of a chat
// the pupil is not in, nor those before the pupil joined a chat that hides
// its history), and opens the chat from a hit; English on request.
// Screenshots: test-artifacts/screenshots/{phone,laptop}-search-*.png
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let browser: Browser;
let teacherApi: TestChatClient;
let classChat: string;
const teacher = { userId: 'st', displayName: 'Анна Петровна Смирнова', sortName: 'Смирнова Анна' };
const pupil = { userId: 'sp', displayName: 'Ваня Котов', sortName: 'Котов Ваня', role: 'student' as const };

describe.skipIf(!chromiumAvailable())('message search in the browser', () => {
  beforeAll(async () => {
    s = await startChatServer();
    await s.token(pupil);
    teacherApi = await s.client(teacher);
    classChat = (await teacherApi.request({ createChat: { title: '5Б класс', members: [pupil.userId] } }))
      .chat!.chatId!;
    const staff = (await teacherApi.request({ createChat: { title: 'Учительская' } })).chat!.chatId!;
    const circle = (
      await teacherApi.request({ createChat: { title: 'Кружок', settings: { newMembersSeeHistory: false } } })
    ).chat!.chatId!;
    await teacherApi.send(classChat, 'Завтра уроки начинаются в девять');
    await teacherApi.send(classChat, 'Расписание уроков на неделю висит у кабинета');
    await teacherApi.send(classChat, 'Не забудьте сменную обувь');
    await teacherApi.send(staff, 'Педсовет после уроков');
    await teacherApi.send(circle, 'Старые уроки кружка');
    await teacherApi.request({ addMembers: { chatId: circle, userIds: [pupil.userId] } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    teacherApi?.close();
    await s?.stop();
  });

  const open = async (person: typeof teacher, device: 'laptop' | 'phone'): Promise<Page> => {
    const page = await openPage(browser, `${s.httpUrl}/messenger#token=${await s.token(person)}`, device);
    await page.waitForSelector(`[data-chat="${classChat}"]`);
    return page;
  };

  it('a pupil on a phone finds "урок" in every form, only where they may read, and opens the chat', async () => {
    const page = await open(pupil, 'phone');
    await page.getByRole('searchbox', { name: 'Поиск по сообщениям' }).fill('урок');
    const results = page.getByRole('list', { name: 'Найденные сообщения' });
    await results.getByText('Завтра', { exact: false }).waitFor();
    const hits = results.getByRole('button');
    await expect.poll(() => hits.count()).toBe(2);
    const found = await hits.allInnerTexts();
    expect(found.join('\n')).not.toContain('Педсовет');
    expect(found.join('\n')).not.toContain('Старые уроки');
    expect(new Set(await results.locator('mark').allInnerTexts())).toEqual(new Set(['уроки', 'уроков']));
    expect(found.join('\n')).toContain('5Б класс');
    await screenshot(page, 'phone-search-results');
    const layout = await layoutReport(page, ['Смирнова', 'Анна']);
    expect(layout.overflowX).toBe(0);
    expect(layout.englishWords).toEqual([]);
    await hits.filter({ hasText: 'Расписание' }).click();
    await page.locator('.msg-text', { hasText: 'Расписание уроков на неделю' }).waitFor();
    await screenshot(page, 'phone-search-opened');
  });

  it('a teacher on a laptop finds what nobody said, then the staff room; English on request', async () => {
    const page = await open(teacher, 'laptop');
    const box = page.getByRole('searchbox', { name: 'Поиск по сообщениям' });
    await box.fill('каникулы');
    await page.getByText('Ничего не найдено').waitFor();
    await box.fill('педсовета');
    const results = page.getByRole('list', { name: 'Найденные сообщения' });
    await results.getByRole('button', { name: /Педсовет после уроков/ }).waitFor();
    expect(await results.locator('mark').allInnerTexts()).toEqual(['Педсовет']);
    await screenshot(page, 'laptop-search-results');
    expect((await layoutReport(page, ['Смирнова', 'Анна'])).overflowX).toBe(0);
    await page.getByRole('button', { name: /English/ }).click();
    await page.getByRole('searchbox', { name: 'Search messages' }).waitFor();
    await screenshot(page, 'laptop-search-english');
  });
});
