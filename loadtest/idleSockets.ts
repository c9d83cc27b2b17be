// Attack 3 of issue #14 at scale: one address opens thousands of WebSockets
// that never join (answering pings, so idle timeouts do not close them),
// while someone else loads /healthz and a page. The server runs with a small
// open-file limit (4096 by default), so that the attack reaches it here.
// Prints how many sockets the server held, how many it refused, and how
// /healthz and a page answered meanwhile; appends them to RESULTS.md.
//
//   npm run loadtest:idleSockets -- --sockets 6000 --nofile 4096
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { percentile } from './processStats.js';
import { RESULTS_PATH, appendResult } from './results.js';
import { startServerProcess } from './serverProcess.js';

const { values: args } = parseArgs({
  options: {
    sockets: { type: 'string', default: '6000' },
    nofile: { type: 'string', default: '4096' },
    results: { type: 'string', default: RESULTS_PATH },
  },
});
const SOCKETS = Number(args.sockets);
const NOFILE = Number(args.nofile);

async function timed(url: string): Promise<number> {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.ok ? performance.now() - started : 5000;
  } catch {
    return 5000;
  }
}

async function main(): Promise<void> {
  const server = await startServerProcess({ SERVER_NOFILE: String(NOFILE) });
  const sockets: WebSocket[] = [];
  let open = 0;
  let refused = 0;
  let failed = 0;
  try {
    const attack = (async () => {
      for (let i = 0; i < SOCKETS; i += 100) {
        await Promise.all(
          Array.from(
            { length: Math.min(100, SOCKETS - i) },
            () =>
              new Promise<void>((resolve) => {
                const ws = new WebSocket(server.wsUrl);
                ws.on('open', () => {
                  open++;
                  sockets.push(ws);
                  resolve();
                });
                ws.on('unexpected-response', () => {
                  refused++;
                  resolve();
                });
                ws.on('error', () => {
                  failed++;
                  resolve();
                });
              }),
          ),
        );
      }
    })();
    const health: number[] = [];
    const pages: number[] = [];
    const probing = (async () => {
      for (let i = 0; i < 40; i++) {
        health.push(await timed(`${server.httpUrl}/healthz`));
        pages.push(await timed(`${server.httpUrl}/j/123-456-7`));
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    await Promise.all([attack, probing]);
    const held = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
    const f = (ms: number[], p: number) =>
      percentile(
        [...ms].sort((a, b) => a - b),
        p,
      ).toFixed(1);
    const lines = [
      `server open-file limit ${NOFILE}; ${SOCKETS} WebSockets from one address, never joining`,
      `opened ${open}, refused (HTTP) ${refused}, failed to connect ${failed}; still open at the end ${held}`,
      `/healthz during the attack: median ${f(health, 50)} ms, max ${f(health, 100)} ms (5000 = no answer)`,
      `a page during the attack: median ${f(pages, 50)} ms, max ${f(pages, 100)} ms (5000 = no answer)`,
    ];
    for (const l of lines) console.log(l);
    appendResult(
      'Idle WebSockets from one address',
      `npm run loadtest:idleSockets -- --sockets ${SOCKETS} --nofile ${NOFILE}`,
      lines,
      args.results,
    );
  } finally {
    for (const s of sockets) s.terminate();
    await server.stop('SIGKILL');
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
