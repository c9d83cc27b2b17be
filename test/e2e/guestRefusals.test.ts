// What a guest on the join page (/j/<code>) is told, in Russian, on a phone
// and a laptop, when the door is shut (#21): the name of the teacher
// expected in the lesson, before that teacher has come (the room names its
// staff), and a new browser window from where a banned guest came (a ban holds
// without the old device key: F7). The teacher is a real call participant;
// the guest uses the real page in Chromium, each window a fresh browser
// profile (a new device key). A name in letters of another script (report 5:
// small capitals for в and н) is refused with its own words. Screenshots:
// test-artifacts/screenshots/{phone,laptop}-guest-{other-letters,expected-teacher,banned-here}.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, layoutReport, openPage, screenshot } from '../helpers/callPage.js';
import { TestClient } from '../helpers/protocolClient.js';
import { createRoom, enterRoom } from '../helpers/rooms.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

const TEACHER = 'Анна Петровна Волкова';
let server: TestServer;
let browser: Browser;
const clients: TestClient[] = [];

const newRoom = (id: string) =>
  createRoom(server, id, {
    title: 'Физика 7А',
    settings: { waitingRoom: 'off' },
    owner: { school: 'school-1', staff: [TEACHER] },
  });

describe.skipIf(!chromiumAvailable())('the join page when a guest may not come in', () => {
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closePages();
    await browser?.close();
    for (const c of clients) c.close();
    await server?.close();
  });

  for (const device of ['phone', 'laptop'] as const) {
    it(`says so in Russian on a ${device}`, { timeout: 90_000 }, async () => {
      const room = await newRoom(`refusals-${device}`);
      const page = await openPage(browser, `${server.httpUrl}/j/${room.code}`, device);
      const tryName = async (name: string) => {
        await page.getByLabel('Ваше имя и фамилия').fill(name);
        await page.getByLabel('Пароль').fill(room.password);
        await page.getByRole('button', { name: 'Продолжить' }).click();
      };

      // Letters of another script: refused as such, whoever is in the room.
      await tryName('Иʙаʜ Петров');
      await page.getByRole('alert').getByText('только русские или латинские буквы').waitFor();
      expect(page.url()).toContain(`/j/${room.code}`);
      await screenshot(page, `${device}-guest-other-letters`);
      expect((await layoutReport(page, [])).overflowX).toBe(0);

      // Nobody is in the lesson yet; the teacher's name is still theirs.
      expect(server.registry.get(room.id)!.peers.size).toBe(0);
      await tryName('анна петровна волкова');
      await page.getByRole('alert').getByText('или у его учителя').waitFor();
      expect(page.url()).toContain(`/j/${room.code}`);
      await screenshot(page, `${device}-guest-expected-teacher`);
      expect((await layoutReport(page, [])).overflowX).toBe(0);

      // The teacher comes and bans a guest who came from this computer.
      const { c: teacher } = await enterRoom(server, room.id, TEACHER, 'host', {
        userId: `teacher-${device}`,
        clients,
      });
      const asked = await fetch(`${server.httpUrl}/api/join/${room.code}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          displayName: 'Шутник',
          password: room.password,
          deviceKey: `joker-device-${device}`,
        }),
      });
      expect(asked.status).toBe(201);
      const joker = await TestClient.connect(server.wsUrl);
      clients.push(joker);
      await joker.request({
        join: { roomId: room.id, token: ((await asked.json()) as { token: string }).token },
      });
      const jokerPeer = [...server.registry.get(room.id)!.peers.values()].find(
        (p) => p.identity.displayName === 'Шутник',
      )!;
      await teacher.request({ removeParticipant: { participantId: jokerPeer.id, ban: true } });
      await joker.waitForClose();

      // Back in this window (a new device key), under another name: the door stays shut.
      await tryName('Иван Петров');
      await page.getByRole('alert').getByText('Вход на этот урок отсюда закрыт').waitFor();
      expect(page.url()).toContain(`/j/${room.code}`);
      await screenshot(page, `${device}-guest-banned-here`);
      const layout = await layoutReport(page, []);
      expect(layout.overflowX).toBe(0);
      expect(layout.englishWords).toEqual([]);
    });
  }
});
