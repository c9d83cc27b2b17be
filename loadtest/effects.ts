// What the virtual background costs and what still reaches the teacher
// (issue #28): a pupil's Chromium whose camera is a clip of a person in front
// of a bookshelf (the tests' clip, at each size) joins a lesson with each
// background; a teacher's Chromium receives it through the SFU. Per case it
// prints the background worker's milliseconds per frame (mean, p95, the
// segmentation model's share), the frames it put out per second and its
// quality level (it lowers its own work when frames come late), the frames
// per second the teacher's tile showed, and the CPU the pupil's whole
// browser used (its processes summed from /proc), with the machine's load.
//
// Then the noise suppressor: the pupil's microphone is speech over a fan and
// typing (the tests' clip); the teacher records what arrives in windows of
// 10 s, suppression on and off interleaved, and sox-style levels give the
// noise between the words and the words themselves, with the pupil
// browser's CPU in each window.
//
//   npm run loadtest:effects -- [--seconds 20] [--sizes 640x360,1280x720] [--noise-rounds 3] [--record]
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/helpers/browser.js';
import { closePages, openPage, passDeviceCheck, waitInCall } from '../test/helpers/callPage.js';
import { levels, noisySpeech, personClip } from '../test/helpers/effectsMedia.js';
import {
  chooseBackgroundBeforeJoining,
  effectStates,
  effectStats,
  recordRemoteAudio,
  toggleNoiseInCall,
} from '../test/helpers/effectsPage.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../test/helpers/testServer.js';
import { appendResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    sizes: { type: 'string', default: '640x360,1280x720' },
    record: { type: 'boolean', default: false },
    'noise-rounds': { type: 'string', default: '3' },
  },
});
const SECONDS = Number(args.seconds);
const SIZES = args.sizes.split(',').map((s) => s.split('x').map(Number) as [number, number]);
/** The backgrounds by the names the device check shows. */
const EFFECTS = ['Без фона', 'Размыть', 'Сильно размыть', 'Книжные полки'];
const TICKS = 100; // USER_HZ on Linux

/** CPU seconds used so far by every process whose command line names `marker`, and their descendants. */
function cpuSeconds(marker: string): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  const roots = new Set<number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: state ppid ... utime(14) stime(15).
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(pid, Number(rest[1]));
      ticks.set(pid, Number(rest[11]) + Number(rest[12]));
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) roots.add(pid);
    } catch {
      // The process ended while we read it.
    }
  }
  let sum = 0;
  for (const [pid, t] of ticks) {
    for (let p: number | undefined = pid; p && p > 1; p = parent.get(p)) {
      if (roots.has(p)) {
        sum += t;
        break;
      }
    }
  }
  return sum / TICKS;
}

/** Frames the teacher's page has shown of the pupil's camera so far. */
function framesShown(teacher: Page): Promise<number> {
  return teacher.evaluate(() => {
    const tile = [...document.querySelectorAll('.tile')].find(
      (t) => t.querySelector('.name')?.textContent?.trim() === 'Ученица',
    );
    const video = tile?.querySelector('video');
    return video ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
  });
}

