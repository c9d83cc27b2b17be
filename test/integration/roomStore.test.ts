// With REDIS_URL, rooms and meetings live in Redis: they survive a restart,
// and a host that never saw a room can serve it (join by token or by code).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { type TestRedis, startRedis } from '../helpers/redis.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let redis: TestRedis;
const servers: TestServer[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  await redis?.stop();
});

// Hosts of one deployment share the secrets as well as the Redis.
const secrets = { ADMIN_SECRET: 'a'.repeat(40), TOKEN_SECRET: 't'.repeat(40) };

async function host(id: string): Promise<TestServer> {
  const s = await startTestServer({ ...secrets, REDIS_URL: redis.url, HOST_ID: id });
  servers.push(s);
  return s;
}

const api = (s: TestServer, path: string, init: RequestInit = {}) =>
  fetch(`${s.httpUrl}${path}`, { ...init, headers: s.adminHeaders });

describe('rooms in Redis', () => {
  it('survive a restart and are served by any host', async () => {
    const first = await host('first');
    const created = (await (
      await api(first, '/api/rooms', {
        method: 'POST',
        body: JSON.stringify({
          id: 'history-9',
          title: 'History 9',
          settings: { waitingRoom: 'off', locked: false },
        }),
      })
    ).json()) as { code: string; password: string };
    const meeting = (await (
      await api(first, '/api/meetings', {
        method: 'POST',
        body: JSON.stringify({
          title: 'Open day',
          startsAt: '2031-05-01T10:00',
          timeZone: 'Europe/Moscow',
          durationMinutes: 90,
        }),
      })
    ).json()) as { id: string; code: string };
    expect(
      (await api(first, '/api/rooms', { method: 'POST', body: JSON.stringify({ id: 'history-9' }) })).status,
    ).toBe(409);
    await first.close();
    servers.splice(servers.indexOf(first), 1);

    // A restarted host has them back, with the same code and password.
    const again = await host('again');
    const room = (await (await api(again, '/api/rooms/history-9')).json()) as {
      code: string;
      password: string;
      title: string;
    };
    expect(room).toMatchObject({ code: created.code, password: created.password, title: 'History 9' });
    const meetings = (await (await api(again, '/api/meetings')).json()) as {
      meetings: { id: string; code: string }[];
    };
    expect(meetings.meetings.map((m) => m.id)).toContain(meeting.id);

    // Another host that never saw the room serves a join by token and by code.
    const other = await host('other');
    const { token } = await other.tokens.mint(
      { userId: 'pupil', displayName: 'Pupil', role: 'participant', roomId: 'history-9' },
      600,
    );
    const c = await TestClient.connect(other.wsUrl);
    const joined = await c.request({ join: { roomId: 'history-9', token } });
    expect(joined.join?.roomTitle).toBe('History 9');
    c.close();
    const byCode = await fetch(`${other.httpUrl}/api/join/${created.code}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Parent', password: created.password }),
    });
    expect(byCode.status).toBe(201);

    // Settings a host changes during a call are saved too.
    const { token: hostToken } = await again.tokens.mint(
      { userId: 'teacher', displayName: 'Teacher', role: 'host', roomId: 'history-9' },
      600,
    );
    const t = await TestClient.connect(again.wsUrl);
    await t.request({ join: { roomId: 'history-9', token: hostToken } });
    await t.request({ updateRoomSettings: { waitingRoom: pb.WaitingRoomMode.WAITING_ROOM_MODE_EVERYONE } });
    t.close();
    const fresh = await host('fresh');
    await expect
      .poll(
        async () =>
          ((await (await api(fresh, '/api/rooms/history-9')).json()) as { settings: { waitingRoom: string } })
            .settings.waitingRoom,
      )
      .toBe('everyone');

    // Deleting removes it everywhere.
    expect((await api(fresh, '/api/rooms/history-9', { method: 'DELETE' })).status).toBe(200);
    const last = await host('last');
    expect((await api(last, '/api/rooms/history-9')).status).toBe(404);
  });
});
