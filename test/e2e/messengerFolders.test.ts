// One's folders (#25), at 360 px and 1366 px: a mother with three folders
// opens «Папки», renames «Кружки» to «Секции», moves it up, deletes
// «Работа» and saves; the tabs over her list follow, a reload keeps them
// (the server holds them). In English the labels are English.
// Screenshots: test-artifacts/screenshots/{phone,laptop}-folders-{edit,tabs}.png, laptop-folders-en.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, type TestChatClient, cpb } from '../helpers/chatServer.js';
import { messengerScene } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let teacherApi: TestChatClient;
const teacher = {
  userId: 'fo-t',
  displayName: 'Ирина Павловна Котова',
  sortName: 'Котова Ирина',
  role: 'teacher' as const,
};
const mother = {
  userId: 'fo-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};

describe.skipIf(!chromiumAvailable())('one’s folders in the messenger', () => {
  const scene = messengerScene(teacher, [mother]);
  beforeAll(() => {
    ({ s, teacherApi } = scene);
  });

  const seed = async () => {
    const ids: string[] = [];
    for (const title of ['2Б', 'Шахматы', 'Родком']) {
      ids.push((await teacherApi.request({ createChat: { title, members: [mother.userId] } })).chat!.chatId!);
    }
    const m = await s.client(mother);
    await m.request({
      setFolders: {
        folders: [
          { id: 'classes', name: 'Классы', chatIds: [ids[0]!] },
          { id: 'clubs', name: 'Кружки', chatIds: [ids[1]!] },
          { id: 'work', name: 'Работа', chatIds: [ids[2]!] },
        ],
      },
    });
    return m;
  };

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: rename, move up and delete folders`, async () => {
      const api = await seed();
      const m = await scene.open(mother, device);
      const tabs = m.getByRole('tablist', { name: 'Папки' });
      await expect
        .poll(() => tabs.getByRole('tab').allTextContents(), { timeout: 15_000 })
        .toEqual(['Все чаты', 'Классы', 'Кружки', 'Работа']);
      await m.getByRole('button', { name: 'Папки', exact: true }).click();
      const name2 = m.getByRole('textbox', { name: 'Название папки 2' });
      await name2.fill('Секции');
      await m.getByRole('button', { name: 'Выше: Секции' }).click();
      await m.getByRole('button', { name: 'Удалить папку Работа' }).click();
      expect(await m.getByRole('textbox', { name: 'Название папки 1' }).inputValue()).toBe('Секции');
      expect((await layoutReport(m, [])).overflowX).toBe(0);
      await screenshot(m, `${device}-folders-edit`);
      await m.locator('.folder-editor').getByRole('button', { name: 'Сохранить' }).click();
      await expect
        .poll(() => tabs.getByRole('tab').allTextContents(), { timeout: 15_000 })
        .toEqual(['Все чаты', 'Секции', 'Классы']);
      await screenshot(m, `${device}-folders-tabs`);
      const folders = (await api.request({ getPrefs: {} })).prefs!.folders ?? [];
      expect(folders.map((f) => [f.id, f.name])).toEqual([
        ['clubs', 'Секции'],
        ['classes', 'Классы'],
      ]);
      await m.reload();
      await expect
        .poll(() => tabs.getByRole('tab').allTextContents(), { timeout: 15_000 })
        .toEqual(['Все чаты', 'Секции', 'Классы']);
      api.close();
    });
  }

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: at the server's 15 folders «Новая папка» is greyed and says why; one deleted, it is back`, async () => {
      const chat = (
        await teacherApi.request({
          createChat: {
            title: `Лимит ${device === 'phone' ? 'телефон' : 'ноутбук'}`,
            members: [mother.userId],
          },
        })
      ).chat!.chatId!;
      const api = await s.client(mother);
      const folders = Array.from({ length: 15 }, (_, i) => ({
        id: `f${i}`,
        name: `Папка ${i + 1}`,
        chatIds: [chat],
      }));
      const set = await api.request({ setFolders: { folders } });
      expect(set.prefs!.foldersMax).toBe(15);
      // The server refuses a 16th: the screen's limit is the server's.
      const more = await api.rawRequest({
        setFolders: { folders: [...folders, { name: 'Ещё', chatIds: [] }] },
      });
      expect(more.error?.code).toBe(cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);

      const m = await scene.open(mother, device);
      const create = m.getByRole('button', { name: 'Новая папка' });
      const why = m.getByText('Не больше 15 папок: удалите одну в «Папки», чтобы создать новую');
      await why.waitFor();
      expect(await create.isDisabled()).toBe(true);
      await why.scrollIntoViewIfNeeded();
      expect((await layoutReport(m, [])).overflowX).toBe(0);
      await screenshot(m, `${device}-folders-full`);
      await m.getByRole('button', { name: 'Папки', exact: true }).click();
      await m.getByRole('button', { name: 'Удалить папку Папка 15' }).click();
      await m.locator('.folder-editor').getByRole('button', { name: 'Сохранить' }).click();
      await expect.poll(() => create.isDisabled(), { timeout: 15_000 }).toBe(false);
      expect(await m.getByText(/^Не больше 15 папок/).count()).toBe(0);
      await create.click();
      await m.locator('.organise-form').waitFor();
      api.close();
    });
  }

  it('in English the labels are English', async () => {
    const api = await seed();
    const m = await scene.open(mother, 'laptop', undefined, { english: true });
    await m.getByRole('button', { name: 'Folders', exact: true }).click();
    await m.getByRole('button', { name: 'Delete folder Работа' }).waitFor();
    await screenshot(m, 'laptop-folders-en');
    api.close();
  });
});
