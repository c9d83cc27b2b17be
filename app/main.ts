import { createLogger } from '../common/log.js';
// Entry point: load configuration, start the server, stop cleanly on signals.
import { loadConfig } from './config.js';
import { startServer } from './server.js';

const config = loadConfig();
const log = createLogger(config.logLevel);
let faults: ((kind: string) => void) | null = null;
// The last resort. Every route and socket callback is guarded where it is
// registered (signaling/http/guardedApp.ts); whatever still escapes (a timer,
// an event emitter) is logged with its stack and counted
// (school_call_faults_total{where="process ..."}), and the lessons go on.
for (const kind of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(kind, (err: unknown) => {
    faults?.(kind);
    log.error({ err, kind }, 'a fault escaped every handler; counted, and the server goes on');
  });
}
const server = await startServer(config, log).catch((err: unknown) => {
  log.fatal({ err }, 'server failed to start');
  process.exit(1);
});
faults = (kind) => server.metrics.faults.inc({ where: `process ${kind}`, status: 'none' });
if (config.demoRoomId) {
  log.info({ url: `${server.url}/demo` }, 'demo room ready');
  process.stdout.write(`\nDemo room: open ${server.url}/demo in two browser tabs or on two devices.\n\n`);
}
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Bounded: whatever hangs (an unreachable Redis, say), the process exits.
    setTimeout(() => {
      log.error({ seconds: config.shutdownTimeoutSeconds }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
