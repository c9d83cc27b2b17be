// One big chat: 2000 connected members, 50 messages a second (100,000
// deliveries a second), against the messenger in its own process with Redis
// as shipped. The members receive in child processes (chatReceivers.ts), the
// senders send from this one. Prints delivery latency (send -> each member's
// socket), the time until a message reached every member, deliveries lost,
// and server CPU, and appends them to loadtest/RESULTS.md. The target: p99
// delivery to all members under 250 ms.
//
// With push on (the default; --no-push for sockets only) every member has
// turned notifications on in one browser, pointing at a real push service
// this run holds (pushLoad.ts), and the chat has as many members again who
// are away (--away, not connected, reached only by push): the messenger
// pushes every message to every member's browser (the connected ones' too;
// their browsers would not show it), and the run measures socket delivery
// and push delivery together.
//
//   npm run loadtest:chat-fanout -- [--members 2000] [--away 2000] [--rate 50] [--seconds 20] [--processes 2] [--no-push]
import { availableParallelism, loadavg } from 'node:os';
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
import { cpuSeconds, machineBusySeconds, residentBytes, treeCpuSeconds } from './processStats.js';
import { PushLoad } from './pushLoad.js';
import { RESULTS_PATH, appendResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '2000' },
    away: { type: 'string' },
    'no-push': { type: 'boolean', default: false },
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
const PUSH = !args['no-push'];
const AWAY = PUSH ? Number(args.away ?? MEMBERS) : 0;

async function main(): Promise<void> {
  const push = PUSH ? await PushLoad.start() : null;
  const stack = await startChatStack([], push?.env ?? {}).catch(async (err: unknown) => {
    await push?.close();
    throw err;
  });
  let senders: LoadChatClient[] = [];
  let receivers: Receivers | null = null;
  try {
    // Senders, then connected members, then the away ones (never connected).
    const users = Array.from({ length: SENDERS + MEMBERS + AWAY }, (_, i) => userOf(i));
    if (push) {
      await push.subscribe(
        stack.postgres.url(),
        users.slice(SENDERS).map((u) => u.userId),
      );
      console.log(`${MEMBERS + AWAY} members subscribed to push (${AWAY} of them away)`);
      await stack.registerUsers(users.slice(SENDERS + MEMBERS));
    }
    const tokens = await Promise.all(users.map(async (u) => (await stack.tokens.mint(u, 7200)).token));
    const t0 = performance.now();
    receivers = await Receivers.start(
      stack.server.wsUrl,
      tokens.slice(SENDERS, SENDERS + MEMBERS),
      PROCESSES,
    );
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
    const shares0 = cpuShares(stack, receivers);
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
    const shares = cpuShares(stack, receivers).map((x, i) => (x - shares0[i]!) / wall);
    const rss = residentBytes(pid);
    const { latencies, toAll } = await receivers.report();
    const sorted = latencies.sorted();
    // Pushes may still be going out: wait for the server's queue to drain, and count its CPU meanwhile.
    let pushLines: string[] = [];
    if (push) {
      const counted = await PushLoad.drained(stack.server.httpUrl, 120_000);
      const drainedAt = performance.now();
      const drainCpu = cpuSeconds(pid) - cpu0 - cpu;
      const drainWall = (drainedAt - started) / 1000 - wall;
      pushLines = [
        ...PushLoad.lines(
          push.figures(started + performance.timeOrigin, counted, drainedAt + performance.timeOrigin),
          MEMBERS + AWAY,
          acked.ackTimes.length,
        ),
        `messenger CPU after the sends, while pushes drained: ${(drainCpu / Math.max(drainWall, 0.001)).toFixed(2)} cores for ${drainWall.toFixed(1)} s`,
      ];
    }
    const lines = [
      `members ${MEMBERS} connected${AWAY ? ` + ${AWAY} away (push only)` : ''} (+${SENDERS} senders), ${RATE} messages/s for ${SECONDS} s: ${latencies.length} of ${total * MEMBERS} deliveries, receivers in ${PROCESSES} processes; push ${PUSH ? 'on for every member' : 'off'}`,
      `delivery to each member  p50 ${pct(sorted, 50).toFixed(1)} ms, p99 ${pct(sorted, 99).toFixed(1)} ms, max ${pct(sorted, 100).toFixed(1)} ms`,
      `delivery to all members  p50 ${pct(toAll, 50).toFixed(1)} ms, p99 ${pct(toAll, 99).toFixed(1)} ms (target: p99 < 250 ms)`,
      `${acked.summary} (durable in PostgreSQL, synchronous_commit on)`,
      `messenger CPU            ${(cpu / wall).toFixed(2)} cores; resident ${(rss0 / 2 ** 20).toFixed(0)} -> ${(rss / 2 ** 20).toFixed(0)} MiB`,
      `machine load average     ${(await import('node:os'))
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} (2 cores shared with other work)`,
      `machine CPU              ${shares[0]!.toFixed(2)} of ${availableParallelism()} cores busy: messenger ${shares[1]!.toFixed(2)}, PostgreSQL ${shares[2]!.toFixed(2)}, Redis ${shares[3]!.toFixed(2)}, the load generator's receivers ${shares[4]!.toFixed(2)} and senders ${shares[5]!.toFixed(2)}`,
      ...pushLines,
    ];
    console.log(lines.join('\n'));
    if (acked.refused > 0) {
      console.error(`${acked.refused} sends were refused: this run did not carry its load`);
      process.exitCode = 1;
    }
    appendResult(
      `Messenger: one chat of ${MEMBERS} connected members${AWAY ? ` and ${AWAY} away` : ''}, ${RATE} messages/s, push ${PUSH ? 'on' : 'off'}`,
      `npm run loadtest:chat-fanout -- --members ${MEMBERS} --rate ${RATE} --seconds ${SECONDS} --processes ${PROCESSES}${PUSH ? ` --away ${AWAY}` : ' --no-push'}`,
      lines,
      args.results,
    );
  } finally {
    for (const c of senders) c.close();
    receivers?.kill();
    await stack.stop();
    await push?.close();
  }
}

runLoadTest(main);

/**
 * CPU seconds so far of the machine and of each part of the run: tells a
 * server that is slow from a machine the load generator itself fills.
 */
function cpuShares(
  stack: { pid(): number; redisPid(): number; postgres: { pid: number } },
  receivers: Receivers,
): number[] {
  const mine = process.cpuUsage();
  return [
    machineBusySeconds(),
    treeCpuSeconds(stack.pid()),
    treeCpuSeconds(stack.postgres.pid),
    treeCpuSeconds(stack.redisPid()),
    receivers.pids().reduce((sum, p) => sum + treeCpuSeconds(p), 0),
    (mine.user + mine.system) / 1e6,
  ];
}
