// What web-push encryption costs the event loop: N pushes' payloads
// encrypted (RFC 8291) 16 at a time, as the notifier's queue hands them out,
// on the event loop itself and through the encryption pool with 1 and 2
// threads. Prints wall time, the main thread's event-loop utilisation and
// the p99 event-loop delay a socket write would have waited. No network.
//
//   npx tsx loadtest/pushCrypto.ts [--pushes 4000]
import { createECDH, randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import promClient from 'prom-client';
import { createLogger } from '../common/log.js';
import {
  PushCryptoPool,
  type PushEncryptor,
  type RequestArgs,
  encryptInPlace,
} from '../notifications/pushCryptoPool.js';

const { values: args } = parseArgs({ options: { pushes: { type: 'string', default: '4000' } } });
const PUSHES = Number(args.pushes);
const PARALLEL = 16;

const ecdh = createECDH('prime256v1');
ecdh.generateKeys();
const job: RequestArgs = [
  {
    endpoint: 'https://push.example.org/push/bench',
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  },
  JSON.stringify({ v: 1, kind: 'message', chat: 'g.bench', text: 'Завтра сокращённые уроки'.repeat(4) }),
  { TTL: 86400, headers: { Authorization: 'vapid t=x, k=y' } },
];

async function run(name: string, enc: PushEncryptor): Promise<void> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next++ < PUSHES) {
        await enc.prepare(job);
        // The notifier's queue starts each on its own turn of the event loop.
        await new Promise((r) => setImmediate(r));
      }
    }),
  );
  const ms = performance.now() - start;
  const used = performance.eventLoopUtilization(elu);
  delay.disable();
  console.log(
    `${name}: ${PUSHES} pushes in ${ms.toFixed(0)} ms (${((PUSHES / ms) * 1000).toFixed(0)}/s), ` +
      `main thread busy ${(used.utilization * 100).toFixed(0)}%, event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
  );
}

async function main(): Promise<void> {
  await run('on the event loop', encryptInPlace);
  for (const threads of [1, 2]) {
    const pool = new PushCryptoPool({
      threads,
      waitingMax: 1000,
      registry: new promClient.Registry(),
      log: createLogger('silent'),
    });
    await pool.prepare(job); // threads started
    await run(`pool of ${threads}`, pool);
    await pool.close();
  }
}

await main();
