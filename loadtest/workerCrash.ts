// How long a lesson's media is gone when a mediasoup worker crashes. Two
// Chromium pages (fake camera and microphone, the real web client) are in a
// call; the worker running the room's router is killed with SIGKILL, and the
// pages are sampled every 50 ms until both receive audio and video again
// (their counters start over on the new transports; "again" is both kinds
// growing on both pages). Repeats, then prints the median and spread of the
// seconds from the kill to media flowing, and appends them to RESULTS.md.
//
//   npm run loadtest:workerCrash -- --trials 5 --workers 2
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/helpers/browser.js';
import { byteCounts, enterCall, waitFor } from '../test/helpers/callPage.js';
import { createRoomWithToken, startTestServer } from '../test/helpers/testServer.js';
import { percentile } from './processStats.js';
import { RESULTS_PATH, appendResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    results: { type: 'string', default: RESULTS_PATH },
  },
});
const TRIALS = Number(args.trials);
const WORKERS = Number(args.workers);

type Inbound = { audio: number; video: number };

async function inbound(page: Page): Promise<Inbound> {
  return (await byteCounts(page)).inbound;
}

/** Seconds from `since` until this page's media has started over and grows again in both kinds. */
async function recovered(page: Page, before: Inbound, since: number): Promise<number> {
  let startedOver = false;
  let last = before;
  for (;;) {
    const now = await inbound(page);
    if (now.audio < last.audio || now.video < last.video) startedOver = true;
    if (startedOver && now.audio > last.audio && now.video > last.video && now.audio > 0 && now.video > 0) {
      return (Date.now() - since) / 1000;
    }
    if (Date.now() - since > 30_000) throw new Error('media did not come back within 30 s');
    last = now;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const server = await startTestServer({ MEDIASOUP_WORKERS: String(WORKERS), LOG_LEVEL: 'error' });
  const browser = await launchChromium();
  try {
    const people = await createRoomWithToken(server, 'crash', [
      { displayName: 'Teacher', role: 'host', userId: 'crash-teacher' },
      { displayName: 'Pupil', role: 'participant', userId: 'crash-pupil' },
    ]);
    const pages: Page[] = [];
    for (const p of people)
      pages.push(await enterCall(browser, p.joinUrl.replace(server.config.publicUrl, server.httpUrl)));
    const room = server.registry.get('crash')!;
    const seconds: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      for (const page of pages) {
        await waitFor(
          async () => {
            const a = await inbound(page);
            await new Promise((r) => setTimeout(r, 300));
            const b = await inbound(page);
            return b.audio > a.audio && b.video > a.video;
          },
          30_000,
          'media flowing before the crash',
        );
      }
      const media = room.mediaAt('')!;
      const victim = (await server.pool.usage()).find((w) => w.index === media.workerIndex)!;
      const before = await Promise.all(pages.map(inbound));
      const killedAt = Date.now();
      process.kill(victim.pid, 'SIGKILL');
      const each = await Promise.all(pages.map((page, i) => recovered(page, before[i]!, killedAt)));
      const worst = Math.max(...each);
      seconds.push(worst);
      console.log(
        `trial ${trial + 1}: worker ${victim.index} killed; media back on both pages after ${worst.toFixed(2)} s`,
      );
      // Let the replacement worker settle before the next crash.
      await new Promise((r) => setTimeout(r, 3000));
    }
    const sorted = [...seconds].sort((a, b) => a - b);
    const lines = [
      `${WORKERS} mediasoup worker(s), 2 Chromium pages with camera and microphone, ${TRIALS} crashes`,
      `seconds from SIGKILL of the room's worker to audio and video flowing again on both pages: ` +
        `median ${percentile(sorted, 50).toFixed(2)}, min ${sorted[0]!.toFixed(2)}, max ${sorted[sorted.length - 1]!.toFixed(2)}`,
      `each: ${seconds.map((s) => s.toFixed(2)).join(', ')}`,
    ];
    for (const l of lines) console.log(l);
    appendResult(
      'Media back after a mediasoup worker crash, in the browser',
      `npm run loadtest:workerCrash -- --trials ${TRIALS} --workers ${WORKERS}`,
      lines,
      args.results,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
