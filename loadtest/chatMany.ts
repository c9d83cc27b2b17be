// Many small chats: 10,000 connected people in 400 chats of 25, 500 messages
// a second in total, against the server in its own process with Redis as
// shipped; the listening members receive in child processes. Prints delivery latency (target p99 < 100 ms) and the messenger's
// resident memory per idle connected person (target < 20 KiB), and appends
// them to loadtest/RESULTS.md.
//
//   npm run loadtest:chat-many -- [--users 10000] [--size 25] [--rate 500] [--seconds 20]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type LoadChatClient,
  Receivers,
  SendTally,
  connectAll,
  pct,
  runLoadTest,
  startChatStack,
  userOf,
} from './chatStack.js';
import { cpuSeconds, residentBytes } from './processStats.js';
import { RESULTS_PATH, appendResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    size: { type: 'string', default: '25' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    processes: { type: 'string', default: '2' },
    results: { type: 'string', default: RESULTS_PATH },
  },
});
const USERS = Number(args.users);
const SIZE = Number(args.size);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const CHATS = Math.floor(USERS / SIZE);
const PROCESSES = Number(args.processes);

async function main(): Promise<void> {
  const stack = await startChatStack();
  let senders: LoadChatClient[] = [];
  let receivers: Receivers | null = null;
  try {
    const users = Array.from({ length: USERS }, (_, i) => userOf(i));
    const tokens = await Promise.all(users.map(async (u) => (await stack.tokens.mint(u, 7200)).token));
    const pid = stack.pid();
    await new Promise((r) => setTimeout(r, 1000));
    const rssEmpty = residentBytes(pid);
    const t0 = performance.now();
    // The first member of each chat speaks (from here); the others listen in child processes.
    const isSender = (i: number) => i % SIZE === 0;
    senders = await connectAll(
      stack.server.wsUrl,
      tokens.filter((_, i) => isSender(i)),
      50,
    );
    receivers = await Receivers.start(
      stack.server.wsUrl,
      tokens.filter((_, i) => !isSender(i)),
      PROCESSES,
    );
    console.log(`${USERS} people connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const chats: string[] = [];
    for (let c = 0; c < CHATS; c++) {
      chats.push(
        await stack.createChat(
          `Класс ${c}`,
          users.slice(c * SIZE, (c + 1) * SIZE).map((u) => u.userId),
        ),
      );
    }
    await receivers.following();
    await new Promise((r) => setTimeout(r, 3000));
    const rssIdle = residentBytes(pid);
    const kibPerUser = (rssIdle - rssEmpty) / 1024 / USERS;
    console.log(
      `idle: ${(rssEmpty / 2 ** 20).toFixed(0)} -> ${(rssIdle / 2 ** 20).toFixed(0)} MiB, ${kibPerUser.toFixed(1)} KiB per person`,
    );

    receivers.measure();
    const cpu0 = cpuSeconds(pid);
    const started = performance.now();
    const total = RATE * SECONDS;
    const sends = new SendTally();
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const chat = i % CHATS;
      sends.add(senders[chat]!.sendStamped(chats[chat]!));
    }
    const acked = await sends.settled();
    await new Promise((r) => setTimeout(r, 3000));
    const wall = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpu0;
    const { latencies } = await receivers.report();
    const sorted = latencies.sorted();
    const expected = total * (SIZE - 1);
    const lines = [
      `${USERS} connected people in ${CHATS} chats of ${SIZE}; ${RATE} messages/s for ${SECONDS} s: ${latencies.length} of ${expected} deliveries to the listening members (receivers in ${PROCESSES} processes)`,
      `delivery  p50 ${pct(sorted, 50).toFixed(1)} ms, p99 ${pct(sorted, 99).toFixed(1)} ms, max ${pct(sorted, 100).toFixed(1)} ms (target: p99 < 100 ms)`,
      `${acked.summary} (durable in PostgreSQL, synchronous_commit on)`,
      `memory  ${kibPerUser.toFixed(1)} KiB resident per idle connected person (${(rssEmpty / 2 ** 20).toFixed(0)} -> ${(rssIdle / 2 ** 20).toFixed(0)} MiB; target < 20 KiB)`,
      `server CPU  ${(cpu / wall).toFixed(2)} cores while sending`,
      `machine load average  ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} (2 cores shared with other work)`,
    ];
    console.log(lines.join('\n'));
    if (acked.refused > 0) {
      console.error(`${acked.refused} sends were refused: this run did not carry its load`);
      process.exitCode = 1;
    }
    appendResult(
      `Messenger: ${USERS} connected people in ${CHATS} chats of ${SIZE}, ${RATE} messages/s`,
      `npm run loadtest:chat-many -- --users ${USERS} --size ${SIZE} --rate ${RATE} --seconds ${SECONDS}`,
      lines,
      args.results,
    );
  } finally {
    for (const c of senders) c.close();
    receivers?.kill();
    await stack.stop();
  }
}

runLoadTest(main);
