// Two headless Chromium pages join one room through the real web client and
// each proves, from RTCPeerConnection stats, that the other's audio and video
// arrive and keep arriving.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, inboundGrowth, tileName } from '../helpers/callPage.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

describe('two browsers in one room', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    // Chromium's fake microphone beeps at about -65 dBov, quieter than speech.
    server = await startTestServer({ SPEAKING_THRESHOLD_DBOV: '-80' });
    browser = await launchChromium();
  });

  afterEach(() => closePages());

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
      const page = await enterCall(browser, person.joinUrl.replace(server.config.publicUrl, server.httpUrl));
      pages.push(page);
    }

    // Both see each other's tile with a name.
    await tileName(pages[0]!, 'Pupil').waitFor({ timeout: 20_000 });
    await tileName(pages[1]!, 'Teacher').waitFor({ timeout: 20_000 });

    // Media flows both ways: wait until something arrives, then sample twice.
    const growth = await inboundGrowth(pages, 3000);
    for (const [i, grown] of growth.entries()) {
      const { before: a, after: b } = grown;
      const name = i === 0 ? 'teacher' : 'pupil';
      console.log(
        `${name}: inbound audio ${a.audio} -> ${b.audio} B (+${grown.audio}), ` +
          `video ${a.video} -> ${b.video} B (+${grown.video}) over 3 s`,
      );
      // Opus at ~30 kbit/s gives ~11 KB in 3 s; fake-camera VP8 far more.
      expect(grown.audio).toBeGreaterThan(3_000);
      expect(grown.video).toBeGreaterThan(20_000);
    }

    // Chromium's fake microphone beeps: the audio-level and active-speaker
    // observers mark the other participant as speaking.
    await pages[0]!.locator('.tile.talking', { hasText: 'Pupil' }).waitFor({ timeout: 15_000 });
    await pages[1]!.locator('.tile.speaking').first().waitFor({ timeout: 15_000 });

    // The server sees the same picture.
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/school_call_participants 2/);
    expect(metrics).toMatch(/school_call_producers\{kind="video"\} 2/);
    expect(metrics).toMatch(/school_call_consumers\{kind="audio"\} 2/);
  });
});
