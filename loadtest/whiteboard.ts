// Whiteboard load: a class of 30 drawing at once (the teacher, who opens the
// board for everyone, and 29 pupils) and 2000 watching, all protocol clients
// over real WebSockets against the server in its own process with Redis (as
// run.sh ships it). Each drawer draws strokes as the web client sends them,
// with the client's own writer (common/whiteboard/ink.ts): a freehand
// element whose points grow, one Yjs update every 120 ms, 8 updates a
// stroke; the first carries the element's base and its first points, each
// next one only the new points as the next chunk of ink. The watchers
// receive in child processes; each update is known by its chunk's key
// (drawer, stroke, chunk), whose send time the drawers tell them. Prints the
// time from an update's send to its arrival at every watcher (p50/p99 of
// the last arrival per update, and of all deliveries), bytes per stroke sent
// and received per watcher, and the CPU of the server and of the load
// generator; appends them to loadtest/RESULTS.md. Each stroke's bytes reach
// every watcher (see docs/whiteboard.md).
//
//   npm run loadtest:whiteboard -- [--drawers 30] [--watchers 2000] [--seconds 20] [--processes 2] [--priority] [--relay-max-ms 100]
//
// --relay-max-ms sets how far the server's merge window grows with the
// people at the board (WHITEBOARD_RELAY_WINDOW_MAX_MS, 100 ms by default; 40
// keeps it at 40 ms).
// --priority runs the server and the load generator at nice -10 (as root), so
// on a machine shared with other work they are not the ones kept waiting.
import { type ChildProcess, fork } from 'node:child_process';
import { loadavg, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { type BoardMaps, writeElement } from '../common/whiteboard/ink.js';
import { type ElementEntry, type InkChunk, ROOT } from '../common/whiteboard/model.js';
import { startRedis } from '../test/helpers/redis.js';
import { cpuSeconds, percentile } from './processStats.js';
import { RESULTS_PATH, appendResult } from './results.js';
import { startServerProcess } from './serverProcess.js';

import pb = schoolcall.v1;

const { values: args } = parseArgs({
  options: {
    drawers: { type: 'string', default: '30' },
    watchers: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '20' },
    processes: { type: 'string', default: '2' },
    priority: { type: 'boolean', default: false },
    'relay-max-ms': { type: 'string' },
    results: { type: 'string', default: RESULTS_PATH },
  },
});
const DRAWERS = Number(args.drawers);
const WATCHERS = Number(args.watchers);
const SECONDS = Number(args.seconds);
const PROCESSES = Number(args.processes);
const ROOM = 'board-load';
const UPDATE_EVERY_MS = 120;
const UPDATES_PER_STROKE = 8;
const POINTS_PER_UPDATE = 8;
const now = () => performance.timeOrigin + performance.now();

function mint(secret: string, i: number, role: 'host' | 'participant'): Promise<string> {
  return new SignJWT({ name: `Ученик ${i}`, role, room: ROOM })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('school-call')
    .setSubject(`board-${i}`)
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
}

/** Send times of chunks, by stamp ('<drawer>.<stroke>:<chunk>'), for the watchers. */
type SentLog = (stamp: string, at: number) => void;

/** One person drawing: their own Yjs document, one request in flight at a time as the web client does. */
class Drawer {
  private readonly doc = new Y.Doc();
  private readonly maps: BoardMaps = {
    elements: this.doc.getMap<ElementEntry>(ROOT.elements),
    ink: this.doc.getMap<InkChunk>(ROOT.ink),
  };
  /** Told the send time of every chunk this drawer makes. */
  onSent: SentLog = () => undefined;
  private nextId = 2;
  private readonly waiting = new Map<number, (m: pb.IResponse) => void>();
  private pending: Uint8Array[] = [];
  private inFlight = false;
  sentBytes = 0;
  refused = 0;
  /** Updates that went together with another because one was in flight. */
  merged = 0;
  strokes = 0;

  private constructor(
    readonly ws: WebSocket,
    readonly index: number,
  ) {
    ws.on('message', (data: Buffer) => {
      // Only responses matter here (0x0a: field 1, the response); the board's events are for the watchers.
      if (data[0] !== 0x0a) return;
      const m = pb.ServerMessage.decode(data);
      const r = m.response;
      if (r?.requestId) this.waiting.get(r.requestId)?.(r);
    });
  }

