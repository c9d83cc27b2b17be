#!/usr/bin/env node
// Waits until the server's /readyz answers 200 (the unit's ExecStartPost, so
// "started" means ready), asking the metrics listener when METRICS_PORT is
// set, else the main one. Gives up after the given seconds with the last
// reasons, which systemd then logs.
//   wait-ready.mjs /etc/school-call/school-call.env [seconds]
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

const [file, seconds = '60'] = process.argv.slice(2);
const env = { ...parseEnv(readFileSync(file, 'utf8')), ...process.env };
const local = (host) => (!host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
const base = env.METRICS_PORT
  ? `http://${local(env.METRICS_HOST ?? '127.0.0.1')}:${env.METRICS_PORT}`
  : `${env.TLS_CERT_FILE ? 'https' : 'http'}://${local(env.HOST)}:${env.PORT || 8080}`;
const deadline = Date.now() + Number(seconds) * 1000;
let last = 'no answer';
for (;;) {
  try {
    const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
    if (res.ok) process.exit(0);
    last = `${res.status} ${JSON.stringify((await res.json()).reasons ?? [])}`;
  } catch (err) {
    last = String(err.cause?.code ?? err.message);
  }
  if (Date.now() > deadline) {
    process.stderr.write(`school-call: not ready after ${seconds} s at ${base}/readyz: ${last}\n`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 250));
}
