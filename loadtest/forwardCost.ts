// The mediasoup worker's cost per forwarded packet, measured so that it
// repeats on a busy machine: one worker, publishers replaying a fixed capture
// of real RTP (the fan-out clip's VP8 and Opus, as ffmpeg packetises them)
// at a fixed rate, receivers on plain transports (SRTP or not) whose every
// packet is counted. It prints the worker's CPU per forwarded packet (user and
// kernel, from /proc), and with --callgrind the worker's instructions per
// forwarded packet (valgrind; user space only, exact for a given build),
// with --syscalls its system calls per forwarded packet (perf), with
// --perf-record a profile of the measured window.
//
// --worker-bin A,B --rounds N compares worker builds interleaved (A, B, A,
// B, ...), each round in a fresh process, and prints medians and ranges.
//
//   npm run loadtest:forward -- --receivers 100 --packets 6000 --rate 400
//   npm run loadtest:forward -- --receivers 20 --packets 1000 --rate 50 --callgrind [--callgrind-out FILE]
//   npm run loadtest:forward -- --worker-bin /path/a,/path/b --rounds 5
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type Socket, createSocket } from 'node:dgram';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { types } from 'mediasoup';
import { ROUTER_MEDIA_CODECS } from '../sfu/mediaCodecs.js';
import { udpReceiveBufferDrops } from './processStats.js';
import { appendResult } from './results.js';
import { RtpSink } from './rtpSink.js';
import {
  SRTP_KEY_BYTES,
  clip,
  parseSrtpSuite,
  requireFfmpeg,
  rtpOutputArgs,
  sinkCapabilities,
} from './rtpSources.js';

const { values: args } = parseArgs({
  options: {
    publishers: { type: 'string', default: '3' },
    receivers: { type: 'string', default: '100' },
    packets: { type: 'string', default: '6000' },
    rate: { type: 'string', default: '400' },
    warmup: { type: 'string', default: '300' },
    'srtp-suite': { type: 'string', default: 'AES_CM_128_HMAC_SHA1_80' },
    'no-srtp': { type: 'boolean', default: false },
    'transport-cc': { type: 'boolean', default: false },
    'rtc-ports': { type: 'string', default: '45000-45999' },
    callgrind: { type: 'boolean', default: false },
    'callgrind-out': { type: 'string' },
    syscalls: { type: 'boolean', default: false },
    'perf-record': { type: 'string' },
    'worker-bin': { type: 'string' },
    rounds: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    'no-append': { type: 'boolean', default: false },
  },
});
const PUBLISHERS = Number(args.publishers);
const RECEIVERS = Number(args.receivers);
const PACKETS = Number(args.packets);
const RATE = Number(args.rate);
const WARMUP = Number(args.warmup);
const SRTP = args['no-srtp'] ? null : parseSrtpSuite(args['srtp-suite']);
const [RTC_MIN, RTC_MAX] = args['rtc-ports'].split('-').map(Number) as [number, number];
const CLOCK_TICKS_PER_SECOND = 100;

/** One captured RTP packet: which stream (0 video, 1 audio) and its bytes. */
interface Captured {
  stream: 0 | 1;
  data: Buffer;
}