  static async connect(url: string, token: string, index: number): Promise<Drawer> {
    const ws = new WebSocket(url);
    ws.binaryType = 'nodebuffer';
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const d = new Drawer(ws, index);
    const r = await d.request({ join: { roomId: ROOM, token } });
    if (r.error) throw new Error(r.error.message ?? 'join failed');
    return d;
  }

  request(m: pb.IClientMessage): Promise<pb.IResponse> {
    const requestId = this.nextId++;
    const frame = pb.ClientMessage.encode({ ...m, requestId }).finish();
    if (m.whiteboardUpdate) this.sentBytes += frame.length;
    this.ws.send(frame);
    return new Promise((resolve) => this.waiting.set(requestId, resolve));
  }

  /**
   * One step of the current stroke: the element with more points, written as
   * the web client writes it. Its id, '~WB<drawer>.<stroke>~', makes each
   * chunk's key ('~WB3.5~:2') findable in the bytes a watcher receives.
   */
  step(n: number): void {
    const inStroke = n % UPDATES_PER_STROKE;
    if (inStroke === 0) this.strokes++;
    const id = `~WB${this.index}.${this.strokes}~`;
    const points: [number, number][] = [];
    for (let i = 0; i < (inStroke + 1) * POINTS_PER_UPDATE; i++) {
      // Pointer positions at a zoom that is not 1: fractions of a pixel, as Excalidraw has them.
      points.push([i * 3.37, Math.sin(i / 4) * 20.3]);
    }
    const before = Y.encodeStateVector(this.doc);
    this.doc.transact(() =>
      writeElement(this.maps, 'p1', {
        id,
        type: 'freedraw',
        index: `a${this.index}`,
        x: 40 + (this.index % 6) * 180,
        y: 40 + Math.floor(this.index / 6) * 120,
        width: points.length * 3.5,
        height: 40,
        angle: 0,
        strokeColor: '#1e1e1e',
        backgroundColor: 'transparent',
        fillStyle: 'solid',
        strokeWidth: 2,
        strokeStyle: 'solid',
        roughness: 1,
        opacity: 100,
        groupIds: [],
        frameId: null,
        roundness: null,
        seed: 1000 + this.strokes,
        version: points.length,
        versionNonce: n,
        isDeleted: false,
        boundElements: null,
        updated: Date.now(),
        link: null,
        locked: false,
        points,
        pressures: [],
        simulatePressure: true,
        lastCommittedPoint: inStroke === UPDATES_PER_STROKE - 1 ? points.at(-1) : null,
      }),
    );
    this.onSent(`${this.index}.${this.strokes}:${inStroke}`, now());
    this.pending.push(Y.encodeStateAsUpdate(this.doc, before));
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.inFlight || this.pending.length === 0) return;
    this.inFlight = true;
    const update = this.pending.length === 1 ? this.pending[0]! : Y.mergeUpdates(this.pending);
    this.merged += this.pending.length - 1;
    this.pending = [];
    const r = await this.request({ whiteboardUpdate: { update } });
    if (r.error) this.refused++;
    this.inFlight = false;
    void this.flush();
  }
}

class Watchers {
  private constructor(private readonly children: ChildProcess[]) {}

