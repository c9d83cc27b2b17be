// HLS viewer load: N simulated viewers each fetch the live playlist once per
// target duration and every new segment in it, as hls.js does, against the
// real server (uWS) broadcasting a real call on this host
// (loadtest/broadcastServer.ts, its own process). Reports segment and
// playlist time-to-first-byte, the CPU of the server, its mediasoup worker,
// the program pipeline (per minute of broadcast) and of this generator, the
// machine's load average, and the latency a real hls.js player in headless
// Chromium sees (wall clock minus hls.playingDate), sampled during the load.
//
// Two generators: `--generator wrk` (the default when Debian's wrk is
// installed) keeps 2000 viewers' connections with little CPU, so the figure
// is the server's; `--generator node` simulates each viewer in this Node
// process (it falls behind at a few hundred viewers on 2 shared cores, and
// says so). wrk measures the whole response, not only the first byte.
import { execFileSync, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { launchChromium } from '../test/helpers/browser.js';
import { cpuSeconds, percentile } from './processStats.js';
import { appendResult } from './results.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const VIEWERS = arg('viewers', 2000);
const SECONDS = arg('seconds', 60);
const RAMP_SECONDS = arg('ramp', 20);
const generatorArg = args.includes('--generator') ? args[args.indexOf('--generator') + 1] : undefined;
const hasWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk --version exits 1 after printing its version; only a missing binary throws ENOENT.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
})();
/** On a shared machine: run the measured processes ahead of everything else (needs root). */
const PRIORITY = args.includes('--priority');
const GENERATOR = generatorArg ?? (hasWrk ? 'wrk' : 'node');
if (GENERATOR !== 'wrk' && GENERATOR !== 'node') throw new Error('--generator is wrk or node');
if (GENERATOR === 'wrk' && !hasWrk) throw new Error('wrk is not installed: apt-get install wrk');