/** The fan-out clip as ffmpeg sends it over RTP (VP8 in packets of up to 1200 bytes, Opus), captured once in order. */
async function capture(): Promise<Captured[]> {
  const dir = join(process.env.SCHOOL_CALL_CACHE ?? join(homedir(), '.cache/school-call'), 'loadtest');
  const path = join(dir, 'forward-capture-v1.bin');
  if (!existsSync(path)) {
    requireFfmpeg();
    mkdirSync(dir, { recursive: true });
    console.log('capturing the clip as RTP once…');
    const packets: Captured[] = [];
    const sockets = await Promise.all(
      [0, 1].map(async (stream) => {
        const s = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
        s.on('message', (data) => packets.push({ stream: stream as 0 | 1, data }));
        await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
        return s;
      }),
    );
    const out = (stream: 'v' | 'a', socket: Socket, ssrc: number, pt: number) =>
      rtpOutputArgs(stream, ssrc, pt, `rtp://127.0.0.1:${socket.address().port}?pkt_size=1200`);
    // Twice real time: fast, and slow enough that no packet is dropped on the way.
    const ffmpeg = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-readrate',
        '2',
        '-i',
        clip(),
        ...out('v', sockets[0]!, 1, 101),
        ...out('a', sockets[1]!, 2, 100),
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    await new Promise((r) => ffmpeg.once('exit', r));
    await new Promise((r) => setTimeout(r, 500));
    for (const s of sockets) s.close();
    // RTCP (packet types 200-206) would read as payload types 72-78.
    const rtp = packets.filter(
      (p) => p.data.length >= 12 && ((p.data[1]! & 0x7f) < 72 || (p.data[1]! & 0x7f) > 78),
    );
    if (new Set(rtp.map((p) => p.stream)).size < 2) throw new Error('the capture lacks a stream');
    const parts: Buffer[] = [];
    for (const p of rtp) {
      const head = Buffer.alloc(3);
      head.writeUInt8(p.stream, 0);
      head.writeUInt16BE(p.data.length, 1);
      parts.push(head, p.data);
    }
    writeFileSync(`${path}.tmp`, Buffer.concat(parts));
    execFileSync('mv', [`${path}.tmp`, path]);
  }
  const buf = readFileSync(path);
  const packets: Captured[] = [];
  for (let off = 0; off < buf.length; ) {
    const stream = buf.readUInt8(off) as 0 | 1;
    const len = buf.readUInt16BE(off + 1);
    packets.push({ stream, data: buf.subarray(off + 3, off + 3 + len) });
    off += 3 + len;
  }
  return packets;
}

/**
 * Publisher i's packets in capture order, SSRC rewritten per publisher, the
 * capture looped with sequence numbers and timestamps carried on.
 */
function* replay(
  captured: Captured[],
  publishers: number,
): Generator<{ publisher: number; stream: 0 | 1; data: Buffer }> {
  const perStream = [0, 1].map((s) => captured.filter((p) => p.stream === s));
  const span = perStream.map((ps) => ({
    packets: ps.length,
    // Timestamp span plus one frame (40 ms video, 20 ms audio).
    ts:
      ps[ps.length - 1]!.data.readUInt32BE(4) -
      ps[0]!.data.readUInt32BE(4) +
      (ps === perStream[0] ? 3600 : 960),
  }));
  for (let loop = 0; ; loop++) {
    for (const p of captured) {
      for (let i = 0; i < publishers; i++) {
        const data = Buffer.from(p.data);
        const s = span[p.stream]!;
        data.writeUInt16BE((data.readUInt16BE(2) + loop * s.packets) & 0xffff, 2);
        data.writeUInt32BE((data.readUInt32BE(4) + loop * s.ts) >>> 0, 4);
        data.writeUInt32BE(ssrcOf(i, p.stream), 8);
        yield { publisher: i, stream: p.stream, data };
      }
    }
  }
}

function ssrcOf(publisher: number, stream: 0 | 1): number {
  return 10_000 + publisher * 10 + (stream === 0 ? 1 : 2);
}

/** Sends `count` packets from the replay at `rate` per second (catching up after late timers). */
async function send(
  source: Generator<{ publisher: number; stream: 0 | 1; data: Buffer }>,
  targets: { socket: Socket; port: number }[][],
  count: number,
  rate: number,
): Promise<void> {
  const start = performance.now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const { value } = source.next();
      const t = targets[value!.publisher]![value!.stream]!;
      t.socket.send(value!.data, t.port, '127.0.0.1');
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** User and system CPU seconds of `pid`, from /proc. */
function cpuOf(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(f[11]) / CLOCK_TICKS_PER_SECOND, system: Number(f[12]) / CLOCK_TICKS_PER_SECOND };
}

