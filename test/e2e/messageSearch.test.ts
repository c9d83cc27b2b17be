// Message search in the browser, as a pupil on a phone (360 px) and a
// teacher on a laptop (1366 px): types a word into "Поиск по сообщениям",
// sees the messages with every form of it highlighted (not those of a chat
// the pupil is not in, nor those before the pupil joined a chat that hides
// its history), and opens the chat from a hit; English on request.
// Screenshots: test-artifacts/screenshots/{phone,laptop}-search-*.png
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { type Device, layoutReport, screenshot } from '../helpers/callPage.js';
import type { TestPerson } from '../helpers/chatServer.js';
import { messengerScene } from '../helpers/messengerScene.js';

let classChat: string;
const teacher = { userId: 'st', displayName: 'Анна Петровна Смирнова', sortName: 'Смирнова Анна' };
const pupil = { userId: 'sp', displayName: 'Ваня Котов', sortName: 'Котов Ваня', role: 'student' as const };

describe.skipIf(!chromiumAvailable())('message search in the browser', () => {
  const scene = messengerScene(teacher, [pupil], async (api) => {
    classChat = (await api.request({ createChat: { title: '5Б класс', members: [pupil.userId] } })).chat!
      .chatId!;
    const staff = (await api.request({ createChat: { title: 'Учительская' } })).chat!.chatId!;
    const circle = (
      await api.request({ createChat: { title: 'Кружок', settings: { newMembersSeeHistory: false } } })
    ).chat!.chatId!;
    await api.send(classChat, 'Завтра уроки начинаются в девять');
    await api.send(classChat, 'Расписание уроков на неделю висит у кабинета');
    await api.send(classChat, 'Не забудьте сменную обувь');
    await api.send(staff, 'Педсовет после уроков');
    await api.send(circle, 'Старые уроки кружка');
    await api.request({ addMembers: { chatId: circle, userIds: [pupil.userId] } });
  });

  const open = (person: TestPerson, device: Device): Promise<Page> => scene.open(person, device, classChat);

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
