// History is never hidden (#25): a message that arrives in a chat the
// person has not opened yet must not stand in for the chat's history.
// Before the fix, opening such a chat showed only the live message and
// "Показать более ранние" (the parent missed the meeting invitation).
// Screenshots: test-artifacts/screenshots/{phone,laptop}-messenger-history.png.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot } from '../helpers/callPage.js';
import { messengerScene } from '../helpers/messengerScene.js';

const teacher = { userId: 'hs-t', displayName: 'Анна Сергеевна Белова', sortName: 'Белова Анна' };
const mother = {
  userId: 'hs-m',
  displayName: 'Ольга Андреева',
  sortName: 'Андреева Ольга',
  role: 'parent' as const,
};
/** More than one page of history (the client asks for 50 at a time). */
const EARLIER = 55;

describe.skipIf(!chromiumAvailable())('a chat opened after a live message shows its history', () => {
  const scene = messengerScene(teacher, [mother]);

  /** Whether an element is wholly inside its scrolling list and the window. */
  const inView = (el: Element) => {
    const r = el.getBoundingClientRect();
    const list = el.closest('.messages')!.getBoundingClientRect();
    return r.top >= list.top && r.bottom <= list.bottom + 0.5 && r.bottom <= window.innerHeight;
  };
  const messagesShown = (page: Page) =>
    page.locator('.msg-text').evaluateAll((els) => els.map((e) => e.textContent ?? ''));

  for (const device of ['phone', 'laptop'] as const) {
    it(`on a ${device}: the invitation sent before the live message is there when the chat is opened`, async () => {
      const title = device === 'phone' ? 'Родители 5Б' : 'Родители 6А';
      const chatId = (await scene.teacherApi.request({ createChat: { title, members: [mother.userId] } }))
        .chat!.chatId!;
      const other = (
        await scene.teacherApi.request({
          createChat: { title: `Кружок ${device}`, members: [mother.userId] },
        })
      ).chat!.chatId!;
      await scene.teacherApi.send(chatId, 'Приглашаю на родительское собрание в четверг в 18:00.');
      for (let i = 1; i <= EARLIER; i++) await scene.teacherApi.send(chatId, `Сообщение ${i}`);
      await scene.teacherApi.send(other, 'Занятие переносится на пятницу.');

      const page = await scene.open(mother, device);
      // She reads another chat first; the class chat stays closed.
      await page.locator(`[data-chat="${other}"]`).click();
      await page.locator('.msg-text', { hasText: 'Занятие переносится на пятницу.' }).waitFor();
      if (device === 'phone') await page.getByRole('button', { name: 'К списку чатов' }).click();
      // The teacher writes while the class chat is closed: it reaches the page live.
      await scene.teacherApi.send(chatId, 'Не забудьте сменную обувь.');
      const item = page.locator(`[data-chat="${chatId}"]`);
      await item.locator('.chat-item-last', { hasText: 'Не забудьте сменную обувь.' }).waitFor();
      await item.click();
      await page.locator('.msg-text', { hasText: 'Не забудьте сменную обувь.' }).waitFor();
      // The latest page is there, with the live message after it and nothing missing between.
      await page.locator('.msg-text', { hasText: `Сообщение ${EARLIER}` }).waitFor();
      const latest = await messagesShown(page);
      expect(latest.at(-1)).toBe('Не забудьте сменную обувь.');
      expect(latest.length).toBeGreaterThanOrEqual(40);
      expect(latest.slice(-4, -1)).toEqual([
        `Сообщение ${EARLIER - 2}`,
        `Сообщение ${EARLIER - 1}`,
        `Сообщение ${EARLIER}`,
      ]);
      // Opened at its newest message, not scrolled to the top of the page that arrived.
      const live = page.locator('.msg', { hasText: 'Не забудьте сменную обувь.' });
      await expect.poll(() => live.evaluate(inView)).toBe(true);
      await screenshot(page, `${device}-messenger-history`);
      // The older page completes it: the invitation, then every message once, in order.
      await page.getByRole('button', { name: 'Показать более ранние' }).click();
      await page.locator('.msg-text', { hasText: 'родительское собрание' }).waitFor();
      const all = await messagesShown(page);
      expect(all).toEqual([
        'Приглашаю на родительское собрание в четверг в 18:00.',
        ...Array.from({ length: EARLIER }, (_, i) => `Сообщение ${i + 1}`),
        'Не забудьте сменную обувь.',
      ]);
      const layout = await layoutReport(page, []);
      expect(layout.overflowX).toBe(0);
    });
  }
});
