// The server is restarted during a lesson (an update: SIGTERM, then its
// supervisor starts it again), as a teacher on a laptop and a pupil on a
// phone see it: they are told in Russian when it restarts and that the lesson
// goes on, then the call shows its own reconnecting screen for as long as the
// server is away (never Chromium's "site can't be reached" page), and both
// are back in the same lesson once the server answers again. The server runs
// alone with Redis, as run.sh and the install run it. Screenshots under
// test-artifacts/screenshots/restart-*.png.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerUnderTest, startServerProcess } from '../../loadtest/serverProcess.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, layoutReport, screenshot, waitInCall } from '../helpers/callPage.js';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';
import { freeTcpUdpPort } from '../helpers/testServer.js';

let redis: TestRedis;
let browser: Browser;
const servers: ServerUnderTest[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  redis = await startRedis({ persistent: true });
  browser = await launchChromium();
  env = {
    REDIS_URL: redis.url,
    HOST_ID: 'school',
    PORT: String(await freeTcpUdpPort()),
    SHUTDOWN_DRAIN_SECONDS: '5',
    ADMIN_SECRET: 'a'.repeat(40),
    TOKEN_SECRET: 't'.repeat(40),
  };
});

afterAll(async () => {
  await closePages();
  await browser?.close();
  for (const s of servers) await s.stop('SIGKILL');
  await redis?.stop();
});

async function start(): Promise<ServerUnderTest> {
  const s = await startServerProcess(env);
  servers.push(s);
  return s;
}

async function joinUrl(s: ServerUnderTest, name: string, role: string): Promise<string> {
  const res = await fetch(`${s.httpUrl}/api/rooms/history-7a/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.adminSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: name, role, ttlSeconds: 3600 }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { joinUrl: string }).joinUrl;
}

/** The page shows its own screen saying the server restarts, in Russian, and is not the browser's error page. */
async function expectReconnecting(page: Page): Promise<void> {
  expect(page.url()).not.toMatch(/^chrome-error:/);
  await page.locator('.reconnecting').waitFor({ state: 'visible', timeout: 5000 });
  expect(await page.locator('.reconnecting').innerText()).toContain('Сервер перезапускается…');
}

describe.skipIf(!chromiumAvailable() || !redisAvailable())('the server restarts during a lesson', () => {
  it("people are told, wait on the call's own reconnecting screen, and are back in the same lesson", async () => {
    const first = await start();
    const created = await fetch(`${first.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.adminSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'history-7a', title: 'История, 7 «А»', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    const teacher = await enterCall(browser, await joinUrl(first, 'Ирина Петровна', 'host'), 'laptop');
    const pupil = await enterCall(browser, await joinUrl(first, 'Петя Иванов', 'participant'), 'phone');

    const stopped = new Promise((resolve) => first.process.once('exit', resolve));
    first.process.kill('SIGTERM');
    // The drain: the lesson goes on, and everyone is told when the server restarts.
    for (const [page, device] of [
      [teacher, 'laptop'],
      [pupil, 'phone'],
    ] as const) {
      await page.getByText('сервер перезапустится', { exact: false }).waitFor({ timeout: 10_000 });
      await screenshot(page, `restart-${device}-announced`);
      const report = await layoutReport(page, []);
      expect(report.overflowX).toBe(0);
      expect(report.englishWords).toEqual([]);
    }
    await stopped;
    // The server is gone. The pages wait on their own screen, asking for it again and again.
    await new Promise((r) => setTimeout(r, 6000));
    for (const [page, device] of [
      [teacher, 'laptop'],
      [pupil, 'phone'],
    ] as const) {
      await expectReconnecting(page);
      await screenshot(page, `restart-${device}-waiting`);
    }

    // The supervisor starts it again on the same port: both are back in the lesson.
    await start();
    await waitInCall(teacher);
    await waitInCall(pupil);
    for (const page of [teacher, pupil]) {
      expect(page.url()).not.toMatch(/^chrome-error:/);
      await page.locator('.tile', { hasText: 'Петя Иванов' }).first().waitFor({ timeout: 20_000 });
      await page.locator('.tile', { hasText: 'Ирина Петровна' }).first().waitFor({ timeout: 20_000 });
    }
    await screenshot(teacher, 'restart-laptop-back');
    await screenshot(pupil, 'restart-phone-back');
  }, 180_000);
});
