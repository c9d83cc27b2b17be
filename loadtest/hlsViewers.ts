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
// says so). wrk measures the whole response, not only the first byte, and
// cannot tell which request a time belongs to; so each viewer gets two
// connections, as a browser's pool gives hls.js, and two wrk runs time them
// apart: one asks for playlists, the other for the newest segment (named in
// a file this process keeps current). `--mixed` runs one wrk with both kinds
// in turn on one connection per viewer, timed together.
//
// `--subtitles <share>`: that share of the viewers also has subtitles on, as
// hls.js does then: the subtitle playlist each second and every new WebVTT
// segment in it (the track exists for every broadcast; without a
// transcriber its segments are just empty, which costs the server the same).
import { execFileSync, spawn } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { launchChromium } from '../test/helpers/browser.js';
import { onInterrupt } from './interrupt.js';
import { cpuSeconds, percentile } from './processStats.js';
import { appendResult } from './results.js';
import { SegmentProbes } from './segmentProbes.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const VIEWERS = arg('viewers', 2000);
const SECONDS = arg('seconds', 60);
const RAMP_SECONDS = arg('ramp', 20);
const SUBTITLE_SHARE = Math.min(1, Math.max(0, arg('subtitles', 0)));
const WITH_SUBTITLES = Math.floor(VIEWERS * SUBTITLE_SHARE);
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
const MIXED = args.includes('--mixed');
/** Of the viewers, this many time their segments' first byte themselves (wrk times whole responses only). */
const PROBES = Math.min(arg('probes', 100), VIEWERS - 1);
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
onInterrupt(() => server.kill('SIGTERM'));
const base = `${info.url}/b/${info.code}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Timing {
  ttfb: number;
  ok: boolean;
}
const segTimes: Timing[] = [];
const listTimes: Timing[] = [];
const vttTimes: Timing[] = [];
const subListTimes: Timing[] = [];
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

/** One media playlist followed as a player does: the playlist, then each new segment in it. */
function follower(playlist: string, ext: string, lists: Timing[], segs: Timing[]) {
  const seen = new Set<string>();
  let first = true;
  return async (agent: Agent) => {
    const list = await get(agent, playlist);
    if (measuring) lists.push({ ttfb: list.ttfb, ok: list.status === 200 });
    const segments = list.body.split('\n').filter((l) => l.endsWith(ext));
    // A player joining starts near the live edge; afterwards it takes every new segment.
    const fresh = first ? segments.slice(-2) : segments.filter((s) => !seen.has(s));
    for (const s of segments) if (first) seen.add(s);
    first = false;
    for (const s of fresh) {
      seen.add(s);
      const r = await get(agent, s);
      if (measuring) segs.push({ ttfb: r.ttfb, ok: r.status === 200 });
    }
  };
}

async function viewer(withSubtitles: boolean): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const video = follower('live.m3u8', '.m4s', listTimes, segTimes);
  const subtitles = withSubtitles ? follower('subtitles.m3u8', '.vtt', subListTimes, vttTimes) : null;
  while (!stopping) {
    const started = performance.now();
    await video(agent);
    await subtitles?.(agent);
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
/** wrk's runs, when it is the generator: their processes and JSON summary lines (playlists, then segments). */
const wrks: WrkRun[] = [];
// Longer than the window, so that wrk still runs when its CPU is read at the end.
const WRK_SECONDS = SECONDS + 8;
let newestWatch: ReturnType<typeof setInterval> | null = null;
let newestFile: string | null = null;
let probes: SegmentProbes | null = null;
if (GENERATOR === 'wrk') {
  const url = `${base}/live.m3u8`;
  if (MIXED) wrks.push(startWrk(url, VIEWERS, WRK_SECONDS, 'both', SUBTITLE_SHARE, '', 2));
  else {
    newestFile = join(tmpdir(), `hls-newest-${process.pid}.txt`);
    const file = newestFile;
    let newestM4s = '';
    const agent = new Agent({ keepAlive: true });
    const last = (body: string, ext: string) =>
      body
        .split('\n')
        .filter((l) => l.endsWith(ext))
        .at(-1) ?? '';
    const newest = async () => {
      const [video, subs] = await Promise.all([get(agent, 'live.m3u8'), get(agent, 'subtitles.m3u8')]);
      const m4s = last(video.body, '.m4s');
      if (!m4s) return;
      newestM4s = m4s;
      writeFileSync(`${file}.tmp`, `${m4s}\n${last(subs.body, '.vtt')}\n`);
      renameSync(`${file}.tmp`, file);
    };
    await newest();
    // A player learns of a new segment from a playlist it fetched up to a second ago: every 250 ms is sooner.
    newestWatch = setInterval(() => void newest(), 250);
    wrks.push(startWrk(url, VIEWERS, WRK_SECONDS, 'lists', SUBTITLE_SHARE, '', 1));
    wrks.push(startWrk(url, VIEWERS - PROBES, WRK_SECONDS, 'segments', SUBTITLE_SHARE, newestFile, 1));
    const { hostname, port, pathname } = new URL(base);
    probes = new SegmentProbes(
      hostname,
      Number(port),
      (s) => `${pathname}/${s}`,
      () => newestM4s,
    );
    probes.start(PROBES);
  }
} else {
  // In steps of 100 ms, on schedule even when timers fire late (a starved generator).
  const STEP_MS = 100;
  while (viewers.length < VIEWERS) {
    const due = Math.min(
      VIEWERS,
      Math.ceil(((Date.now() - rampStarted) / (RAMP_SECONDS * 1000)) * VIEWERS) + 1,
    );
    // Every viewer whose place in line crosses the next whole share has subtitles on.
    while (viewers.length < due) {
      const n = viewers.length;
      viewers.push(viewer(Math.floor((n + 1) * SUBTITLE_SHARE) > Math.floor(n * SUBTITLE_SHARE)));
    }
    await sleep(STEP_MS);
  }
}
if (PRIORITY) {
  // The server, its worker, the program pipeline and wrk at nice -10: other work on a shared machine gets what is left.
  const pids = [
    server.pid!,
    ...info.workerPids,
    info.pids.gst,
    info.pids.ffmpeg,
    ...(wrks.length ? wrks.map((w) => w.pid) : [process.pid]),
  ];
  execFileSync('renice', ['-n', '-10', '-p', ...pids.map(String)], { stdio: 'ignore' });
}
const rampSeconds = (Date.now() - rampStarted) / 1000;
console.error(`${VIEWERS} viewers in after ${rampSeconds.toFixed(0)} s; measuring for ${SECONDS} s`);
await sleep(3000);
measuring = true;
if (probes) probes.measuring = true;
const generatorPids = wrks.length ? wrks.map((w) => w.pid) : [process.pid];
const cpuNow = () => ({
  server: cpuSeconds(server.pid!),
  worker: info.workerPids.reduce((n, pid) => n + cpuSeconds(pid), 0),
  gst: cpuSeconds(info.pids.gst),
  ffmpeg: cpuSeconds(info.pids.ffmpeg),
  generator: generatorPids.reduce((n, pid) => n + cpuSeconds(pid), 0),
});
const cpu0 = cpuNow();
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
const cpu1 = cpuNow();
const load1 = loadavg()[0]!;
measuring = false;
stopping = true;
probes?.stop();
console.error('measured; stopping the viewers');
await Promise.all(viewers);
const wrkSummaries = await Promise.all(wrks.map((w) => w.result));
if (newestWatch) clearInterval(newestWatch);
if (newestFile) rmSync(newestFile, { force: true });
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
const answered = (w: WrkSummary) =>
  `${(w.requests / WRK_SECONDS).toFixed(0)}/s (${w.lists} playlists, ${w.segments} segments, ${w.sublists} subtitle playlists, ${w.vtts} subtitle segments); not 200: ${w.bad}; socket errors: connect ${w.connect}, read ${w.read}, timeout ${w.timeout}`;
const times = (w: WrkSummary) =>
  `p50=${w.p50.toFixed(1)} ms p90=${w.p90.toFixed(1)} ms p99=${w.p99.toFixed(1)} ms max=${w.max.toFixed(1)} ms`;
const subtitleNote = WITH_SUBTITLES
  ? `; ${WITH_SUBTITLES} viewers' worth of subtitle requests too (the subtitle playlist and newest .vtt, one of each a second), spread over the connections`
  : '';
