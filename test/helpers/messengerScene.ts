// A messenger browser test's scene: a chat server, Chromium and the
// teacher's API client (which sets up chats and messages), started before a
// file's tests and stopped after them; pages open the messenger signed in as
// a person at phone or laptop size. One setup instead of a copy per file.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { ServerExtras } from '../../app/server.js';
import { launchChromium } from './browser.js';
import { type Device, closePages, openPage } from './callPage.js';
import { type ChatTestServer, type TestChatClient, type TestPerson, startChatServer } from './chatServer.js';

export interface MessengerScene {
  readonly s: ChatTestServer;
  readonly browser: Browser;
  /** The teacher's connected client. */
  readonly teacherApi: TestChatClient;
  /** The messenger as `person`; waits until `chatId` is in their list when given; `english`: in English. */
  open(person: TestPerson, device: Device, chatId?: string, opts?: { english?: boolean }): Promise<Page>;
}

/**
 * Starts the scene in `beforeAll`: the server, the `others` registered, the
 * teacher's client, then `seed` (chats and messages), then the browser.
 */
export function messengerScene(
  teacher: TestPerson,
  others: TestPerson[],
  seed: (teacherApi: TestChatClient, s: ChatTestServer) => Promise<void> = async () => {},
  opts: { env?: Record<string, string>; redis?: boolean; extras?: ServerExtras } = {},
): MessengerScene {
  let s: ChatTestServer | undefined;
  let browser: Browser | undefined;
  let teacherApi: TestChatClient | undefined;
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the messenger scene starts in beforeAll');
    return v;
  };
  beforeAll(async () => {
    // The seed writes whole histories through the teacher's socket in a moment: that is the
    // scene's setup, not a person typing, so the cap per person (its own test: personSockets) is raised.
    s = await startChatServer(
      { CHAT_MESSAGES_PER_MINUTE: '10000', ...opts.env },
      {
        redis: opts.redis,
        extras: opts.extras,
      },
    );
    for (const p of others) await s.token(p);
    teacherApi = await s.client(teacher);
    await seed(teacherApi, s);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    teacherApi?.close();
    await s?.stop();
  });
  return {
    get s() {
      return ready(s);
    },
    get browser() {
      return ready(browser);
    },
    get teacherApi() {
      return ready(teacherApi);
    },
    async open(person, device, chatId, opts = {}) {
      const server = ready(s);
      const page = await openPage(
        ready(browser),
        `${server.httpUrl}/messenger#token=${await server.token(person)}`,
        device,
      );
      if (opts.english) {
        await page.evaluate(() => localStorage.setItem('school-call-lang', 'en'));
        await page.reload();
      }
      if (chatId) await page.waitForSelector(`[data-chat="${chatId}"]`);
      return page;
    },
  };
}

/**
 * Presses one of the open chat's header actions by its visible name («Сбор
 * файлов в этом чате», «Награды класса», «Запланировать урок», or
 * /^Участники и настройки/): a header button on a laptop; on a phone, an
 * item of the header's «⋯» menu.
 */
export async function chatAction(page: Page, name: string | RegExp): Promise<void> {
  const button = page.getByRole('button', { name, exact: true });
  const more = page.getByRole('button', { name: 'Ещё действия с чатом' });
  await button.or(more).first().waitFor();
  if (await button.isVisible()) {
    await button.click();
    return;
  }
  await more.click();
  await page.getByRole('menuitem', { name, exact: true }).click();
}