const server = spawn(
  process.execPath,
  ['--import', 'tsx', new URL('./broadcastServer.ts', import.meta.url).pathname],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const info = await new Promise<{
  url: string;
  code: string;
  pids: { gst: number; ffmpeg: number };
  workerPids: number[];
}>((resolve) => {
  const died = (code: number | null) => {
    console.error(`the broadcast server exited (${code}) before it was live`);
    process.exit(1);
  };
  server.once('exit', died);
  createInterface({ input: server.stdout! }).once('line', (l) => {
    server.off('exit', died);
    resolve(JSON.parse(l));
  });
});
// Stopped from outside (a timeout, Ctrl-C): take the server process with us.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.kill('SIGTERM');
    process.exit(1);
  });
}
const base = `${info.url}/b/${info.code}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Timing {
  ttfb: number;
  ok: boolean;
}
const segTimes: Timing[] = [];
const listTimes: Timing[] = [];
let measuring = false;
let stopping = false;

/** A request that takes longer than this counts as failed (as a player would give up on it). */
const REQUEST_TIMEOUT_MS = 10_000;

function get(agent: Agent, path: string): Promise<{ ttfb: number; status: number; body: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const failed = () => resolve({ ttfb: performance.now() - t0, status: 0, body: '' });
    const req = request(`${base}/${path}`, { agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const ttfb = performance.now() - t0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ ttfb, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }),
      );
      res.on('aborted', failed);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', failed);
    req.end();
  });
}

async function viewer(): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const seen = new Set<string>();
  let first = true;
  while (!stopping) {
    const started = performance.now();
    const list = await get(agent, 'live.m3u8');
    if (measuring) listTimes.push({ ttfb: list.ttfb, ok: list.status === 200 });
    const uris = list.body.split('\n').filter((l) => l.endsWith('.m4s') || l.startsWith('#EXT-X-MAP'));
    // A player joining starts near the live edge; afterwards it takes every new segment.
    const segments = uris.filter((l) => l.endsWith('.m4s'));
    const fresh = first ? segments.slice(-2) : segments.filter((s) => !seen.has(s));
    for (const s of segments) if (first) seen.add(s);
    first = false;
    for (const s of fresh) {
      seen.add(s);
      const r = await get(agent, s);
      if (measuring) segTimes.push({ ttfb: r.ttfb, ok: r.status === 200 });
    }
    await sleep(Math.max(0, 1000 - (performance.now() - started)));
  }
  agent.destroy();
}

// Wait for the first segments, then bring viewers in over the ramp.
while (!(await get(new Agent(), 'live.m3u8')).body.includes('.m4s')) await sleep(500);
console.error('live; opening a real player');
const browser = await launchChromium();
const page = await browser.newPage();
await page.goto(base);
console.error('bringing viewers in');
const viewers: Promise<void>[] = [];
const rampStarted = Date.now();
/** wrk's run, when it is the generator: its process and its JSON summary line. */
let wrk: { pid: number; result: Promise<WrkSummary> } | null = null;
// Longer than the window, so that wrk still runs when its CPU is read at the end.
const WRK_SECONDS = SECONDS + 8;
if (GENERATOR === 'wrk') {
  wrk = startWrk(`${base}/live.m3u8`, VIEWERS, WRK_SECONDS);
} else {
  // In steps of 100 ms, on schedule even when timers fire late (a starved generator).
  const STEP_MS = 100;
  while (viewers.length < VIEWERS) {
    const due = Math.min(
      VIEWERS,
      Math.ceil(((Date.now() - rampStarted) / (RAMP_SECONDS * 1000)) * VIEWERS) + 1,
    );
    while (viewers.length < due) viewers.push(viewer());
    await sleep(STEP_MS);
  }
}
if (PRIORITY) {
  // The server, its worker, the program pipeline and wrk at nice -10: other work on a shared machine gets what is left.
  const pids = [server.pid!, ...info.workerPids, info.pids.gst, info.pids.ffmpeg, wrk?.pid ?? process.pid];
  execFileSync('renice', ['-n', '-10', '-p', ...pids.map(String)], { stdio: 'ignore' });
}
const rampSeconds = (Date.now() - rampStarted) / 1000;
console.error(`${VIEWERS} viewers in after ${rampSeconds.toFixed(0)} s; measuring for ${SECONDS} s`);
await sleep(3000);
measuring = true;
const generatorPid = wrk?.pid ?? process.pid;
const cpu0 = {
  server: cpuSeconds(server.pid!),
  worker: info.workerPids.reduce((n, pid) => n + cpuSeconds(pid), 0),
  gst: cpuSeconds(info.pids.gst),
  ffmpeg: cpuSeconds(info.pids.ffmpeg),
  generator: cpuSeconds(generatorPid),
};
const load0 = loadavg()[0]!;
const latencies: number[] = [];
const until = Date.now() + SECONDS * 1000;
while (Date.now() < until) {
  const l = await page.evaluate(() => {
    const hls = (window as unknown as { __hls?: { playingDate: Date | null } }).__hls;
    return hls?.playingDate ? Date.now() - hls.playingDate.getTime() : null;
  });
  if (l !== null) latencies.push(l);
  await sleep(2000);
}
const cpu1 = {
  server: cpuSeconds(server.pid!),
  worker: info.workerPids.reduce((n, pid) => n + cpuSeconds(pid), 0),
  gst: cpuSeconds(info.pids.gst),
  ffmpeg: cpuSeconds(info.pids.ffmpeg),
  generator: cpuSeconds(generatorPid),
};
const load1 = loadavg()[0]!;
measuring = false;
stopping = true;
console.error('measured; stopping the viewers');
await Promise.all(viewers);
const wrkSummary = wrk ? await wrk.result : null;
await browser.close();
server.kill('SIGTERM');

const stats = (xs: Timing[]) => {
  const sorted = xs.map((x) => x.ttfb).sort((a, b) => a - b);
  const failed = xs.filter((x) => !x.ok).length;
  return `n=${xs.length} failed=${failed} p50=${percentile(sorted, 50).toFixed(1)} ms p99=${percentile(sorted, 99).toFixed(1)} ms max=${(sorted.at(-1) ?? 0).toFixed(1)} ms`;
};
const lat = [...latencies].sort((a, b) => a - b);
const perMinute = (d: number) => ((d / SECONDS) * 60).toFixed(1);
const pct = (d: number) => `${((d / SECONDS) * 100).toFixed(0)} %`;
const viewerLines = wrkSummary
  ? [
      `viewers: ${VIEWERS} connections of wrk (2 threads), each asking for the playlist and the newest segment in turn, one of each a second, for ${WRK_SECONDS} s (CPU read over the middle ${SECONDS} s)`,
      `requests answered: ${(wrkSummary.requests / WRK_SECONDS).toFixed(0)}/s (${wrkSummary.lists} playlists, ${wrkSummary.segments} segments) of the ${2 * VIEWERS}/s these viewers make; not 200: ${wrkSummary.bad}; socket errors: connect ${wrkSummary.connect}, read ${wrkSummary.read}, timeout ${wrkSummary.timeout}`,
      `response time (whole response, playlists and segments together): p50=${wrkSummary.p50.toFixed(1)} ms p90=${wrkSummary.p90.toFixed(1)} ms p99=${wrkSummary.p99.toFixed(1)} ms max=${wrkSummary.max.toFixed(1)} ms`,
    ]
  : [
      `viewers: ${VIEWERS} (ramp ${RAMP_SECONDS} s, took ${rampSeconds.toFixed(0)} s), window ${SECONDS} s`,
      `requests answered: ${((segTimes.length + listTimes.length) / SECONDS).toFixed(0)}/s of the ${2 * VIEWERS}/s these viewers would make if the generator kept up (one playlist and one segment a second each)`,
      `segment TTFB: ${stats(segTimes)}`,
      `playlist TTFB: ${stats(listTimes)}`,
    ];
const lines = [
  ...viewerLines,
  `server process CPU (uWS HTTP + room + recorder feature): ${pct(cpu1.server - cpu0.server)} of a core; its mediasoup worker ${pct(cpu1.worker - cpu0.worker)}; the load generator (${GENERATOR}) ${pct(cpu1.generator - cpu0.generator)}`,
  `program pipeline CPU per minute of broadcast at 720p25: GStreamer ${perMinute(cpu1.gst - cpu0.gst)} s, ffmpeg segmenter ${perMinute(cpu1.ffmpeg - cpu0.ffmpeg)} s`,
  `hls.js latency in Chromium (wall clock minus playingDate): median ${percentile(lat, 50)} ms, min ${lat[0]} ms, max ${lat.at(-1)} ms over ${lat.length} samples`,
  `machine load average (1 min) at the start and end of the window: ${load0.toFixed(1)}, ${load1.toFixed(1)} (2 cores, shared)${PRIORITY ? '; server, worker, pipeline and generator at nice -10' : ''}`,
];
for (const l of lines) console.log(l);
appendResult(
  'HLS viewers',
  `npm run loadtest:hls -- --viewers ${VIEWERS} --seconds ${SECONDS} --generator ${GENERATOR}${PRIORITY ? ' --priority' : ''}`,
  lines,
);
process.exit(0);

interface WrkSummary {
  requests: number;
  lists: number;
  segments: number;
  bad: number;
  connect: number;
  read: number;
  timeout: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Runs wrk with the viewer script (loadtest/hlsViewers.lua) for `seconds`; its summary is one JSON line. */
function startWrk(
  url: string,
  connections: number,
  seconds: number,
): { pid: number; result: Promise<WrkSummary> } {
  const script = new URL('./hlsViewers.lua', import.meta.url).pathname;
  const child = spawn(
    'wrk',
    ['-t', '2', '-c', String(connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', script, url],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const result = new Promise<WrkSummary>((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"requests"'));
      if (!line) reject(new Error(`wrk exited ${code} without a summary:\n${out}`));
      else resolve(JSON.parse(line) as WrkSummary);
    });
  });
  return { pid: child.pid!, result };
}