async function until(what: string, check: () => Promise<boolean>, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let rooms = 0;
async function measure(
  server: TestServer,
  pupilBrowser: Browser,
  teacherBrowser: Browser,
  clip: string,
  effect: string,
): Promise<string> {
  const [teacherLink, pupilLink] = await createRoomWithToken(server, `fx-load-${++rooms}`, [
    { displayName: 'Учитель', role: 'host', userId: `t-${rooms}` },
    { displayName: 'Ученица', role: 'participant', userId: `p-${rooms}` },
  ]);
  const local = (url: string) => url.replace(server.config.publicUrl, server.httpUrl);
  const pupil = await openPage(pupilBrowser, local(pupilLink!.joinUrl), 'laptop');
  await pupil.locator('#join-button:not([disabled])').waitFor({ timeout: 30_000 });
  await chooseBackgroundBeforeJoining(pupil, effect);
  if (effect !== 'Без фона')
    await until('the background', async () => (await effectStates(pupil)).video === 'on');
  await passDeviceCheck(pupil);
  await waitInCall(pupil);
  const teacher = await openPage(teacherBrowser, local(teacherLink!.joinUrl), 'laptop');
  await passDeviceCheck(teacher);
  await waitInCall(teacher);
  await until('the pupil’s video at the teacher’s', async () => (await framesShown(teacher)) > 0);
  await new Promise((r) => setTimeout(r, 5000)); // past the start: layers settle, the worker adapts
  const before = {
    cpu: cpuSeconds(clip),
    shown: await framesShown(teacher),
    out: (await effectStats(pupil))?.framesOut ?? 0,
    at: performance.now(),
  };
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const stats = await effectStats(pupil);
  const seconds = (performance.now() - before.at) / 1000;
  const cpu = (cpuSeconds(clip) - before.cpu) / seconds;
  const shown = ((await framesShown(teacher)) - before.shown) / seconds;
  const made = stats?.framesOut !== undefined ? (stats.framesOut - before.out) / seconds : Number.NaN;
  await closePages();
  const f = (n: number | undefined, d = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(d));
  return [
    effect.padEnd(15),
    f(stats?.msMean).padStart(7),
    f(stats?.msP95).padStart(7),
    f(stats?.segmentMsMean).padStart(8),
    f(stats?.level, 0).padStart(5),
    f(made).padStart(8),
    f(shown).padStart(9),
    `${f(cpu * 100, 0)} %`.padStart(9),
    loadavg()[0]!.toFixed(1).padStart(6),
  ].join(' ');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Noise and speech levels the teacher receives, suppression on and off interleaved, and the CPU of each. */
async function measureNoise(server: TestServer, teacherBrowser: Browser, rounds: number): Promise<string[]> {
  const speech = noisySpeech(['fan', 'keys']);
  const pupilBrowser = await launchChromium([`--use-file-for-fake-audio-capture=${speech.mixed}`]);
  const work = mkdtempSync(join(tmpdir(), 'fx-noise-'));
  try {
    const [teacherLink, pupilLink] = await createRoomWithToken(server, `fx-noise-${++rooms}`, [
      { displayName: 'Учитель', role: 'host', userId: `t-${rooms}` },
      { displayName: 'Ученица', role: 'participant', userId: `p-${rooms}` },
    ]);
    const local = (url: string) => url.replace(server.config.publicUrl, server.httpUrl);
    const pupil = await openPage(pupilBrowser, local(pupilLink!.joinUrl), 'laptop');
    await passDeviceCheck(pupil);
    await waitInCall(pupil);
    await until('noise suppression', async () => (await effectStates(pupil)).audio === 'on');
    const teacher = await openPage(teacherBrowser, local(teacherLink!.joinUrl), 'laptop');
    await passDeviceCheck(teacher);
    await waitInCall(teacher);
    const audio = teacher.locator('audio[data-participant]');
    await audio.waitFor({ state: 'attached', timeout: 30_000 });
    const pupilId = (await audio.getAttribute('data-participant')) ?? '';
    await recordRemoteAudio(teacher, pupilId, 5000); // the browser's own filters settle
    const marker = speech.mixed;
    const results: Record<'on' | 'off', { noise: number[]; speech: number[]; cpu: number[] }> = {
      on: { noise: [], speech: [], cpu: [] },
      off: { noise: [], speech: [], cpu: [] },
    };
    let state: 'on' | 'off' = 'on';
    for (let i = 0; i < rounds * 2; i++) {
      const cpu0 = cpuSeconds(marker);
      const t0 = performance.now();
      const file = join(work, `${i}-${state}.webm`);
      writeFileSync(file, await recordRemoteAudio(teacher, pupilId, 10_000));
      const cpu = (cpuSeconds(marker) - cpu0) / ((performance.now() - t0) / 1000);
      const l = levels(file, speech.speech);
      results[state].noise.push(l.noiseDb);
      results[state].speech.push(l.speechDb);
      results[state].cpu.push(cpu);
      const next: 'on' | 'off' = state === 'on' ? 'off' : 'on';
      await toggleNoiseInCall(pupil);
      await until(`suppression ${next}`, async () => (await effectStates(pupil)).audio === next, 20_000);
      state = next;
    }
    await closePages();
    const row = (k: 'on' | 'off') =>
      `${k === 'on' ? 'on ' : 'off'}   noise ${median(results[k].noise).toFixed(1)} dBFS  speech ${median(results[k].speech).toFixed(1)} dBFS  pupil CPU ${(median(results[k].cpu) * 100).toFixed(0)} %   (windows: ${results[k].noise.map((n) => n.toFixed(1)).join(', ')})`;
    return [
      '',
      `noise suppression: ${rounds} windows of 10 s each way, interleaved, medians; load1 ${loadavg()[0]!.toFixed(1)}`,
      row('off'),
      row('on'),
    ];
  } finally {
    await pupilBrowser.close();
    rmSync(work, { recursive: true, force: true });
  }
}

const server = await startTestServer();
const teacherBrowser = await launchChromium();
const lines: string[] = [
  `${SECONDS} s per case; the pupil's camera is the tests' clip of a person (24 fps); browsers headless, software video`,
];
try {
  for (const [w, h] of SIZES) {
    const clip = await personClip(w, h);
    const pupilBrowser = await launchChromium([`--use-file-for-fake-video-capture=${clip}`]);
    try {
      lines.push('', `camera ${w}x${h}`);
      lines.push('background      ms/mean  ms/p95  model/ms level  made/s  shown/s  pupil CPU  load1');
      for (const effect of EFFECTS) {
        const row = await measure(server, pupilBrowser, teacherBrowser, clip, effect);
        lines.push(row);
        console.log(row);
      }
    } finally {
      await pupilBrowser.close();
    }
  }
  const noise = await measureNoise(server, teacherBrowser, Number(args['noise-rounds']));
  lines.push(...noise);
  console.log(noise.join('\n'));
} finally {
  await teacherBrowser.close();
  await server.close();
}
console.log(lines.join('\n'));
if (args.record)
  appendResult(
    'Virtual background cost',
    `npm run loadtest:effects -- --seconds ${SECONDS} --sizes ${args.sizes}`,
    lines,
  );
