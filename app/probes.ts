// The probes (/healthz, /readyz) and /metrics: what readiness means for this
// server (workers, store, messenger, not draining), and the separate metrics
// listener when METRICS_PORT is set.
import uWS from 'uWebSockets.js';
import type { Logger } from '../common/log.js';
import type { MessagingFeature } from '../messaging/feature.js';
import type { WorkerPool } from '../sfu/workerPool.js';
import { AdminAuth } from '../signaling/adminAuth.js';
import type { Deployment } from '../signaling/deployment.js';
import type { RoomRegistry } from '../signaling/domain/roomRegistry.js';
import type { Drain } from '../signaling/drain.js';
import { guardApp } from '../signaling/http/guardedApp.js';
import { registerNotFound } from '../signaling/http/pageRoutes.js';
import { type ProbeRoutesDeps, type Readiness, registerProbeRoutes } from '../signaling/http/probeRoutes.js';
import { HttpRouter } from '../signaling/http/router.js';
import type { Metrics } from '../signaling/metrics.js';
import { redisHealth } from '../signaling/redisClients.js';
import type { WsServer } from '../signaling/transport/wsServer.js';
import type { Config } from './config.js';

/** /readyz counts Redis as away when a PING takes longer (a frozen Redis keeps its connection). */
const READY_PING_MS = 1000;

export interface ProbeParts {
  config: Config;
  registry: RoomRegistry;
  metrics: Metrics;
  pool: WorkerPool;
  ws: WsServer;
  deployment: Deployment;
  log: Logger;
}

/** The probes' answers, for the main listener and (METRICS_PORT) the separate one. */
export function probeDeps(
  core: ProbeParts,
  messaging: MessagingFeature,
  drain: Drain,
): { main: ProbeRoutesDeps; separate: ProbeRoutesDeps | null } {
  const { config, registry, metrics, pool, ws, deployment } = core;
  const health = () => ({
    // Up (always 200), but its store is away or frozen: says so (redisClients.ts watches every connection).
    status: config.redisUrl && redisHealth().state !== 'ok' ? 'degraded' : 'ok',
    redis: config.redisUrl ? redisHealth() : null,
    workers: pool.size,
    rooms: registry.size,
    connections: ws.connectionCount,
    messenger: messaging.health(),
  });
  const readiness = async (): Promise<Readiness> => {
    const store = await deployment.storeState(READY_PING_MS);
    const messenger = messaging.health().status;
    const workers = { alive: pool.alive, configured: config.numWorkers };
    const reasons: string[] = [];
    if (workers.alive < workers.configured)
      reasons.push(`${workers.configured - workers.alive} mediasoup worker(s) down`);
    if (store === 'unreachable') reasons.push('Redis does not answer');
    if (messenger === 'unavailable') reasons.push("the messenger's store does not answer");
    if (drain.draining) reasons.push('draining: the server is stopping');
    return { ready: reasons.length === 0, reasons, workers, store, messenger, draining: drain.draining };
  };
  const m = config.metrics;
  const base = { metrics, health, readiness };
  if (m.kind === 'listener') {
    return { main: { ...base, metricsAccess: 'none' }, separate: { ...base, metricsAccess: 'open' } };
  }
  return {
    main: { ...base, metricsAccess: m.kind === 'secret' ? { secret: m.secret } : 'open' },
    separate: null,
  };
}

/** /metrics, /healthz and /readyz on a plain-HTTP listener of their own (METRICS_HOST:METRICS_PORT). */
export async function listenForMetrics(
  config: Config,
  core: ProbeParts,
  deps: ProbeRoutesDeps,
): Promise<{ port: number; close(): void }> {
  if (config.metrics.kind !== 'listener') throw new Error('no metrics listener configured');
  const { host, port } = config.metrics;
  // The same guard as the main listener: a handler that throws answers 500 and is counted.
  const app = guardApp(uWS.App(), (where, err, status) => {
    core.metrics.faults.inc({ where, status: String(status ?? 'closed') });
    core.log.error({ where, err }, 'metrics listener handler failed');
  });
  // No page of any site changes anything on the metrics port.
  const router = new HttpRouter(
    app,
    new AdminAuth(config.adminSecret),
    core.metrics,
    core.log,
    false,
    () => [],
  );
  registerProbeRoutes(router, deps);
  registerNotFound(router, core.metrics);
  const socket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(host, port, (token) => {
      if (token) resolve(token);
      else reject(new Error(`cannot listen for metrics on ${host}:${port} (METRICS_HOST, METRICS_PORT)`));
    });
  });
  return {
    port: uWS.us_socket_local_port(socket),
    close: () => {
      uWS.us_listen_socket_close(socket);
      app.close?.();
    },
  };
}
