// A chat's auto-deletion (#26), at 360 px and 1366 px: a teacher opens her
// class chat's «Участники и настройки», chooses «1 неделя» under
// «Автоудаление сообщений», reads there and under the chat's header that
// messages are deleted after a week, and the chat's note says who turned it
// on. The server holds the period (the pupil's own list reads it back).
// Screenshots: test-artifacts/screenshots/{phone,laptop}-autodelete-{settings,chat}.png.
import { beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot } from '../helpers/callPage.js';
import type { ChatTestServer, TestChatClient } from '../helpers/chatServer.js';
import { chatAction, messengerScene } from '../helpers/messengerScene.js';

let s: ChatTestServer;
let teacherApi: TestChatClient;
const teacher = {
  userId: 'ad-t',
  displayName: 'Марина Сергеевна Лебедева',
  sortName: 'Лебедева Марина',
  role: 'teacher' as const,
};
const pupil = {
  userId: 'ad-p',
  displayName: 'Коля Смирнов',
  sortName: 'Смирнов Коля',
  role: 'student' as const,
};

describe.skipIf(!chromiumAvailable())('a chat’s auto-deletion', () => {
  const scene = messengerScene(teacher, [pupil]);
  beforeAll(() => {
    ({ s, teacherApi } = scene);
  });

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: the teacher sets «1 неделя» and sees the notice`, async () => {
      const title = device === 'phone' ? '5А класс' : '6Б класс';
      const { chat } = await teacherApi.request({ createChat: { title, members: [pupil.userId] } });
      const chatId = chat!.chatId!;
      await teacherApi.send(chatId, 'Завтра контрольная по математике.');

      const page = await scene.open(teacher, device, chatId);
      await page.locator(`[data-chat="${chatId}"]`).click();
      await chatAction(page, /^Участники и настройки/);
      await page.getByText('Автоудаление сообщений').waitFor();
      await page.getByText('Сообщения не удаляются.').waitFor();
      await page.getByLabel('Сколько хранить сообщения в чате').selectOption({ label: '1 неделя' });
      await page.locator('#chat-info').getByText('Сообщения удаляются через 1 неделю').first().waitFor();
      const pupilApi = await s.client(pupil);
      await expect
        .poll(
          async () =>
            (await pupilApi.request({ listChats: {} })).chats!.chats!.find((c) => c.chatId === chatId)
              ?.retentionDays,
          { timeout: 15_000 },
        )
        .toBe(7);
      pupilApi.close();
      expect((await layoutReport(page, [])).overflowX).toBe(0);
      expect((await layoutReport(page, [])).englishWords).toEqual([]);
      await page.locator('#auto-delete').scrollIntoViewIfNeeded();
      await screenshot(page, `${device}-autodelete-settings`);

      // Back in the chat: the line under its header, and the note naming who turned it on.
      await page.getByRole('button', { name: 'Назад к чату' }).click();
      await page.getByTestId('retention-notice').getByText('Сообщения удаляются через 1 неделю').waitFor();
      await page
        .locator('ol.messages')
        .getByText(`${teacher.displayName} включает автоудаление: сообщения удаляются через 1 неделю`)
        .waitFor();
      expect((await layoutReport(page, [])).overflowX).toBe(0);
      await screenshot(page, `${device}-autodelete-chat`);
    }, 120_000);
  }
});