  static async start(url: string, tokens: string[], processes: number): Promise<Watchers> {
    const file = fileURLToPath(new URL('./whiteboardWatchers.ts', import.meta.url));
    const children = Array.from({ length: processes }, () =>
      fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    const per = Math.ceil(tokens.length / processes);
    await Promise.all(
      children.map((c, i) => {
        const done = Watchers.next(c, 'connected');
        c.send({ type: 'connect', url, roomId: ROOM, tokens: tokens.slice(i * per, (i + 1) * per) });
        return done;
      }),
    );
    return new Watchers(children);
  }

  private static next<T>(child: ChildProcess, type: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const on = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', on);
        resolve(m as T);
      };
      child.on('message', on);
      child.once('exit', (code) => reject(new Error(`a watcher process exited (${code})`)));
    });
  }

  async measure(): Promise<void> {
    await Promise.all(
      this.children.map((c) => {
        const ack = Watchers.next(c, 'measuring');
        c.send({ type: 'measure' });
        return ack;
      }),
    );
  }

  report() {
    type Report = {
      deliveries: number;
      bytes: number;
      frames: number;
      cpuSeconds: number;
      disconnected: number;
      histogram: [number, number][];
      arrivals: [string, number, number][];
    };
    return Promise.all(
      this.children.map((c) => {
        const r = Watchers.next<Report>(c, 'report');
        c.send({ type: 'report' });
        return r;
      }),
    );
  }

  /** Tells every watcher process when chunks were sent (batched: one message per process per call). */
  tellSent(sent: [string, number][]): void {
    if (sent.length === 0) return;
    for (const c of this.children) c.send({ type: 'sent', sent });
  }

  get pids(): number[] {
    return this.children.map((c) => c.pid ?? 0).filter(Boolean);
  }

  kill(): void {
    for (const c of this.children) c.kill();
  }
}

