// Entry point: read the configuration (the file SCHOOL_CALL_CONFIG names, with
// the environment over it), check that this Node can run the release, start
// the server, and on SIGTERM/SIGINT drain and stop (a second signal cuts the
// drain short).
import { createLogger } from '../common/log.js';
import { loadConfig } from './config.js';
import { withConfigFile } from './configFile.js';
import { DataTooNewError, migrateAtStart } from './dataMigrations.js';
import { PlatformError, checkUwsBinary } from './platform/uwsBinary.js';

/** sysexits' EX_CONFIG: a mistake a restart does not fix (the unit has RestartPreventExitStatus=78). */
const EX_CONFIG = 78;

function refuse(what: string, err: Error): never {
  createLogger('info').fatal({ err }, `${what}: ${err.message}`);
  process.exit(EX_CONFIG);
}

let config: ReturnType<typeof loadConfig>;
try {
  // Children (the transcriber, recorder pipelines) see the file's settings too.
  Object.assign(process.env, withConfigFile(process.env));
  config = loadConfig();
} catch (err) {
  refuse('configuration', err as Error);
}
try {
  checkUwsBinary();
} catch (err) {
  if (err instanceof PlatformError) refuse('platform', err);
  throw err;
}
const log = createLogger(config.logLevel);
if (config.redisUrl) {
  // Before anything reads the store: older data is brought up to date, newer data refused.
  try {
    await migrateAtStart(config.redisUrl, config.hostId, log);
  } catch (err) {
    if (err instanceof DataTooNewError) refuse('data', err);
    log.fatal({ err }, 'cannot check the data version');
    process.exit(1);
  }
}
// Imported only now: loading it loads the uWebSockets.js binary checked above.
const { startServer } = await import('./server.js');

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
if (server.setupCode) {
  process.stdout.write(
    `\nNo school on this server yet. Open ${server.url}/login, choose «У меня есть код из школы»\n` +
      `and type ${server.setupCode} to create the school and become its administrator.\n` +
      // Whoever installs it for a Russian school reads this too.
      `На сервере ещё нет школы. Откройте ${server.url}/login, нажмите «У меня есть код из школы»\n` +
      `и введите ${server.setupCode}: так создаётся школа и её администратор (код действует 7 дней).\n\n`,
  );
}
if (config.demoRoomId) {
  log.info({ url: `${server.url}/demo` }, 'demo room ready');
  process.stdout.write(
    `\nDemo room: you host it from ${server.demoHostLink} (keep this link to yourself);\n` +
      `others join at ${server.url}/demo, in another browser tab or on another device.\n\n`,
  );
}

let phase: 'serving' | 'draining' | 'stopping' = 'serving';
let cutDrain = () => {};
const drainCut = new Promise<void>((resolve) => {
  cutDrain = resolve;
});

function stop(): void {
  phase = 'stopping';
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
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (phase === 'draining') {
      log.info({ signal }, 'second signal: lessons are closed now');
      cutDrain();
      return;
    }
    if (phase === 'stopping') return;
    phase = 'draining';
    log.info({ signal, drainSeconds: config.shutdownDrainSeconds }, 'shutting down');
    server.drain(config.shutdownDrainSeconds, drainCut).then(stop, (err: unknown) => {
      log.error({ err }, 'drain failed');
      stop();
    });
  });
}
