// One big chat: 2000 connected members, 50 messages a second (100,000
// deliveries a second), against the messenger in its own process with Redis
// as shipped. The members receive in child processes (chatReceivers.ts), the
// senders send from this one. Prints delivery latency (send -> each member's
// socket), the time until a message reached every member, deliveries lost,
// and server CPU, and appends them to loadtest/RESULTS.md. The target: p99
// delivery to all members under 250 ms.
//
//   npm run loadtest:chat-fanout -- [--members 2000] [--rate 50] [--seconds 20] [--processes 2]
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
    members: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    senders: { type: 'string', default: '5' },
    processes: { type: 'string', default: '2' },
    results: { type: 'string', default: RESULTS_PATH },
  },
});
const MEMBERS = Number(args.members);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const SENDERS = Number(args.senders);
const PROCESSES = Number(args.processes);

async function main(): Promise<void> {
  const stack = await startChatStack();
  let senders: LoadChatClient[] = [];
  let receivers: Receivers | null = null;
  try {
    const users = Array.from({ length: MEMBERS + SENDERS }, (_, i) => userOf(i));
    const tokens = await Promise.all(users.map(async (u) => (await stack.tokens.mint(u, 7200)).token));
    const t0 = performance.now();
    receivers = await Receivers.start(stack.server.wsUrl, tokens.slice(SENDERS), PROCESSES);
    senders = await connectAll(stack.server.wsUrl, tokens.slice(0, SENDERS), SENDERS);
    console.log(`${MEMBERS} members connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const chatId = await stack.createChat(
      'Вся школа',
      users.map((u) => u.userId),
    );
    console.log('chat created; waiting until every member follows it');
    await receivers.following();
    await new Promise((r) => setTimeout(r, 1000));

    receivers.measure();
    const pid = stack.pid();
    const cpu0 = cpuSeconds(pid);
    const rss0 = residentBytes(pid);
    const started = performance.now();
    const total = RATE * SECONDS;
    const sends = new SendTally();
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sends.add(senders[i % SENDERS]!.sendStamped(chatId));
    }
    const acked = await sends.settled();
    await new Promise((r) => setTimeout(r, 3000));
    const wall = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpu0;
    const rss = residentBytes(pid);
    const { latencies, toAll } = await receivers.report();
    const sorted = latencies.sorted();
    const lines = [
      `members ${MEMBERS} (+${SENDERS} senders), ${RATE} messages/s for ${SECONDS} s: ${latencies.length} of ${total * MEMBERS} deliveries, receivers in ${PROCESSES} processes`,
      `delivery to each member  p50 ${pct(sorted, 50).toFixed(1)} ms, p99 ${pct(sorted, 99).toFixed(1)} ms, max ${pct(sorted, 100).toFixed(1)} ms`,
      `delivery to all members  p50 ${pct(toAll, 50).toFixed(1)} ms, p99 ${pct(toAll, 99).toFixed(1)} ms (target: p99 < 250 ms)`,
      `${acked.summary} (durable in PostgreSQL, synchronous_commit on)`,
      `messenger CPU            ${(cpu / wall).toFixed(2)} cores; resident ${(rss0 / 2 ** 20).toFixed(0)} -> ${(rss / 2 ** 20).toFixed(0)} MiB`,
      `machine load average     ${(await import('node:os'))
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} (2 cores shared with other work)`,
    ];
    console.log(lines.join('\n'));
    if (acked.refused > 0) {
      console.error(`${acked.refused} sends were refused: this run did not carry its load`);
      process.exitCode = 1;
    }
    appendResult(
      `Messenger: one chat of ${MEMBERS} connected members, ${RATE} messages/s`,
      `npm run loadtest:chat-fanout -- --members ${MEMBERS} --rate ${RATE} --seconds ${SECONDS}`,
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
