// One thread of the push encryption pool (pushCryptoPool.ts): builds a push
// request, the payload encrypted to the browser's keys (RFC 8291: an ECDH, an
// HKDF and AES-GCM), off the messenger's event loop. Plain JavaScript so the
// thread starts the same under tsx, vitest and compiled code (no TypeScript
// loader in a worker). The arguments are web-push's own, built by
// pushCryptoPool.ts `requestArgs`; the HTTPS request stays on the main thread
// (its connections are kept open there).
import { parentPort } from 'node:worker_threads';
import webpush from 'web-push';

parentPort.on('message', ({ id, args }) => {
  try {
    const d = webpush.generateRequestDetails(...args);
    parentPort.postMessage({ id, endpoint: d.endpoint, headers: d.headers, body: d.body });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
