// «Пригласить» in the call (#24): the teacher opens it from «Ещё» and sees the
// lesson's link, meeting code and password (the room's own, as the admin API
// has them), each with a copy button that puts exactly that on the
// clipboard; a pupil on a phone is not offered it, and the server refuses
// the pupil the invitation. Screenshots: {laptop,phone}-invite-*.png.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, layoutReport, screenshot } from '../helpers/callPage.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
afterEach(() => closePages());
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const local = (url: string) => url.replace(server.config.publicUrl, server.httpUrl);

describe.skipIf(!chromiumAvailable())('«Пригласить» in the call', () => {
  it('the teacher copies the link, code and password; a pupil is not offered them', async () => {
    const [teacher, pupil] = await createRoomWithToken(server, 'invite-ui', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'inv-teacher' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'inv-pupil' },
    ]);
    const room = (await (
      await fetch(`${server.httpUrl}/api/rooms/invite-ui`, { headers: server.adminHeaders })
    ).json()) as { code: string; password: string };
    expect(room.code).toMatch(/^\d{3}-\d{3}-\d$/);

    for (const device of ['laptop', 'phone'] as const) {
      const host = await enterCall(browser, local(teacher!.joinUrl), device);
      // Granting replaces what this origin had: the camera and microphone are named again.
      const may = ['camera', 'microphone', 'clipboard-read', 'clipboard-write'];
      await host.context().grantPermissions(may, { origin: server.httpUrl });
      await host.getByRole('button', { name: 'Ещё' }).click();
      await host.getByRole('menuitem', { name: 'Пригласить' }).click();
      const panel = host.locator('#invite-section');
      await panel.getByText(room.code, { exact: true }).waitFor();
      await expect.poll(() => panel.locator('#invite-password output').textContent()).toBe(room.password);
      const link = `${server.httpUrl}/j/${room.code}`;
      expect(await panel.locator('#invite-link output').textContent()).toBe(link);

      await panel.getByRole('button', { name: 'Скопировать: Код встречи' }).click();
      await panel.locator('#invite-code').getByText('Скопировано').waitFor();
      expect(await host.evaluate(() => navigator.clipboard.readText())).toBe(room.code);
      await panel.getByRole('button', { name: 'Скопировать: Всё вместе' }).click();
      const all = await host.evaluate(() => navigator.clipboard.readText());
      expect(all.split('\n')).toEqual([
        'Room invite-ui',
        `Ссылка: ${link}`,
        `Код встречи: ${room.code}`,
        `Пароль: ${room.password}`,
      ]);
      const report = await layoutReport(host, [room.code]);
      expect(report.overflowX).toBe(0);
      await screenshot(host, `${device}-invite-panel`);
      await closePages();
    }

    const kid = await enterCall(browser, local(pupil!.joinUrl), 'phone');
    await kid.getByRole('button', { name: 'Ещё' }).click();
    await kid.getByRole('menuitem').first().waitFor();
    expect(await kid.getByRole('menuitem', { name: 'Пригласить' }).count()).toBe(0);
    await screenshot(kid, 'phone-invite-pupil-menu');
    // Nor does the server hand a pupil the code and password.
    const refused = await kid.evaluate(async () => {
      const call = (
        window as unknown as { schoolCall: { signaling: { request(m: unknown): Promise<unknown> } } }
      ).schoolCall;
      try {
        await call.signaling.request({ getInvitation: {} });
        return 'answered';
      } catch (err) {
        return String((err as Error).message);
      }
    });
    expect(refused).not.toBe('answered');
  });
});
