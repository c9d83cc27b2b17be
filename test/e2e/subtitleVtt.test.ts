// The WebVTT the transcriber writes (transcript file and live HLS segments)
// is read by Chromium's own WebVTT parser through a <track> element: every
// cue arrives, with its times, speaker and escaped text intact.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSubtitleTrack } from '../../recorder/liveSubtitleTrack.js';
import { Transcript } from '../../transcriber/transcript.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';

/** Screenshots of what a person sees, in a git-ignored folder. */
const SHOTS = new URL('../../.cache/screenshots', import.meta.url).pathname;
const files = new Map<string, string | Buffer>();
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    const type = req.url?.endsWith('.vtt')
      ? 'text/vtt; charset=utf-8'
      : req.url?.endsWith('.webm')
        ? 'video/webm'
        : 'text/html; charset=utf-8';
    res.writeHead(200, { 'content-type': type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  files.set(
    '/page.html',
    '<!doctype html><meta charset="utf-8"><video id="v" muted></video>' +
      '<script>window.cuesOf = (src) => new Promise((resolve, reject) => {' +
      'const t = document.createElement("track"); t.kind = "subtitles"; t.src = src; t.default = true;' +
      't.onload = () => resolve([...t.track.cues].map((c) => ({ start: c.startTime, end: c.endTime, text: c.text })));' +
      't.onerror = () => reject(new Error("track failed to load")); document.getElementById("v").appendChild(t);' +
      't.track.mode = "hidden"; });</script>',
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

describe.runIf(chromiumAvailable())('WebVTT in Chromium', () => {
  it('loads the transcript with every cue, its times and speaker', async () => {
    const t = new Transcript('room', 1_000_000);
    t.add({
      participantId: 'a',
      speaker: 'Анна Петрова',
      startMs: 1_001_500,
      endMs: 1_003_000,
      text: 'Добрый день!',
    });
    t.add({
      participantId: 'b',
      speaker: 'Ученик <5Б>',
      startMs: 1_004_000,
      endMs: 1_006_250,
      text: 'a < b & c --> d',
    });
    t.add({
      participantId: 'a',
      speaker: 'Анна Петрова',
      startMs: 3_661_000,
      endMs: 3_662_000,
      text: 'Через час',
    });
    files.set('/transcript.vtt', t.toVtt());
    const page = await browser.newPage();
    await page.goto(`${base}/page.html`);
    const cues = await page.evaluate(
      (src) => (window as unknown as { cuesOf(s: string): Promise<unknown> }).cuesOf(src),
      '/transcript.vtt',
    );
    expect(cues).toEqual([
      { start: 1.5, end: 3, text: '<v Анна Петрова>Добрый день!' },
      { start: 4, end: 6.25, text: '<v Ученик &lt;5Б&gt;>a &lt; b &amp; c --&gt; d' },
      { start: 2661, end: 2662, text: '<v Анна Петрова>Через час' },
    ]);
    // What a viewer sees: the text with markup resolved.
    const shown = await page.evaluate(() => {
      const track = document.querySelector('track')!.track;
      return (track.cues![1] as VTTCue).getCueAsHTML().textContent;
    });
    expect(shown).toBe('a < b & c --> d');
    await page.close();
  });

  it('shows the caption line over the lesson video', async () => {
    const video = join(tmpdir(), `subtitle-test-${process.pid}.webm`);
    execFileSync(
      'ffmpeg',
      ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=10', '-t', '4'].concat([
        '-c:v',
        'libvpx',
        '-deadline',
        'realtime',
        '-b:v',
        '300k',
        video,
      ]),
    );
    files.set('/video.webm', readFileSync(video));
    rmSync(video);
    const page = await browser.newPage({ viewport: { width: 660, height: 380 } });
    await page.goto(`${base}/page.html`);
    await page.evaluate(async () => {
      const v = document.getElementById('v') as HTMLVideoElement;
      const t = document.createElement('track');
      t.kind = 'subtitles';
      t.src = '/transcript.vtt';
      t.srclang = 'ru';
      const loaded = Promise.all([
        new Promise((r) => t.addEventListener('load', r, { once: true })),
        new Promise((r, reject) => {
          v.addEventListener('loadeddata', r, { once: true });
          v.addEventListener('error', () => reject(new Error(`video: ${v.error?.message}`)), { once: true });
        }),
      ]);
      v.appendChild(t);
      t.track.mode = 'showing';
      v.src = '/video.webm';
      await loaded;
      // Served without byte ranges the video cannot seek: play to the first cue and stop there.
      await v.play();
      await new Promise<void>((r) => {
        const check = (): void => {
          if (v.currentTime < 1.8) return;
          v.pause();
          v.removeEventListener('timeupdate', check);
          r();
        };
        v.addEventListener('timeupdate', check);
      });
    });
    await page.waitForFunction(() => (document.querySelector('track')?.track.activeCues?.length ?? 0) > 0);
    const active = await page.evaluate(() => {
      const cues = document.querySelector('track')!.track.activeCues!;
      return [...cues].map((c) => (c as VTTCue).getCueAsHTML().textContent);
    });
    expect(active).toEqual(['Добрый день!']);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'subtitles-over-video.png') });
    await page.close();
  });

  it('loads a live HLS subtitle segment, whose header carries the timestamp map', async () => {
    const origin = Date.UTC(2026, 0, 1, 9);
    const live = new LiveSubtitleTrack({
      originWallMs: origin,
      originPts90k: 126000,
      segmentSeconds: 2,
      holdbackMs: 3000,
      listed: 6,
      kept: 30,
    });
    live.add({ startMs: origin + 2500, endMs: origin + 3500, speaker: 'Учитель', text: 'Тише, пожалуйста' });
    live.playlist(origin + 10_000);
    files.set('/1.vtt', live.segment('1.vtt')!);
    const page = await browser.newPage();
    await page.goto(`${base}/page.html`);
    const cues = await page.evaluate(
      (src) => (window as unknown as { cuesOf(s: string): Promise<unknown> }).cuesOf(src),
      '/1.vtt',
    );
    expect(cues).toEqual([{ start: 2.5, end: 3.5, text: '<v Учитель>Учитель: Тише, пожалуйста' }]);
    await page.close();
  });
});
