// What durability costs: the same sends against Redis with `appendfsync
// always` (the shipped setting: acknowledged means on disk) and `everysec`
// (up to a second of acknowledged messages at risk), interleaved round by
// round on this noisy shared machine. Per round: acknowledgement latency at a
// steady 500 messages/s (the 10,000-user benchmark's rate), then the most
// sends per second 200 senders reach with one send each in flight.
//
//   npm run loadtest:chat-durability -- [--rounds 3] [--seconds 8]
import { parseArgs } from 'node:util';
import {
  type LoadChatClient,
  Samples,
  connectAll,
  median,
  pct,
  runLoadTest,
  startChatStack,
  userOf,
} from './chatStack.js';
import { cpuSeconds } from './processStats.js';
import { RESULTS_PATH, appendResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '8' },
    results: { type: 'string', default: RESULTS_PATH },
  },
});
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const SENDERS = 200;
const STEADY_RATE = 500;

interface Round {
  mode: string;
  p50: number;
  p99: number;
  maxRate: number;
  redisCpuPerMessage: number;
}

async function round(mode: string): Promise<Round> {
  const stack = await startChatStack(['--appendfsync', mode]);
  try {
    const users = Array.from({ length: SENDERS }, (_, i) => userOf(i));
    const tokens = await Promise.all(users.map(async (u) => (await stack.tokens.mint(u, 3600)).token));
    const clients = await connectAll(stack.server.wsUrl, tokens, 20);
    // A chat per sender: this measures the store, not the fan-out.
    const chats = await Promise.all(users.map((u) => stack.createChat(`Заметки ${u.userId}`, [u.userId])));
    await new Promise((r) => setTimeout(r, 500));

    // Steady rate: one send every 2 ms, spread over the senders.
    const acks = new Samples();
    const steadyEnd = performance.now() + SECONDS * 1000;
    let i = 0;
    const inFlight: Promise<void>[] = [];
    while (performance.now() < steadyEnd) {
      const k = i++ % SENDERS;
      inFlight.push(clients[k]!.sendStamped(chats[k]!).then((ms) => acks.push(ms)));
      await new Promise((r) => setTimeout(r, 1000 / STEADY_RATE));
    }
    await Promise.all(inFlight);

    // Saturation: every sender keeps one send in flight.
    const cpuBefore = cpuSeconds(stack.redisPid());
    let sent = 0;
    const satEnd = performance.now() + (SECONDS / 2) * 1000;
    const started = performance.now();
    await Promise.all(
      clients.map(async (c: LoadChatClient, k) => {
        while (performance.now() < satEnd) {
          await c.sendStamped(chats[k]!);
          sent++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const redisCpu = cpuSeconds(stack.redisPid()) - cpuBefore;
    for (const c of clients) c.close();
    const sorted = acks.sorted();
    return {
      mode,
      p50: pct(sorted, 50),
      p99: pct(sorted, 99),
      maxRate: sent / elapsed,
      redisCpuPerMessage: (redisCpu / sent) * 1e6,
    };
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const rounds: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of ['always', 'everysec']) {
      const x = await round(mode);
      rounds.push(x);
      console.log(
        `round ${r + 1} ${mode.padEnd(8)} ack p50 ${x.p50.toFixed(2)} ms p99 ${x.p99.toFixed(2)} ms at ${STEADY_RATE}/s; ` +
          `max ${x.maxRate.toFixed(0)} sends/s; redis ${x.redisCpuPerMessage.toFixed(0)} µs CPU/send`,
      );
    }
  }
  const lines: string[] = [];
  for (const mode of ['always', 'everysec']) {
    const xs = rounds.filter((x) => x.mode === mode);
    const span = (f: (x: Round) => number, d: number) =>
      `${median(xs.map(f)).toFixed(d)} (${Math.min(...xs.map(f)).toFixed(d)}-${Math.max(...xs.map(f)).toFixed(d)})`;
    lines.push(
      `appendfsync ${mode.padEnd(8)} ack p50 ${span((x) => x.p50, 2)} ms, p99 ${span((x) => x.p99, 2)} ms at ${STEADY_RATE} msg/s; ` +
        `max ${span((x) => x.maxRate, 0)} sends/s; redis CPU ${span((x) => x.redisCpuPerMessage, 0)} µs/send`,
    );
  }
  lines.push(
    `medians (min-max) over ${ROUNDS} interleaved rounds, ${SENDERS} senders, each in a chat of their own`,
  );
  console.log(lines.join('\n'));
  appendResult(
    'Messenger: cost of appendfsync always vs everysec',
    `npm run loadtest:chat-durability -- --rounds ${ROUNDS} --seconds ${SECONDS}`,
    lines,
    args.results,
  );
}

runLoadTest(main);
