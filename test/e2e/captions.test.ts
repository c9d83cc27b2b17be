// Captions in the web client, as a person sees them: the teacher turns
// subtitles on for everyone from "more", a pupil turns captions on, and the
// teacher's speech (espeak-ng as real RTP with audio levels into the room's
// router, transcribed by a tiny-sized model: the words are gibberish) shows
// over the stage with the teacher's name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAIN } from '../../signaling/domain/roomDefinition.js';
import { launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, moreAction, screenshot } from '../helpers/callPage.js';
import { SpeechSender, speechClip, speechProducer } from '../helpers/speechRtp.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';
import { ensureTestModel } from '../helpers/whisperModel.js';

let server: TestServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'captions-'));
  server = await startTestServer({
    WHISPER_MODEL: ensureTestModel('tiny'),
    WHISPER_MAX_TOKENS_PER_SECOND: '5',
    WHISPER_PARALLEL_JOBS: '1',
    TRANSCRIPT_DIR: dir,
  });
  browser = await launchChromium();
});

afterEach(() => closePages());

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const local = (url: string) => url.replace(server.config.publicUrl, server.httpUrl);

describe('captions in the web client', () => {
  it('the teacher turns subtitles on, a pupil shows captions and reads the teacher’s words', async () => {
    const [teacher, pupil] = await createRoomWithToken(server, 'captions', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'cap-teacher' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'cap-pupil' },
    ]);
    const host = await enterCall(browser, local(teacher!.joinUrl));
    const pupilPage = await enterCall(browser, local(pupil!.joinUrl));
    // Before subtitles are on, pupils see no captions button.
    expect(await pupilPage.locator('#captions-button').count()).toBe(0);

    await moreAction(host, 'subtitles-room');
    await pupilPage.locator('#captions-button').waitFor({ state: 'visible', timeout: 10_000 });
    await pupilPage.locator('#captions-button').click();
    await pupilPage.locator('#captions-button[aria-pressed="true"]').waitFor({ timeout: 10_000 });

    // The teacher speaks: a second microphone of the teacher's, fed with speech.
    const room = server.registry.get('captions')!;
    const teacherPeer = [...room.peers.values()].find((p) => p.identity.displayName === 'Ольга Сидорова')!;
    const mic = await speechProducer(room.mediaAt(MAIN)!.router, teacherPeer.id, 8888);
    room.addProducer(teacherPeer, mic.producer, 'microphone');
    const sender = new SpeechSender(mic.transport.tuple.localPort, 8888);
    const clip = speechClip([
      { silenceMs: 300 },
      { say: 'Откройте тетради и запишите число.' },
      { silenceMs: 900 },
    ]);
    const caption = pupilPage.locator('#captions .caption', { hasText: 'Ольга Сидорова:' });
    for (let i = 0; i < 8 && (await caption.count()) === 0; i++) await sender.play(clip);
    await caption.first().waitFor({ timeout: 15_000 });
    sender.close();
    expect((await caption.first().innerText()).length).toBeGreaterThan('Ольга Сидорова: '.length);
    await screenshot(pupilPage, 'laptop-captions');
    // The box sits above the tiles' name tags (before, on 1366 it covered the right tile's).
    const covered = await pupilPage.locator('#captions').evaluate((el) => {
      const r = el.getBoundingClientRect();
      return [...document.querySelectorAll('.tile-label')].filter((tag) => {
        const t = tag.getBoundingClientRect();
        return t.width > 0 && t.left < r.right && t.right > r.left && t.top < r.bottom && t.bottom > r.top;
      }).length;
    });
    expect(covered).toBe(0);

    // A word longer than the line (a misheard run, a link) wraps inside the box.
    await pupilPage
      .locator('#captions .caption')
      .first()
      .evaluate((p) => {
        p.lastChild!.textContent = 'Электрофизиологический'.repeat(12);
      });
    const box = await pupilPage.locator('#captions').evaluate((el) => {
      const r = el.getBoundingClientRect();
      const stage = el.closest('.stage-area')!.getBoundingClientRect();
      return {
        inside: r.left >= stage.left && r.right <= stage.right,
        spill: el.scrollWidth - el.clientWidth,
      };
    });
    expect(box).toEqual({ inside: true, spill: 0 });
    await screenshot(pupilPage, 'laptop-captions-long-word');

    // Hiding captions takes the line away at once.
    await pupilPage.locator('#captions-button').click();
    await pupilPage.locator('#captions').waitFor({ state: 'detached', timeout: 5000 });
    mic.transport.close();
  });
});
