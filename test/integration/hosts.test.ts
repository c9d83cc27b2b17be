// Hosts sharing one Redis find each other: each announces its addresses and
// load with a heartbeat, and one that stops or dies drops out of the list.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { HostRegistry } from '../../signaling/cluster/hostRegistry.js';
import { TestClient } from '../helpers/protocolClient.js';
import { type TestRedis, startRedis } from '../helpers/redis.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let redis: TestRedis;
let a: TestServer;
let b: TestServer;

interface Host {
  id: string;
  load: { participants: number; rooms: number; workers: number };
}

async function hosts(server: TestServer): Promise<Host[]> {
  const res = await fetch(`${server.httpUrl}/api/hosts`, { headers: server.adminHeaders });
  return ((await res.json()) as { hosts: Host[] }).hosts;
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  redis = await startRedis();
  const shared = { REDIS_URL: redis.url, HOST_HEARTBEAT_MS: '100' };
  a = await startTestServer({ ...shared, HOST_ID: 'host-a' });
  b = await startTestServer({ ...shared, HOST_ID: 'host-b' });
});

afterAll(async () => {
  await a?.close();
  if (!bClosed) await b?.close();
  await redis?.stop();
});

let bClosed = false;

describe('hosts in Redis', () => {
  it('list each other with their load, and drop a host that stops or dies', async () => {
    expect((await hosts(a)).map((h) => h.id).sort()).toEqual(['host-a', 'host-b']);
    expect((await hosts(b)).map((h) => h.id).sort()).toEqual(['host-a', 'host-b']);

    // Load follows what happens on a host, within a heartbeat.
    await fetch(`${b.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: b.adminHeaders,
      body: JSON.stringify({ id: 'on-b', settings: { waitingRoom: 'off' } }),
    });
    const { token } = await b.tokens.mint(
      { userId: 'u', displayName: 'U', role: 'participant', roomId: 'on-b' },
      60,
    );
    const c = await TestClient.connect(b.wsUrl);
    await c.request({ join: { roomId: 'on-b', token } });
    await eventually(
      async () => (await hosts(a)).find((h) => h.id === 'host-b')?.load.participants === 1,
      'load',
    );
    // Least loaded first.
    expect((await hosts(a))[0]!.id).toBe('host-a');
    c.close();

    // A host that dies without saying goodbye lapses after its TTL.
    const client = new Redis(redis.url);
    const ghost = new HostRegistry(
      client,
      { id: 'host-ghost', publicUrl: 'http://127.0.0.1:1', mediaIp: '127.0.0.1' },
      () => ({ rooms: 0, participants: 0, workers: 1 }),
      100,
      createLogger('warn'),
    );
    await ghost.start();
    await eventually(async () => (await hosts(a)).some((h) => h.id === 'host-ghost'), 'ghost listed');
    client.disconnect(); // its heartbeats now fail, as if the process had died
    await eventually(async () => !(await hosts(a)).some((h) => h.id === 'host-ghost'), 'ghost gone', 3000);
    await ghost.stop().catch(() => undefined);

    // A host that shuts down leaves at once.
    await b.close();
    bClosed = true;
    expect((await hosts(a)).map((h) => h.id)).toEqual(['host-a']);
  });
});
