// Signaling load: N clients join one room over real WebSockets with the real
// protocol, against the server in its own process. Prints join latency,
// messages the server sent per join, server CPU seconds and resident memory
// per idle client, and appends them to loadtest/RESULTS.md. With --hosts 2,
// two server processes share a Redis and the clients alternate between them,
// so half of them are forwarded to the room's home host.
//
//   npm run loadtest:signaling -- --clients 2000 --concurrency 50 [--hosts 2]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { type TestRedis, startRedis } from '../test/helpers/redis.js';
import { cpuSeconds, percentile, residentBytes } from './processStats.js';
import { RESULTS_PATH, appendResult } from './results.js';
import { type ServerUnderTest, startServerProcess } from './serverProcess.js';

import pb = schoolcall.v1;

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '50' },
    hosts: { type: 'string', default: '1' },
    settle: { type: 'string', default: '3' },
    results: { type: 'string', default: RESULTS_PATH },
  },
});
const CLIENTS = Number(args.clients);
const CONCURRENCY = Number(args.concurrency);
const HOSTS = Number(args.hosts);
const SETTLE_SECONDS = Number(args.settle);
const ROOM = 'loadtest';

interface Client {
  ws: WebSocket;
  received: number;
}

async function mint(secret: string, i: number): Promise<string> {
  return new SignJWT({ name: `Pupil ${String(i).padStart(4, '0')}`, role: 'participant', room: ROOM })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('school-call')
    .setSubject(`load-${i}`)
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
}

/** Connects and joins; resolves with the join latency in ms (join sent -> JoinResponse). */
function join(url: string, token: string, clients: Client[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'nodebuffer';
    const client: Client = { ws, received: 0 };
    clients.push(client);
    let sentAt = 0;
    let joined = false;
    ws.on('open', () => {
      sentAt = performance.now();
      ws.send(pb.ClientMessage.encode({ requestId: 1, join: { roomId: ROOM, token } }).finish());
    });
    ws.on('message', (data: Buffer) => {
      client.received++;
      if (joined) return;
      const m = pb.ServerMessage.decode(data);
      if (m.response?.requestId !== 1) return;
      joined = true;
      if (m.response.error) reject(new Error(m.response.error.message ?? 'join failed'));
      else resolve(performance.now() - sentAt);
    });
    ws.on('error', reject);
    ws.on('close', () => {
      if (!joined) reject(new Error('closed before joining'));
    });
  });
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const common = { MEDIASOUP_WORKERS: '1', MAX_PARTICIPANTS_PER_ROOM: String(CLIENTS + 10) };
  let redis: TestRedis | null = null;
  const servers: ServerUnderTest[] = [];
  if (HOSTS > 1) {
    redis = await startRedis();
    const shared = {
      ...common,
      REDIS_URL: redis.url,
      ADMIN_SECRET: randomBytes(24).toString('base64url'),
      TOKEN_SECRET: randomBytes(24).toString('base64url'),
    };
    for (let h = 0; h < HOSTS; h++)
      servers.push(await startServerProcess({ ...shared, HOST_ID: `host-${h}` }));
  } else {
    servers.push(await startServerProcess(common));
  }
  const server = servers[0]!;
  const pids = servers.map((s) => s.pid);
  const clients: Client[] = [];
  try {
    const created = await fetch(`${server.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: ROOM, maxParticipants: CLIENTS + 10, settings: { waitingRoom: 'off' } }),
    });
    if (created.status !== 201) throw new Error(`cannot create room: ${created.status}`);
    const tokens = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => mint(server.tokenSecret, i)));
    await new Promise((r) => setTimeout(r, 500));
    const rssBefore = sum(pids.map(residentBytes));
    const cpuBefore = sum(pids.map(cpuSeconds));

    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CLIENTS) {
          const i = next++;
          try {
            latencies.push(await join(servers[i % HOSTS]!.wsUrl, tokens[i]!, clients));
          } catch (err) {
            failures++;
            if (failures <= 5) console.error(`client ${i}: ${(err as Error).message}`);
          }
        }
      }),
    );
    const joinSeconds = (performance.now() - started) / 1000;
    const cpuJoin = sum(pids.map(cpuSeconds)) - cpuBefore;
    await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
    const rssAfter = sum(pids.map(residentBytes));
    const messages = clients.reduce((n, c) => n + c.received, 0);

    latencies.sort((a, b) => a - b);
    const joined = latencies.length;
    const figures = {
      clients: CLIENTS,
      joined,
      failures,
      wallSeconds: joinSeconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? Number.NaN,
      messagesPerJoin: messages / Math.max(joined, 1),
      serverCpuSeconds: cpuJoin,
      kibPerClient: (rssAfter - rssBefore) / 1024 / Math.max(joined, 1),
    };
    const where = HOSTS > 1 ? `, alternating over ${HOSTS} hosts sharing a Redis` : '';
    const lines = [
      `clients joined        ${joined} of ${CLIENTS} (${failures} failed) in ${joinSeconds.toFixed(1)} s, ${CONCURRENCY} joining at a time${where}`,
      `join latency          p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, max ${figures.max.toFixed(1)} ms`,
      `server messages/join  ${figures.messagesPerJoin.toFixed(1)} (all frames the clients received, ÷ joins)`,
      `server CPU            ${cpuJoin.toFixed(2)} s for the join phase (signaling process${HOSTS > 1 ? 'es, together' : ''})`,
      `server memory         ${figures.kibPerClient.toFixed(1)} KiB resident per idle client (${(rssBefore / 2 ** 20).toFixed(0)} -> ${(rssAfter / 2 ** 20).toFixed(0)} MiB)`,
    ];
    console.log(lines.join('\n'));
    appendResult(
      `Signaling: ${CLIENTS} clients join one room${HOSTS > 1 ? ` over ${HOSTS} hosts` : ''}`,
      `npm run loadtest:signaling -- --clients ${CLIENTS} --concurrency ${CONCURRENCY}${HOSTS > 1 ? ` --hosts ${HOSTS}` : ''}`,
      lines,
      args.results,
    );
  } finally {
    for (const c of clients) c.ws.terminate();
    for (const s of servers) await s.stop();
    await redis?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
