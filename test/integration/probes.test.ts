// What a supervisor, a load balancer and Prometheus see: /healthz answers
// while the process runs; /readyz is 503 with the reason while Redis is away
// or a mediasoup worker is down, and 200
// again once they are back; /metrics only with its secret, or only on its
// own listener.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';
import { type TestServer, freeTcpUdpPort, startTestServer } from '../helpers/testServer.js';

interface ReadyBody {
  ready: boolean;
  reasons: string[];
  store: string;
  workers: { alive: number; configured: number };
}

async function readyz(base: string): Promise<{ status: number; body: ReadyBody }> {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, body: (await res.json()) as ReadyBody };
}

async function until(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!redisAvailable())('readiness', () => {
  let redis: TestRedis;
  let server: TestServer;
  beforeAll(async () => {
    redis = await startRedis({ persistent: true });
    server = await startTestServer({ REDIS_URL: redis.url, METRICS_SECRET: 'm'.repeat(40) });
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('is 200 with Redis up, 503 naming Redis while it is stopped, 200 when it is back', async () => {
    const up = await readyz(server.httpUrl);
    expect(up).toMatchObject({ status: 200, body: { ready: true, reasons: [], store: 'reachable' } });

    await redis.stop();
    await until(async () => (await readyz(server.httpUrl)).status === 503, 'readyz 503');
    const down = await readyz(server.httpUrl);
    expect(down.body.reasons).toContain('Redis does not answer');
    expect(down.body.store).toBe('unreachable');
    // Alive all the same: the supervisor must not restart it for this.
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);

    await redis.start();
    await until(async () => (await readyz(server.httpUrl)).status === 200, 'readyz 200 again');
  });

  it('is 503 while a mediasoup worker is down, and 200 once it is replaced', async () => {
    const replaced = new Promise((resolve) => server.pool.once('workerReplaced', resolve));
    process.kill(server.pool.slot(0).worker.pid, 'SIGKILL');
    await until(async () => (await readyz(server.httpUrl)).status === 503, 'readyz 503', 5000);
    expect((await readyz(server.httpUrl)).body.reasons).toContain('1 mediasoup worker(s) down');
    await replaced;
    await until(async () => (await readyz(server.httpUrl)).status === 200, 'readyz 200 again');
  });

  it('serves /metrics only with its secret', async () => {
    expect((await fetch(`${server.httpUrl}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.httpUrl}/metrics`, {
      headers: { authorization: `Bearer ${'x'.repeat(40)}` },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${server.httpUrl}/metrics`, {
      headers: { authorization: `Bearer ${'m'.repeat(40)}` },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('school_call_participants');
  });
});

describe('a separate metrics listener', () => {
  let server: TestServer;
  let metricsPort: number;
  beforeAll(async () => {
    metricsPort = await freeTcpUdpPort();
    server = await startTestServer({ METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves /metrics and the probes there, and not on the main listener', async () => {
    expect(server.metricsPort).toBe(metricsPort);
    const own = `http://127.0.0.1:${metricsPort}`;
    expect((await fetch(`${own}/metrics`)).status).toBe(200);
    expect((await fetch(`${own}/healthz`)).status).toBe(200);
    // One host without Redis keeps rooms in memory: ready.
    expect(await readyz(own)).toMatchObject({ status: 200, body: { ready: true, store: 'memory' } });
    expect((await fetch(`${server.httpUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${own}/api/rooms`)).status).toBe(404);
  });
});