/** Waits until the sinks have received nothing new for `quietMs`. */
async function settle(sinks: RtpSink[], quietMs: number): Promise<void> {
  let last = -1;
  for (;;) {
    const now = sinks.reduce((a, s) => a + s.peek(), 0);
    if (now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

interface Figures {
  /** Packets the worker sent to the receivers in the window, by its consumers' counters. */
  sent: number;
  /** Of those, received by the sinks. */
  forwarded: number;
  /** Received after a packet with a higher sequence number. */
  reordered: number;
  expected: number;
  inputPackets: number;
  userUs: number;
  systemUs: number;
  instructions?: number;
  syscalls?: number;
  socketDrops: number;
  /** Whether the worker holds an io_uring (the send-batching worker patch). */
  ioUring: boolean;
}

const debug = (m: string) =>
  process.env.FC_DEBUG && console.error(`${(performance.now() / 1000).toFixed(1)} ${m}`);
/** Exits with the apt package to install when a tool asked for is missing. */
function requireTool(tool: string, pkg: string): void {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
  } catch {
    console.error(`${tool} is needed: apt-get install -y ${pkg}`);
    process.exit(1);
  }
}

async function runOnce(): Promise<Figures> {
  if (args.callgrind) requireTool('valgrind', 'valgrind');
  if (args.syscalls || args['perf-record']) requireTool('perf', 'linux-perf');
  const captured = await capture();
  debug(`captured ${captured.length}`);
  let cgDir: string | null = null;
  if (args.callgrind) {
    cgDir = mkdtempSync(join(tmpdir(), 'forward-callgrind-'));
    const bin = process.env.MEDIASOUP_WORKER_BIN ?? defaultWorkerBin();
    const wrapper = join(cgDir, 'worker.sh');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=${cgDir}/cg.out --dump-instr=no --collect-systime=no -q ${bin} "$@"\n`,
      { mode: 0o755 },
    );
    process.env.MEDIASOUP_WORKER_BIN = wrapper;
  }
  // Imported here so that MEDIASOUP_WORKER_BIN above takes effect.
  const mediasoup = await import('mediasoup');
  const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: RTC_MIN, rtcMaxPort: RTC_MAX });
  const sinks: RtpSink[] = [];
  const senders: Socket[] = [];
  try {
    const router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
    const producers: types.Producer[] = [];
    const targets: { socket: Socket; port: number }[][] = [];
    for (let i = 0; i < PUBLISHERS; i++) {
      const row: { socket: Socket; port: number }[] = [];
      for (const stream of [0, 1] as const) {
        const t = await router.createPlainTransport({ listenIp: '127.0.0.1', comedia: true, rtcpMux: true });
        const codec =
          stream === 0
            ? { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }
            : { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };
        producers.push(
          await t.produce({
            kind: stream === 0 ? 'video' : 'audio',
            rtpParameters: { codecs: [codec], encodings: [{ ssrc: ssrcOf(i, stream) }] },
          }),
        );
        const socket = createSocket('udp4');
        await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
        senders.push(socket);
        row.push({ socket, port: t.tuple.localPort });
      }
      targets.push(row);
    }
    const caps = sinkCapabilities(router.rtpCapabilities, { transportCc: args['transport-cc'] });
    const consumers: types.Consumer[] = [];
    for (let r = 0; r < RECEIVERS; r++) {
      const sink = new RtpSink();
      const port = await sink.bind();
      sinks.push(sink);
      const t = await router.createPlainTransport({
        listenIp: '127.0.0.1',
        rtcpMux: true,
        enableSrtp: SRTP !== null,
        ...(SRTP ? { srtpCryptoSuite: SRTP } : {}),
      });
      await t.connect({
        ip: '127.0.0.1',
        port,
        ...(SRTP
          ? {
              srtpParameters: {
                cryptoSuite: SRTP,
                keyBase64: randomBytes(SRTP_KEY_BYTES[SRTP]).toString('base64'),
              },
            }
          : {}),
      });
      for (const p of producers) consumers.push(await t.consume({ producerId: p.id, rtpCapabilities: caps }));
    }
    debug('receivers ready');
    const source = replay(captured, PUBLISHERS);
    await send(source, targets, WARMUP, RATE);
    await settle(sinks, 500);
    debug(`warm: ${sinks.reduce((a, s) => a + s.peek(), 0)}`);

    // What the worker sent, by its own count (the sinks may drop some on a busy machine).
    const sentByWorker = async () => {
      let n = 0;
      for (const c of consumers)
        for (const s of await c.getStats()) if (s.type === 'outbound-rtp') n += s.packetCount;
      return n;
    };
    const sent0 = await sentByWorker();
    const pid = worker.pid;
    const ioUring = usesIoUring(pid);
    const tools: ChildProcess[] = [];
    if (cgDir) execFileSync('callgrind_control', ['-z', String(pid)], { stdio: 'ignore' });
    let syscallOut = '';
    if (args.syscalls) {
      const p = spawn('perf', ['stat', '-x', ',', '-e', 'raw_syscalls:sys_enter', '-p', String(pid)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      p.stderr.on('data', (d) => {
        syscallOut += String(d);
      });
      tools.push(p);
    }
    if (args['perf-record']) {
      tools.push(
        spawn('perf', ['record', '-q', '-F', '499', '-g', '-p', String(pid), '-o', args['perf-record']], {
          stdio: 'ignore',
        }),
      );
    }
    if (tools.length) await new Promise((r) => setTimeout(r, 300));
    for (const s of sinks) s.start();
    const drops0 = udpReceiveBufferDrops();
    const cpu0 = cpuOf(pid);
    await send(source, targets, PACKETS, RATE);
    await settle(sinks, 300);
    const cpu1 = cpuOf(pid);
    const socketDrops = udpReceiveBufferDrops() - drops0;
    let instructions: number | undefined;
    if (cgDir) {
      execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
      const dump = readdirSync(cgDir)
        .filter((f) => f.startsWith('cg.out'))
        .sort()
        .pop();
      const text = readFileSync(join(cgDir, dump!), 'utf8');
      if (args['callgrind-out']) writeFileSync(args['callgrind-out'], text);
      instructions = Number(/^(?:summary|totals): (\d+)/m.exec(text)?.[1]);
    }
    const sent = (await sentByWorker()) - sent0;
    for (const t of tools) t.kill('SIGINT');
    await Promise.all(tools.map((t) => new Promise((r) => t.once('exit', r))));
    const syscalls = args.syscalls ? Number(/^(\d+),/m.exec(syscallOut)?.[1]) : undefined;
    let forwarded = 0;
    let expected = 0;
    let reordered = 0;
    for (const s of sinks) {
      const c = s.stop();
      forwarded += c.received;
      expected += c.expected;
      reordered += c.reordered;
    }
    return {
      sent,
      forwarded,
      expected,
      reordered,
      inputPackets: PACKETS,
      userUs: ((cpu1.user - cpu0.user) * 1e6) / sent,
      systemUs: ((cpu1.system - cpu0.system) * 1e6) / sent,
      ...(instructions !== undefined ? { instructions: instructions / sent } : {}),
      ...(syscalls !== undefined ? { syscalls: syscalls / sent } : {}),
      socketDrops,
      ioUring,
    };
  } finally {
    for (const s of senders) s.close();
    for (const s of sinks) s.close();
    worker.close();
    if (cgDir) {
      await new Promise((r) => setTimeout(r, 500));
      rmSync(cgDir, { recursive: true, force: true });
    }
  }
}

function usesIoUring(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).includes('io_uring');
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

function defaultWorkerBin(): string {
  return new URL('../node_modules/mediasoup/worker/out/Release/mediasoup-worker', import.meta.url).pathname;
}

function describe(f: Figures): string[] {
  const lossPct = f.expected ? (100 * (f.expected - f.forwarded)) / f.expected : 100;
  return [
    `forwarded             ${f.sent} packets sent by the worker (${f.inputPackets} in × ${RECEIVERS} receivers), ${f.forwarded} received of ${f.expected} by sequence numbers (loss ${lossPct.toFixed(3)}%, out of order ${f.reordered}, socket drops ${f.socketDrops})`,
    `worker sends          ${f.ioUring ? 'through io_uring, batched' : 'one sendmsg() per packet'}`,
    `worker CPU            ${(f.userUs + f.systemUs).toFixed(2)} µs per packet sent (user ${f.userUs.toFixed(2)}, kernel ${f.systemUs.toFixed(2)})`,
    ...(f.instructions !== undefined
      ? [`instructions          ${f.instructions.toFixed(0)} per packet sent (callgrind, user space)`]
      : []),
    ...(f.syscalls !== undefined ? [`system calls          ${f.syscalls.toFixed(3)} per packet sent`] : []),
  ];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs each worker build in a fresh process, interleaved, and prints medians and ranges. */
async function compare(bins: string[], rounds: number): Promise<void> {
  const passOn = process.argv.slice(2).filter((a, i, all) => {
    const prev = all[i - 1];
    return (
      !['--worker-bin', '--rounds'].includes(a) &&
      !['--worker-bin', '--rounds'].includes(prev ?? '') &&
      !a.startsWith('--worker-bin=') &&
      !a.startsWith('--rounds=')
    );
  });
  const results = bins.map(() => [] as Figures[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, bin] of bins.entries()) {
      const out = execFileSync(
        'npx',
        ['tsx', new URL(import.meta.url).pathname, ...passOn, '--json', '--no-append'],
        {
          env: { ...process.env, MEDIASOUP_WORKER_BIN: bin },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const f = JSON.parse(out.trim().split('\n').pop()!) as Figures;
      results[i]!.push(f);
      console.log(`round ${r + 1} ${label(bin, i)}: ${describe(f).slice(1).join('; ')}`);
    }
  }
  const lines = [load()];
  for (const [i, bin] of bins.entries()) {
    const fs = results[i]!;
    const total = fs.map((f) => f.userUs + f.systemUs);
    const lossWorst = Math.max(
      ...fs.map((f) => (f.expected ? (100 * (f.expected - f.forwarded)) / f.expected : 100)),
    );
    let line = `${label(bin, i).padEnd(22)}CPU median ${median(total).toFixed(2)} µs per forwarded packet (${Math.min(...total).toFixed(2)}–${Math.max(...total).toFixed(2)} over ${fs.length}), user ${median(fs.map((f) => f.userUs)).toFixed(2)}, kernel ${median(fs.map((f) => f.systemUs)).toFixed(2)}; worst loss ${lossWorst.toFixed(3)}%`;
    const ins = fs.map((f) => f.instructions).filter((x): x is number => x !== undefined);
    if (ins.length) line += `; ${median(ins).toFixed(0)} instructions`;
    if (fs.some((f) => f.ioUring)) line += '; sends batched through io_uring';
    const sc = fs.map((f) => f.syscalls).filter((x): x is number => x !== undefined);
    if (sc.length) line += `; ${median(sc).toFixed(3)} system calls`;
    lines.push(line);
  }
  console.log(lines.join('\n'));
  if (!args['no-append'])
    appendResult('Worker cost per forwarded packet, builds interleaved', commandLine(), lines);
}

function label(bin: string, i: number): string {
  return `${String.fromCharCode(65 + i)} (${bin.split('/').slice(-2).join('/')})`;
}

function load(): string {
  return `load                  ${PUBLISHERS} publishers (VP8 + Opus) to ${RECEIVERS} plain-transport receivers, SRTP ${SRTP ?? 'off'}, ${PACKETS} packets in at ${RATE}/s`;
}

function commandLine(): string {
  return `npm run loadtest:forward -- ${process.argv.slice(2).join(' ')}`;
}

async function main(): Promise<void> {
  if (args['worker-bin']) {
    await compare(args['worker-bin'].split(','), Number(args.rounds));
    return;
  }
  const f = await runOnce();
  if (args.json) {
    console.log(JSON.stringify(f));
    return;
  }
  const lines = [load(), ...describe(f)];
  console.log(lines.join('\n'));
  if (!args['no-append']) appendResult('Worker cost per forwarded packet', commandLine(), lines);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
