import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
// A broadcast end to end with real components: real RTP into a real router,
// the real program pipeline, the /b/ endpoints over HTTP, and hls.js in
// headless Chromium playing the live stream, then the recording.
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../common/log.js';
import { BroadcastHttp } from '../../recorder/broadcastHttp.js';
import { Broadcasts } from '../../recorder/broadcasts.js';
import { RecordingStore } from '../../recorder/recordingStore.js';
import { RoomRecorder } from '../../recorder/roomRecorder.js';
import { SharedLimits } from '../../signaling/security/sharedLimits.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { RecordedRoom, participantClip } from '../helpers/recordedRoom.js';
import { serveReplies } from '../helpers/recorderHttp.js';

const log = createLogger('warn', { test: 'broadcast' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SHOTS = join(process.cwd(), 'test-artifacts', 'recorder');

/** One host without Redis: the limits are counted here. */
const limits = new SharedLimits(null, new client.Registry());
let room: RecordedRoom;
let dir: string;
let store: RecordingStore;
let broadcasts: Broadcasts;
let http: { url: string; server: Server };
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'broadcast-test-'));
  store = new RecordingStore({ dir: join(dir, 'recordings'), retentionDays: 30, minFreeBytes: 1 }, log);
  broadcasts = new Broadcasts();
  http = await serveReplies((req) => new BroadcastHttp(broadcasts, store, limits).handle(req));
  room = await RecordedRoom.create('assembly');
  await room.join('anna', 'Анна Петрова', true, participantClip('0xd02020', 440));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  http?.server.close();
  await room?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${http.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe.skipIf(!chromiumAvailable())('broadcast', () => {
  it('plays live in hls.js with its latency measured, then the same link plays the recording', async () => {
    const b = broadcasts.create('assembly', 'Линейка 1 сентября');
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${http.url}/b/${b.code}`);
    await page.waitForFunction(() => document.body.dataset.state === 'not-started');
    await page.screenshot({ path: join(SHOTS, 'broadcast-not-started.png') });

    const recorder = new RoomRecorder(room, store, join(dir, 'work'), log);
    room.speak('anna');
    broadcasts.goLive(b, await recorder.startBroadcast(), recorder.broadcastRecording!.id);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.state === 'live');

    // The player runs and keeps running.
    await page.waitForFunction(
      () => (document.querySelector('video') as HTMLVideoElement).currentTime > 1,
      null,
      {
        timeout: 30_000,
      },
    );
    const t0 = await page.evaluate(() => (document.querySelector('video') as HTMLVideoElement).currentTime);
    await sleep(3000);
    const probeLatency = () =>
      page.evaluate(() => {
        const hls = (window as unknown as { __hls: { playingDate: Date | null } }).__hls;
        const v = document.querySelector('video') as HTMLVideoElement;
        return { t: v.currentTime, latency: hls.playingDate ? Date.now() - hls.playingDate.getTime() : null };
      });
    const { t: t1, latency } = await probeLatency();
    // Playing, not frozen (a starved machine plays a little slower while hls.js catches up).
    console.log(`broadcast: currentTime advanced ${(t1 - t0).toFixed(2)} s in 3 s`);
    expect(t1 - t0).toBeGreaterThan(1);
    expect(latency).not.toBeNull();
    console.log(`broadcast latency (wall clock minus hls.playingDate): ${latency} ms`);
    expect(latency!).toBeLessThan(10_000);
    await page.screenshot({ path: join(SHOTS, 'broadcast-live.png') });

    // On a phone the player takes the width, and a viewer is told how to hear the muted start.
    await page.setViewportSize({ width: 360, height: 740 });
    const videoWidth = await page.evaluate(
      () => document.querySelector('video')!.getBoundingClientRect().width,
    );
    expect(videoWidth).toBeGreaterThanOrEqual(350);
    const unmute = page.getByRole('button', { name: 'Включить звук' });
    await unmute.waitFor({ state: 'visible', timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'broadcast-live-phone.png') });
    await unmute.click();
    expect(await page.evaluate(() => (document.querySelector('video') as HTMLVideoElement).muted)).toBe(
      false,
    );
    await unmute.waitFor({ state: 'hidden', timeout: 5_000 });
    await page.setViewportSize({ width: 1366, height: 768 });
    const status = JSON.parse((await get(`/b/${b.code}/status?viewer=test-viewer-1`)).body.toString());
    expect(status).toMatchObject({ state: 'live', title: 'Линейка 1 сентября', mayWatch: true });
    expect(status.viewers).toBe(2); // the page and this request

    // Headers a cache in front relies on.
    const playlist = await get(`/b/${b.code}/live.m3u8`);
    expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(playlist.headers.get('cache-control')).toBe('public, max-age=1');
    const text = playlist.body.toString();
    expect(text).toContain('#EXT-X-PROGRAM-DATE-TIME:');
    const segPath = text.split('\n').find((l) => l.endsWith('.m4s'))!;
    const seg = await get(`/b/${b.code}/${segPath}`);
    expect(seg.status).toBe(200);
    expect(seg.headers.get('content-type')).toBe('video/iso.segment');
    expect(seg.headers.get('cache-control')).toContain('immutable');

    // Bad input: typed errors, nothing changes.
    const unknown = await get('/b/zzzzzzzzzz/live.m3u8');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString()).error).toBe('unknown-broadcast');
    expect((await get('/b/..%2F..%2Fetc/status')).status).toBe(404);
    expect((await get(`/b/${b.code}/ffffffffffff/0.m4s`)).status).toBe(404);
    expect((await get(`/b/${b.code}/../../package.json`)).status).toBe(404);
    expect(b.state).toBe('live');

    // Ended: the same link plays the whole event from the recording.
    const recording = await recorder.stopBroadcast();
    broadcasts.end(b);
    expect(recording?.status).toBe('ready');
    expect(b.recordingId).toBe(recording?.id);
    await page.waitForFunction(() => document.body.dataset.state === 'ended', null, { timeout: 15_000 });
    await page.waitForFunction(
      () => {
        const v = document.querySelector('video') as HTMLVideoElement;
        return v.src.endsWith('/replay.mp4') && v.readyState >= 2;
      },
      null,
      { timeout: 15_000 },
    );
    // A viewer sees it and can play it (a replay without subtitles used to be hidden).
    await page.waitForFunction(
      () => {
        const v = document.querySelector('video') as HTMLVideoElement;
        const box = v.getBoundingClientRect();
        return !v.hidden && box.width > 100 && box.height > 50;
      },
      null,
      { timeout: 5_000 },
    );
    await page.evaluate(async () => {
      const v = document.querySelector('video') as HTMLVideoElement;
      v.muted = true;
      await v.play();
    });
    await page.waitForFunction(
      () => (document.querySelector('video') as HTMLVideoElement).currentTime > 0.5,
      null,
      {
        timeout: 10_000,
      },
    );
    await page.screenshot({ path: join(SHOTS, 'broadcast-ended-replay.png') });
    const range = await get(`/b/${b.code}/replay.mp4`, { range: 'bytes=0-99' });
    expect(range.status).toBe(206);
    expect(range.body.length).toBe(100);
    expect(range.headers.get('content-range')).toMatch(/^bytes 0-99\/\d+$/);
    await recorder.close();
    await page.close();
  });

  it('keeps subtitle cues on their words across a pipeline restart', async () => {
    const b = broadcasts.create('assembly', 'Концерт');
    const recorder = new RoomRecorder(room, store, join(dir, 'work'), log);
    room.speak('anna');
    recorder.setSubtitles({ enabled: true, language: 'ru' });
    broadcasts.goLive(b, await recorder.startBroadcast(), recorder.broadcastRecording!.id);
    const page = await browser.newPage();
    await page.addInitScript(() => localStorage.setItem('broadcast-subtitles', 'on'));
    await page.goto(`${http.url}/b/${b.code}`);
    await page.waitForFunction(
      () => (document.querySelector('video') as HTMLVideoElement).currentTime > 0.5,
      null,
      {
        timeout: 30_000,
      },
    );
    // Where each wall-clock moment is on the player's timeline, from the video playlist's own
    // segments (date-time, start): the reference the cues must match, across discontinuities.
    await page.evaluate(() => {
      const w = window as unknown as {
        __hls: { on(e: string, f: (e: string, d: unknown) => void): void };
        __frags: Record<number, { pdt: number; start: number; duration: number }>;
        Hls: { Events: { LEVEL_UPDATED: string } };
      };
      w.__frags = {};
      w.__hls.on(w.Hls.Events.LEVEL_UPDATED, (_e, data) => {
        const { details } = data as {
          details: { fragments: { sn: number; programDateTime: number; start: number; duration: number }[] };
        };
        for (const f of details.fragments)
          w.__frags[f.sn] = { pdt: f.programDateTime, start: f.start, duration: f.duration };
      });
    });
    /** A line said from 1.5 s to 0.3 s ago. */
    const say = (text: string) => {
      const now = Date.now();
      const line = {
        participantId: 'anna',
        speaker: 'Анна Петрова',
        text,
        startMs: now - 1500,
        endMs: now - 300,
      };
      recorder.addSubtitle({ ...line, language: 'ru' });
      return line;
    };
    /** How far (ms) the line's cue is from where its words are in the video, once the player has it. */
    const offsetOf = async (line: { text: string; startMs: number }) => {
      const handle = await page.waitForFunction(
        ({ text, startMs }) => {
          const w = window as unknown as {
            __frags: Record<number, { pdt: number; start: number; duration: number }>;
          };
          const video = document.querySelector('video') as HTMLVideoElement;
          const cue = [...video.textTracks]
            .flatMap((t) => [...(t.cues ?? [])])
            .find((c) => (c as VTTCue).text.endsWith(`Анна Петрова: ${text}`));
          const frag = Object.values(w.__frags).find(
            (f) => f.pdt <= startMs && startMs < f.pdt + f.duration * 1000,
          );
          if (!cue || !frag) return null;
          return { ms: (cue.startTime - (frag.start + (startMs - frag.pdt) / 1000)) * 1000 };
        },
        line,
        { timeout: 30_000 },
      );
      return ((await handle.jsonValue()) as { ms: number }).ms;
    };

    const before = say('до перезапуска');
    const offsetBefore = await offsetOf(before);
    recorder.programProcess!.kill('SIGKILL');
    // The new run is on air for a couple of seconds before the next line is said.
    const live = recorder.live!;
    // (Its first segment's date-time, after the discontinuity, 2 s in the past: the next line is all its.)
    await vi.waitFor(
      () => {
        const pdt = /#EXT-X-DISCONTINUITY\n(?:#EXT-X-MAP.*\n)?#EXT-X-PROGRAM-DATE-TIME:(.+)\n/.exec(
          live.playlist(),
        );
        expect(pdt && Date.now() - Date.parse(pdt[1]!)).toBeGreaterThan(2000);
      },
      { timeout: 30_000, interval: 100 },
    );
    const after = say('после перезапуска');
    const offsetAfter = await offsetOf(after);
    console.log(
      `broadcast subtitles: cue offsets ${offsetBefore.toFixed(0)} ms before, ${offsetAfter.toFixed(0)} ms after a restart`,
    );
    expect(recorder.restarts).toBe(1);
    expect(Math.abs(offsetBefore)).toBeLessThan(250);
    expect(Math.abs(offsetAfter)).toBeLessThan(250);
    await recorder.close();
    await page.close();
  });

  it('asks for the viewer password before it serves anything', async () => {
    const b = broadcasts.create('assembly', 'Родительское собрание', 'Secret-42');
    const status = JSON.parse((await get(`/b/${b.code}/status`)).body.toString());
    // Nor where its comments are, until the password is given.
    expect(status).toMatchObject({ passwordRequired: true, mayWatch: false, commentsRoom: null });
    const denied = await get(`/b/${b.code}/live.m3u8`);
    expect(denied.status).toBe(401);
    expect(JSON.parse(denied.body.toString()).error).toBe('password-required');
    const wrong = await fetch(`${http.url}/b/${b.code}/auth`, {
      method: 'POST',
      body: '{"password":"nope"}',
    });
    expect(wrong.status).toBe(403);
    const right = await fetch(`${http.url}/b/${b.code}/auth`, {
      method: 'POST',
      body: '{"password":"Secret-42"}',
    });
    expect(right.status).toBe(204);
    const cookie = right.headers.get('set-cookie')!.split(';')[0]!;
    expect((await get(`/b/${b.code}/live.m3u8`, { cookie })).status).toBe(404); // allowed, just not live yet
    const allowed = JSON.parse((await get(`/b/${b.code}/status`, { cookie })).body.toString());
    expect(allowed).toMatchObject({ mayWatch: true, commentsRoom: 'assembly' });

    const page = await browser.newPage();
    await page.goto(`${http.url}/b/${b.code}`);
    await page.waitForSelector('#password-form:not([hidden])');
    await page.screenshot({ path: join(SHOTS, 'broadcast-password.png') });
    await page.fill('#password', 'Secret-42');
    await page.click('button[type=submit]');
    await page.waitForFunction(
      () =>
        document.body.dataset.state === 'not-started' && !!document.querySelector('#password-form[hidden]'),
    );
    await page.close();
  });
});
