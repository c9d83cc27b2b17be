// Does the answer to a join by code tell whether the code exists? With a
// Redis, a known code (held in memory) once answered faster than an unknown
// one. Sends wrong passwords for a known code and for unknown codes,
// interleaved (A, B, A, B…) against the server in its own process with a
// real Redis, each from its own address (X-Forwarded-For behind TRUST_PROXY,
// so no back-off slows either), and prints the median and spread of each.
//
//   npm run loadtest:codeTiming -- --attempts 2000
import { parseArgs } from 'node:util';
import { startRedis } from '../test/helpers/redis.js';
import { percentile } from './processStats.js';
import { RESULTS_PATH, appendResult } from './results.js';
import { startServerProcess } from './serverProcess.js';

const { values: args } = parseArgs({
  options: {
    attempts: { type: 'string', default: '2000' },
    results: { type: 'string', default: RESULTS_PATH },
  },
});
const ATTEMPTS = Number(args.attempts);

async function main(): Promise<void> {
  const redis = await startRedis();
  const server = await startServerProcess({ REDIS_URL: redis.url, TRUST_PROXY: '1' });
  try {
    // Many rooms, so that no code sees more than a few wrong passwords (older
    // versions locked a code after ten, which would hide the lookup).
    const codes: string[] = [];
    for (let i = 0; i < Math.ceil((ATTEMPTS + 100) / 5); i++) {
      const created = await fetch(`${server.httpUrl}/api/rooms`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: `timing-${i}` }),
      });
      codes.push(((await created.json()) as { code: string }).code);
    }
    const known = new Set(codes);
    const code = (i: number) => codes[i % codes.length]!;
    let n = 0;
    const attempt = async (typed: string): Promise<number> => {
      n++;
      const started = performance.now();
      const res = await fetch(`${server.httpUrl}/api/join/${typed}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
        },
        body: JSON.stringify({ displayName: 'X', password: 'wrong1' }),
      });
      await res.arrayBuffer();
      if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
      return performance.now() - started;
    };
    // Warm up both paths first.
    let i = 0;
    for (; i < 100; i++) {
      await attempt(code(i));
      await attempt(unknownCode(i, known));
    }
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    for (; i < ATTEMPTS + 100; i++) {
      knownMs.push(await attempt(code(i)));
      unknownMs.push(await attempt(unknownCode(i, known)));
    }
    const describe = (label: string, ms: number[]) => {
      const s = [...ms].sort((a, b) => a - b);
      const f = (p: number) => percentile(s, p).toFixed(3);
      return `${label}: median ${f(50)} ms (p10 ${f(10)}, p90 ${f(90)}) over ${s.length}`;
    };
    const median = (ms: number[]) =>
      percentile(
        [...ms].sort((a, b) => a - b),
        50,
      );
    const lines = [
      describe('known code, wrong password', knownMs),
      describe('unknown code            ', unknownMs),
      `unknown - known median: ${(median(unknownMs) - median(knownMs)).toFixed(3)} ms`,
    ];
    for (const l of lines) console.log(l);
    appendResult(
      'Join by code: known vs unknown code timing, with Redis',
      `npm run loadtest:codeTiming -- --attempts ${ATTEMPTS}`,
      lines,
      args.results,
    );
  } finally {
    await server.stop();
    await redis.stop();
  }
}

/** A well-formed code that is no room's. */
function unknownCode(i: number, known: Set<string>): string {
  let n = i;
  for (;;) {
    const code = `${String(100 + (n % 800)).padStart(3, '0')}-${String(n % 1000).padStart(3, '0')}-${n % 10}`;
    if (!known.has(code)) return code;
    n += 7919;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
