// Two headless Chromium pages join one room through the real web client and
// each proves, from RTCPeerConnection stats, that the other's audio and video
// arrive and keep arriving.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

interface Bytes {
  inbound: { audio: number; video: number };
  outbound: { audio: number; video: number };
}

async function byteCounts(page: Page): Promise<Bytes> {
  return page.evaluate(async () => {
    const call = (window as unknown as { schoolCall?: { byteCounts(): Promise<Bytes> } }).schoolCall;
    if (!call) return { inbound: { audio: 0, video: 0 }, outbound: { audio: 0, video: 0 } };
    return call.byteCounts();
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('timed out');
}

describe('two browsers in one room', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('each page receives the other page’s audio and video, growing over time', async () => {
    const [teacher, pupil] = await createRoomWithToken(server, 'e2e-room', [
      { displayName: 'Teacher', role: 'host', userId: 'teacher-1' },
      { displayName: 'Pupil', role: 'participant', userId: 'pupil-1' },
    ]);
    const pages: Page[] = [];
    for (const person of [teacher!, pupil!]) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') console.log(`[browser] ${m.text()}`);
      });
      await page.goto(person.joinUrl.replace(server.config.publicUrl, server.httpUrl));
      pages.push(page);
    }

    // Both see each other's tile with a name.
    for (const [page, other] of [
      [pages[0]!, 'Pupil'],
      [pages[1]!, 'Teacher'],
    ] as const) {
      await page.getByText(other, { exact: true }).waitFor({ timeout: 20_000 });
    }

    // Media flows both ways: wait until something arrives, then sample twice.
    for (const page of pages) {
      await waitFor(async () => {
        const b = await byteCounts(page);
        return b.inbound.audio > 0 && b.inbound.video > 0;
      }, 30_000).catch(async (err) => {
        const status = await page.locator('#status').textContent();
        throw new Error(
          `${(err as Error).message}; page status: ${status}; bytes: ${JSON.stringify(await byteCounts(page))}`,
        );
      });
    }
    const first = await Promise.all(pages.map(byteCounts));
    await new Promise((r) => setTimeout(r, 3000));
    const second = await Promise.all(pages.map(byteCounts));

    for (let i = 0; i < pages.length; i++) {
      const a = first[i]!;
      const b = second[i]!;
      const name = i === 0 ? 'teacher' : 'pupil';
      const grown = {
        audio: b.inbound.audio - a.inbound.audio,
        video: b.inbound.video - a.inbound.video,
      };
      console.log(
        `${name}: inbound audio ${a.inbound.audio} -> ${b.inbound.audio} B (+${grown.audio}), ` +
          `video ${a.inbound.video} -> ${b.inbound.video} B (+${grown.video}) over 3 s`,
      );
      // Opus at ~30 kbit/s gives ~11 KB in 3 s; fake-camera VP8 far more.
      expect(grown.audio).toBeGreaterThan(3_000);
      expect(grown.video).toBeGreaterThan(20_000);
    }

    // The server sees the same picture.
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/school_call_participants 2/);
    expect(metrics).toMatch(/school_call_producers\{kind="video"\} 2/);
    expect(metrics).toMatch(/school_call_consumers\{kind="audio"\} 2/);
  });
});
