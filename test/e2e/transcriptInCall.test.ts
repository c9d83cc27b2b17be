// #24, in the call: «Скачать расшифровку» while the lesson runs. The
// teacher (laptop) turns subtitles on from «Ещё», speaks (espeak-ng as real
// RTP into the room's router, a tiny-sized model: the words are gibberish),
// and downloads the transcript so far from «Ещё»; the co-host (phone) does
// too, in English; a pupil's «Ещё» has no such item. Before anything is
// said the item tells the teacher the transcript is empty.
// Screenshots: {laptop,phone}-transcript-*.png.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAIN } from '../../signaling/domain/roomDefinition.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { closePages, enterCall, layoutReport, screenshot } from '../helpers/callPage.js';
import { SpeechSender, speechClip, speechProducer } from '../helpers/speechRtp.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';
import { ensureTestModel } from '../helpers/whisperModel.js';

let server: TestServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'transcript-call-'));
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

const more = (page: Page) => page.getByRole('button', { name: /^(Ещё|More)/ }).click();

/** «Ещё» → the item; the file the browser is handed, as text. */
async function download(page: Page, item: string): Promise<{ name: string; text: string }> {
  await more(page);
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 30_000 }),
    page.getByRole('menuitem', { name: item }).click(),
  ]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
}

describe.skipIf(!chromiumAvailable())('the transcript during the lesson', () => {
  it('the teacher and the co-host download what was said so far; a pupil is not offered it', async () => {
    const [t, c, p] = await createRoomWithToken(server, 'transcript-call', [
      { displayName: 'Ольга Сидорова', role: 'host', userId: 'tr-teacher' },
      { displayName: 'Анна Петрова', role: 'co-host', userId: 'tr-assistant' },
      { displayName: 'Петя Иванов', role: 'participant', userId: 'tr-pupil' },
    ]);
    const teacher = await enterCall(browser, local(t!.joinUrl), 'laptop');
    const assistant = await enterCall(browser, local(c!.joinUrl), 'phone');
    const pupil = await enterCall(browser, local(p!.joinUrl), 'phone');

    // Subtitles on; nothing said yet: the item says the transcript is empty.
    await more(teacher);
    await teacher.getByRole('menuitem', { name: 'Включить субтитры для всех' }).click();
    await more(teacher);
    await teacher.getByRole('menuitem', { name: 'Скачать расшифровку' }).click();
    await teacher.getByText('Расшифровка пока пуста').waitFor();

    // The teacher speaks.
    const room = server.registry.get('transcript-call')!;
    const peer = [...room.peers.values()].find((x) => x.identity.displayName === 'Ольга Сидорова')!;
    const mic = await speechProducer(room.mediaAt(MAIN)!.router, peer.id, 8890);
    room.addProducer(peer, mic.producer, 'microphone');
    const sender = new SpeechSender(mic.transport.tuple.localPort, 8890);
    const clip = speechClip([
      { silenceMs: 300 },
      { say: 'Откройте тетради и запишите число.' },
      { silenceMs: 900 },
    ]);
    const caption = teacher.locator('#captions .caption', { hasText: 'Ольга Сидорова:' });
    for (let i = 0; i < 8 && (await caption.count()) === 0; i++) await sender.play(clip);
    await caption.first().waitFor({ timeout: 30_000 });
    sender.close();

    await more(teacher);
    await teacher.getByRole('menuitem', { name: 'Скачать расшифровку' }).waitFor();
    await screenshot(teacher, 'laptop-transcript-01-menu');
    const report = await layoutReport(teacher, ['Room', 'transcript-call']);
    expect(report.englishWords).toEqual([]);
    expect(report.overflowX).toBe(0);
    await teacher.keyboard.press('Escape');
    const got = await download(teacher, 'Скачать расшифровку');
    expect(got.name).toMatch(/Расшифровка\.txt$/);
    expect(got.text).toMatch(/^\[\d\d:\d\d:\d\d\] Ольга Сидорова: .+$/m);

    // The co-host on a phone, in English.
    await more(assistant);
    await assistant.getByRole('menuitem', { name: 'Скачать расшифровку' }).waitFor();
    await screenshot(assistant, 'phone-transcript-02-menu');
    await assistant.getByRole('menuitem', { name: /English/ }).click();
    if (await assistant.locator('.menu').isVisible()) await assistant.keyboard.press('Escape');
    const theirs = await download(assistant, 'Download the transcript');
    expect(theirs.text).toMatch(/Ольга Сидорова: .+/);

    // A pupil has no such item.
    await more(pupil);
    await pupil.locator('.menu').waitFor();
    expect(await pupil.getByRole('menuitem', { name: 'Скачать расшифровку' }).count()).toBe(0);
    await screenshot(pupil, 'phone-transcript-03-pupil-menu');
    mic.transport.close();
  }, 420_000);
});
