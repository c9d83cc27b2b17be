import { createLogger } from '../common/log.js';
// Entry point: load configuration, start the server, stop cleanly on signals.
import { loadConfig } from './config.js';
import { startServer } from './server.js';

const config = loadConfig();
const log = createLogger(config.logLevel);
const server = await startServer(config, log).catch((err: unknown) => {
  log.fatal({ err }, 'server failed to start');
  process.exit(1);
});
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
