// Fault: the deployment's Redis stops during a lesson and comes back. The
// lesson on its home host goes on (requests answered, media kept, even a
// reconnect to it works); what needs Redis (a room not running here, joining
// by code, the admin API) fails at once with a clear, typed error, not a
// hang or a 500; and once Redis is back everything works again without
// restarting the server. The real redis-server is stopped and started again
// (keeping its data on disk, as a deployment's would).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, pb, produceMic } from '../helpers/protocolClient.js';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let redis: TestRedis;
let server: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  redis = await startRedis({ persistent: true });
  server = await startTestServer({ REDIS_URL: redis.url, HOST_HEARTBEAT_MS: '300' });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
  await redis?.stop();
});

async function createRoom(id: string): Promise<Response> {
  return fetch(`${server.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: server.adminHeaders,
    body: JSON.stringify({ id, settings: { waitingRoom: 'off' } }),
  });
}

async function join(roomId: string, name: string, role: 'host' | 'participant') {
  const { token } = await server.tokens.mint({ userId: name, displayName: name, role, roomId }, 600);
  const c = await TestClient.connect(server.wsUrl);
  clients.push(c);
  const r = await c.rawRequest({ join: { roomId, token } });
  return { c, r, id: r.join?.self?.participantId ?? '', session: r.join?.session?.token ?? '' };
}

async function until(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!redisAvailable())('Redis stops during a lesson and comes back', () => {
  it('the lesson goes on, what needs Redis fails clearly, and all recovers without a restart', async () => {
    expect((await createRoom('maths')).status).toBe(201);
    const other = (await (await createRoom('history')).json()) as { code: string; password: string };
    const teacher = await join('maths', 'Teacher', 'host');
    const pupil = await join('maths', 'Pupil', 'participant');
    const producerId = await produceMic(pupil.c);
    const room = server.registry.get('maths')!;
    const producer = room.findProducer(producerId)!.producer;

    await redis.stop();

    // The lesson on its home host goes on.
    const started = Date.now();
    await teacher.c.request({
      mute: { participantIds: [pupil.id], source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE },
    });
    expect(producer.paused).toBe(true);
    await pupil.c.request({ raiseHand: { raised: true } });
    expect(Date.now() - started).toBeLessThan(2000);
    pupil.c.close();
    const back = await join('maths', 'Pupil', 'participant');
    expect(back.r.error ?? null).toBeNull();
    expect(back.r.join?.self?.displayName).toBe('Pupil');
    expect(producer.closed).toBe(true);
    const newProducer = await produceMic(back.c);
    expect(room.findProducer(newProducer)?.producer.closed).toBe(false);

    // What needs Redis fails at once, saying so.
    const elsewhere = await join('history', 'Somebody', 'participant');
    expect(elsewhere.r.error?.code).toBe(pb.ErrorCode.ERROR_CODE_UNAVAILABLE);
    const byCode = await fetch(`${server.httpUrl}/api/join/${other.code}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Parent', password: other.password }),
    });
    expect(byCode.status).toBe(503);
    expect(((await byCode.json()) as { error: string }).error).toMatch(/try again/);
    expect((await createRoom('art')).status).toBe(503);
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);

    await redis.start();

    // Everything works again, without restarting the server.
    await until(async () => (await createRoom('art')).status === 201, 'the admin API');
    expect((await join('history', 'Later', 'participant')).r.join?.self).toBeTruthy();
    const parent = await fetch(`${server.httpUrl}/api/join/${other.code}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Parent', password: other.password }),
    });
    expect(parent.status).toBe(201);
    // This host is back in the list of hosts with its next heartbeat.
    await until(async () => {
      const res = await fetch(`${server.httpUrl}/api/hosts`, { headers: server.adminHeaders });
      return ((await res.json()) as { hosts: unknown[] }).hosts.length === 1;
    }, 'the heartbeat');
    expect(room.peers.size).toBe(2);
  });
});