const [listRun, segmentRun] = wrkSummaries;
const probeTimes = (kind: 'ttfb' | 'whole') => {
  const xs = [...(probes?.times[kind] ?? [])].sort((a, b) => a - b);
  return `n=${xs.length} failed=${probes?.times.failed ?? 0} p50=${percentile(xs, 50).toFixed(1)} ms p90=${percentile(xs, 90).toFixed(1)} ms p99=${percentile(xs, 99).toFixed(1)} ms max=${(xs.at(-1) ?? 0).toFixed(1)} ms`;
};
const viewerLines = listRun
  ? MIXED || !segmentRun
    ? [
        `viewers: ${VIEWERS} connections of wrk (2 threads), each asking for the playlist and the newest segment in turn, one of each a second, for ${WRK_SECONDS} s (CPU read over the middle ${SECONDS} s)${subtitleNote}`,
        `requests answered: ${answered(listRun)} of the ${2 * (VIEWERS + WITH_SUBTITLES)}/s these viewers make`,
        `response time (whole response, playlists and segments together): ${times(listRun)}`,
      ]
    : [
        `viewers: ${VIEWERS}, each with two connections (two wrk runs of one thread): one asks for the live playlist once a second, the other for the newest segment once a second, for ${WRK_SECONDS} s (CPU read over the middle ${SECONDS} s)${subtitleNote}`,
        `playlists answered: ${answered(listRun)} of the ${VIEWERS + WITH_SUBTITLES}/s asked for`,
        `segments answered by wrk: ${answered(segmentRun)} of the ${VIEWERS - PROBES + WITH_SUBTITLES}/s its connections ask for`,
        `segment time to first byte (${PROBES} of the viewers time it themselves): ${probeTimes('ttfb')}`,
        `segment whole response, the same ${PROBES} viewers: ${probeTimes('whole')}`,
        `segment whole response, the other ${VIEWERS - PROBES} (wrk): ${times(segmentRun)}`,
        `playlist response time (whole response): ${times(listRun)}`,
      ]
  : [
      `viewers: ${VIEWERS} (ramp ${RAMP_SECONDS} s, took ${rampSeconds.toFixed(0)} s), window ${SECONDS} s, ${WITH_SUBTITLES} of them with subtitles on`,
      `requests answered: ${((segTimes.length + listTimes.length + vttTimes.length + subListTimes.length) / SECONDS).toFixed(0)}/s of the ${2 * (VIEWERS + WITH_SUBTITLES)}/s these viewers would make if the generator kept up (one playlist and one segment a second each, twice with subtitles)`,
      `segment TTFB: ${stats(segTimes)}`,
      `playlist TTFB: ${stats(listTimes)}`,
      ...(WITH_SUBTITLES > 0
        ? [`subtitle segment TTFB: ${stats(vttTimes)}`, `subtitle playlist TTFB: ${stats(subListTimes)}`]
        : []),
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
  `npm run loadtest:hls -- --viewers ${VIEWERS} --seconds ${SECONDS} --generator ${GENERATOR}${MIXED ? ' --mixed' : ''}${PRIORITY ? ' --priority' : ''}${SUBTITLE_SHARE > 0 ? ` --subtitles ${SUBTITLE_SHARE}` : ''}`,
  lines,
);
process.exit(0);

interface WrkSummary {
  requests: number;
  lists: number;
  segments: number;
  sublists: number;
  vtts: number;
  bad: number;
  connect: number;
  read: number;
  timeout: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface WrkRun {
  pid: number;
  result: Promise<WrkSummary>;
}

/** Runs wrk with the viewer script (loadtest/hlsViewers.lua) for `seconds`; its summary is one JSON line. */
function startWrk(
  url: string,
  connections: number,
  seconds: number,
  mode: 'both' | 'lists' | 'segments',
  subtitleShare: number,
  newestFile: string,
  threads: number,
): WrkRun {
  const script = new URL('./hlsViewers.lua', import.meta.url).pathname;
  const child = spawn(
    'wrk',
    [
      ...[
        '-t',
        String(threads),
        '-c',
        String(connections),
        '-d',
        `${seconds}s`,
        '--timeout',
        '10s',
        '-s',
        script,
        url,
      ],
      ...['--', mode, String(subtitleShare), newestFile],
    ],
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
