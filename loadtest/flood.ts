// What a few flooding connections do to everyone else. Normal clients join a
// room and send a cheap request every 100 ms, measuring the round trip;
// first alone, then while flooding sockets send malformed frames as fast as
// the socket takes them (reconnecting whenever they are closed or refused).
// Prints the latency of the normal clients in both phases and what the
// flooders got back, and appends them to loadtest/RESULTS.md.
//
//   npm run loadtest:flood -- --clients 20 --flooders 4 --seconds 10
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { percentile } from './processStats.js';
import { RESULTS_PATH, appendResult } from './results.js';
import { type ServerUnderTest, startServerProcess } from './serverProcess.js';

import pb = schoolcall.v1;

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '20' },
    flooders: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '10' },
    results: { type: 'string', default: RESULTS_PATH },
  },
});
const CLIENTS = Number(args.clients);
const FLOODERS = Number(args.flooders);
const SECONDS = Number(args.seconds);
const ROOM = 'flood';

interface Prober {
  ws: WebSocket;
  sentAt: Map<number, number>;
  nextId: number;
}

async function token(server: ServerUnderTest, i: number): Promise<string> {
  return new SignJWT({ name: `Pupil ${i}`, role: 'participant', room: ROOM })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('school-call')
    .setSubject(`flood-${i}`)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(server.tokenSecret));
}

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function prober(server: ServerUnderTest, i: number, rtts: { current: number[] }): Promise<Prober> {
  const ws = await connect(server.wsUrl);
  const p: Prober = { ws, sentAt: new Map(), nextId: 2 };
  const joined = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const m = pb.ServerMessage.decode(data);
      const id = m.response?.requestId;
      if (id === 1) {
        if (m.response?.error) reject(new Error(m.response.error.message ?? 'join failed'));
        else resolve();
        return;
      }
      const at = id ? p.sentAt.get(id) : undefined;
      if (at !== undefined && id) {
        p.sentAt.delete(id);
        rtts.current.push(performance.now() - at);
      }
    });
  });
  ws.send(
    pb.ClientMessage.encode({ requestId: 1, join: { roomId: ROOM, token: await token(server, i) } }).finish(),
  );
  await joined;
  return p;
}

function probe(p: Prober): void {
  const requestId = p.nextId++;
  p.sentAt.set(requestId, performance.now());
  p.ws.send(pb.ClientMessage.encode({ requestId, listParticipants: { limit: 1 } }).finish());
}

interface FloodStats {
  frames: number;
  replies: number;
  connections: number;
  refused: number;
}

/** One flooding socket, reconnecting whenever it is closed or refused, until `stop`. */
async function flood(url: string, stats: FloodStats, stop: { done: boolean }): Promise<void> {
  const garbage = Buffer.alloc(64, 0xff);
  while (!stop.done) {
    let ws: WebSocket;
    try {
      ws = await connect(url);
    } catch {
      stats.refused++;
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    stats.connections++;
    ws.on('message', () => stats.replies++);
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      const pump = () => {
        if (stop.done || ws.readyState !== WebSocket.OPEN) {
          ws.terminate();
          return;
        }
        for (let i = 0; i < 500 && ws.bufferedAmount < 1 << 20; i++) {
          ws.send(garbage);
          stats.frames++;
        }
        setImmediate(pump);
      };
      pump();
    });
  }
}

async function main(): Promise<void> {
  const server = await startServerProcess();
  try {
    await fetch(`${server.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: ROOM, settings: { waitingRoom: 'off' } }),
    });
    const rtts = { current: [] as number[] };
    const probers: Prober[] = [];
    for (let i = 0; i < CLIENTS; i++) probers.push(await prober(server, i, rtts));
    const phase = async (): Promise<number[]> => {
      rtts.current = [];
      const timer = setInterval(() => {
        for (const p of probers) probe(p);
      }, 100);
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      clearInterval(timer);
      await new Promise((r) => setTimeout(r, 1000));
      // Unanswered probes count as taking the whole phase.
      const lost = probers.reduce((n, p) => n + p.sentAt.size, 0);
      for (const p of probers) p.sentAt.clear();
      return [...rtts.current, ...Array.from({ length: lost }, () => SECONDS * 1000)];
    };
    const quiet = await phase();
    const stats: FloodStats = { frames: 0, replies: 0, connections: 0, refused: 0 };
    const stop = { done: false };
    const flooders = Array.from({ length: FLOODERS }, () => flood(server.wsUrl, stats, stop));
    const loud = await phase();
    stop.done = true;
    await Promise.all(flooders);
    const describe = (label: string, ms: number[]) => {
      const s = [...ms].sort((a, b) => a - b);
      const f = (p: number) => percentile(s, p).toFixed(1);
      return `${label}: ${s.length} requests, median ${f(50)} ms, p99 ${f(99)} ms, max ${f(100)} ms`;
    };
    const lines = [
      `${CLIENTS} joined clients, one cheap request each per 100 ms, ${SECONDS} s per phase`,
      describe('no flood          ', quiet),
      describe(`${FLOODERS} flooding sockets`, loud),
      `flooders: ${stats.frames} malformed frames sent, ${stats.replies} replies, ` +
        `${stats.connections} connections opened, ${stats.refused} refused`,
    ];
    for (const l of lines) console.log(l);
    appendResult(
      'Signaling latency under a frame flood',
      `npm run loadtest:flood -- --clients ${CLIENTS} --flooders ${FLOODERS} --seconds ${SECONDS}`,
      lines,
      args.results,
    );
  } finally {
    await server.stop('SIGKILL');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
