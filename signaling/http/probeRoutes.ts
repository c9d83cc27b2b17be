// What a supervisor, a load balancer and Prometheus ask: /healthz (the
// process answers), /readyz (it can serve a lesson now: 503 and the reasons
// otherwise) and /metrics (open, or only with its own bearer secret). The same
// routes go on the main listener and, with METRICS_PORT, on a listener of
// their own.
import { AdminAuth } from '../adminAuth.js';
import type { Metrics } from '../metrics.js';
import { send, sendJson } from './httpUtil.js';
import type { HttpRouter } from './router.js';

export interface Readiness {
  ready: boolean;
  /** Why not, in words an operator acts on (empty when ready). */
  reasons: string[];
  [detail: string]: unknown;
}

export interface ProbeRoutesDeps {
  metrics: Metrics;
  health(): Record<string, unknown>;
  readiness(): Promise<Readiness>;
  /** Serve /metrics here: openly, behind a bearer secret, or not at all. */
  metricsAccess: { secret: string } | 'open' | 'none';
}

export function registerProbeRoutes(router: HttpRouter, deps: ProbeRoutesDeps): void {
  const open = { admin: false };
  router.route('get', '/healthz', 'healthz', open, (reply) => sendJson(reply, 200, deps.health()));
  router.route('get', '/readyz', 'readyz', open, async (reply) => {
    const r = await deps.readiness();
    sendJson(reply, r.ready ? 200 : 503, r);
  });
  const access = deps.metricsAccess;
  if (access === 'none') return;
  const auth = typeof access === 'object' ? new AdminAuth(access.secret) : null;
  router.route(
    'get',
    '/metrics',
    'metrics',
    { admin: false, headers: ['authorization'] },
    async (reply, req) => {
      if (auth && !auth.check(req.headers.authorization ?? '')) {
        sendJson(reply, 401, { error: 'metrics secret required (Authorization: Bearer METRICS_SECRET)' });
        return;
      }
      const body = await deps.metrics.registry.metrics();
      send(reply, 200, body, { 'content-type': deps.metrics.registry.contentType });
    },
  );
}