/** A percentile of a histogram of 0.1 ms buckets. */
function histogramPercentile(buckets: Map<number, number>, total: number, p: number): number {
  const want = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const [bucket, n] of [...buckets].sort((a, b) => a[0] - b[0])) {
    seen += n;
    if (seen >= want) return bucket / 10;
  }
  return Number.NaN;
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const server = await startServerProcess({
    REDIS_URL: redis.url,
    MEDIASOUP_WORKERS: '1',
    MAX_PARTICIPANTS_PER_ROOM: String(DRAWERS + WATCHERS + 10),
    ...(args['relay-max-ms'] ? { WHITEBOARD_RELAY_WINDOW_MAX_MS: args['relay-max-ms'] } : {}),
  });
  const drawers: Drawer[] = [];
  let watchers: Watchers | null = null;
  try {
    const created = await fetch(`${server.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: ROOM,
        maxParticipants: DRAWERS + WATCHERS + 10,
        settings: { waitingRoom: 'off' },
      }),
    });
    if (created.status !== 201) throw new Error(`cannot create room: ${created.status}`);
    for (let i = 0; i < DRAWERS; i++) {
      const token = await mint(server.tokenSecret, i, i === 0 ? 'host' : 'participant');
      drawers.push(await Drawer.connect(server.wsUrl, token, i));
    }
    const teacher = drawers[0]!;
    for (const r of [
      await teacher.request({ openWhiteboard: { open: true } }),
      await teacher.request({
        setWhiteboardAccess: { access: pb.WhiteboardAccess.WHITEBOARD_ACCESS_EVERYONE },
      }),
    ]) {
      if (r.error) throw new Error(r.error.message ?? 'the teacher could not open the board');
    }
    const t0 = performance.now();
    const tokens = await Promise.all(
      Array.from({ length: WATCHERS }, (_, i) => mint(server.tokenSecret, DRAWERS + i, 'participant')),
    );
    watchers = await Watchers.start(server.wsUrl, tokens, PROCESSES);
    console.log(`${WATCHERS} watchers joined in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (args.priority) for (const pid of [server.pid, process.pid, ...watchers.pids]) setPriority(pid, -10);
    await new Promise((r) => setTimeout(r, 2000));

    await watchers.measure();
    const sentAt = new Map<string, number>();
    let toTell: [string, number][] = [];
    const tell = setInterval(() => {
      watchers?.tellSent(toTell);
      toTell = [];
    }, 20);
    for (const d of drawers) {
      d.onSent = (stamp, at) => {
        sentAt.set(stamp, at);
        toTell.push([stamp, at]);
      };
    }
    const cpu0 = cpuSeconds(server.pid);
    const own0 = process.cpuUsage();
    const started = performance.now();
    const ticks = Math.floor((SECONDS * 1000) / UPDATE_EVERY_MS);
    for (let n = 0; n < ticks; n++) {
      const wait = started + n * UPDATE_EVERY_MS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // Drawers start their updates spread over the interval, as people do.
      for (const d of drawers) setTimeout(() => d.step(n), (d.index * UPDATE_EVERY_MS) / DRAWERS);
    }
    await new Promise((r) => setTimeout(r, 3000));
    clearInterval(tell);
    watchers.tellSent(toTell);
    const wall = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(server.pid) - cpu0;
    const ownUsage = process.cpuUsage(own0);
    const drawersCpu = (ownUsage.user + ownUsage.system) / 1e6;
    const reports = await watchers.report();

    const histogram = new Map<number, number>();
    const last = new Map<string, { at: number; count: number }>();
    let deliveries = 0;
    let bytes = 0;
    let frames = 0;
    for (const r of reports) {
      deliveries += r.deliveries;
      bytes += r.bytes;
      frames += r.frames;
      for (const [b, n] of r.histogram) histogram.set(b, (histogram.get(b) ?? 0) + n);
      for (const [stamp, at, count] of r.arrivals) {
        const a = last.get(stamp);
        if (a) {
          a.at = Math.max(a.at, at);
          a.count += count;
        } else last.set(stamp, { at, count });
      }
    }
    const updatesSent = drawers.length * ticks;
    const everyone = [...last].filter(([, a]) => a.count === WATCHERS);
    const toEveryone = everyone
      .map(([stamp, a]) => a.at - (sentAt.get(stamp) ?? Number.NaN))
      .sort((a, b) => a - b);
    const strokes = drawers.reduce((n, d) => n + d.strokes, 0);
    const sent = drawers.reduce((n, d) => n + d.sentBytes, 0);
    const refused = drawers.reduce((n, d) => n + d.refused, 0);
    const lines = [
      `${DRAWERS} drawing (one update every ${UPDATE_EVERY_MS} ms, ${UPDATES_PER_STROKE} a stroke: base and first points, then new points only) and ${WATCHERS} watching for ${SECONDS} s; watchers in ${PROCESSES} processes; Redis keeps the board${args.priority ? '; server and generator at nice -10' : ''}${args['relay-max-ms'] ? `; relay window up to ${args['relay-max-ms']} ms` : ''}`,
      `updates  ${updatesSent} made, ${last.size} seen by watchers (merged while one was in flight: ${drawers.reduce((n, d) => n + d.merged, 0)}), ${everyone.length} reached all ${WATCHERS}; ${refused} refused by the server`,
      `update to every watcher  p50 ${percentile(toEveryone, 50).toFixed(1)} ms, p99 ${percentile(toEveryone, 99).toFixed(1)} ms, max ${percentile(toEveryone, 100).toFixed(1)} ms`,
      `each delivery  p50 ${histogramPercentile(histogram, deliveries, 50).toFixed(1)} ms, p99 ${histogramPercentile(histogram, deliveries, 99).toFixed(1)} ms (${deliveries} deliveries, ${(deliveries / wall).toFixed(0)}/s)`,
      `bytes per stroke  ${(sent / strokes).toFixed(0)} sent by the drawer, ${(bytes / WATCHERS / strokes).toFixed(0)} received by each watcher (frame payloads, ${UPDATES_PER_STROKE} updates); each watcher got ${(frames / WATCHERS / wall).toFixed(1)} frames/s, ${(bytes / WATCHERS / wall / 1024).toFixed(1)} KiB/s`,
      `CPU while drawing  server ${(cpu / wall).toFixed(2)} cores; load generator: drawers ${(drawersCpu / wall).toFixed(2)}, watchers ${reports.map((r) => (r.cpuSeconds / wall).toFixed(2)).join(' + ')} cores; ${reports.reduce((n, r) => n + r.disconnected, 0)} watchers cut off by the server as too slow`,
      `machine load average  ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} (2 cores shared with other work)`,
    ];
    console.log(lines.join('\n'));
    appendResult(
      `Whiteboard: ${DRAWERS} drawing, ${WATCHERS} watching`,
      `npm run loadtest:whiteboard -- --drawers ${DRAWERS} --watchers ${WATCHERS} --seconds ${SECONDS}${args.priority ? ' --priority' : ''}${args['relay-max-ms'] ? ` --relay-max-ms ${args['relay-max-ms']}` : ''}`,
      lines,
      args.results,
    );
  } finally {
    for (const d of drawers) d.ws.terminate();
    watchers?.kill();
    await server.stop();
    await redis.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
