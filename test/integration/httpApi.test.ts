// The admin API, health, metrics and pages, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let server: TestServer;

beforeAll(async () => {
  // Addresses in the rate-limit tests come from X-Forwarded-For, as behind a proxy.
  server = await startTestServer({ DEMO_ROOM: 'demo', TRUST_PROXY: '1' });
});

afterAll(async () => {
  await server.close();
});

const api = (path: string, init: RequestInit = {}, admin = true) =>
  fetch(`${server.httpUrl}${path}`, {
    ...init,
    headers: admin ? server.adminHeaders : { 'content-type': 'application/json' },
  });

describe('admin API', () => {
  it('requires the admin secret', async () => {
    expect((await api('/api/rooms', { method: 'POST', body: '{}' }, false)).status).toBe(401);
    const wrong = await fetch(`${server.httpUrl}/api/rooms`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(server.registry.get('x')).toBeUndefined();
  });

  it('creates, lists, reads and deletes rooms', async () => {
    const created = await api('/api/rooms', {
      method: 'POST',
      body: JSON.stringify({ id: 'bio-7a', title: 'Biology 7A' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'bio-7a', title: 'Biology 7A', participants: 0 });
    expect((await api('/api/rooms', { method: 'POST', body: JSON.stringify({ id: 'bio-7a' }) })).status).toBe(
      409,
    );
    const list = (await (await api('/api/rooms')).json()) as { rooms: { id: string }[] };
    expect(list.rooms.map((r) => r.id)).toContain('bio-7a');
    expect((await api('/api/rooms/bio-7a')).status).toBe(200);
    expect((await api('/api/rooms/nope')).status).toBe(404);
    expect((await api('/api/rooms/bio-7a', { method: 'DELETE' })).status).toBe(200);
    expect(server.registry.get('bio-7a')).toBeUndefined();
  });

  it('generates a room id when none is given', async () => {
    const created = (await (await api('/api/rooms', { method: 'POST', body: '{}' })).json()) as {
      id: string;
    };
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('rejects bad bodies without creating anything', async () => {
    const count = server.registry.size;
    for (const body of [
      '{not json',
      '[]',
      JSON.stringify({ id: 'bad id!' }),
      JSON.stringify({ maxParticipants: 0 }),
    ]) {
      const res = await api('/api/rooms', { method: 'POST', body });
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBeTruthy();
    }
    const huge = await api('/api/rooms', {
      method: 'POST',
      body: JSON.stringify({ title: 'x'.repeat(20000) }),
    });
    expect(huge.status).toBe(413);
    expect(server.registry.size).toBe(count);
  });

  it('mints tokens for a role, and refuses unknown roles and rooms', async () => {
    await api('/api/rooms', { method: 'POST', body: JSON.stringify({ id: 'chem' }) });
    const res = await api('/api/rooms/chem/tokens', {
      method: 'POST',
      body: JSON.stringify({ displayName: 'Mr Brown', role: 'co-host', userId: 'brown', ttlSeconds: 600 }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: string; joinUrl: string; expiresAt: string };
    expect(body.joinUrl).toContain('/room/chem#token=');
    const claims = await server.tokens.verify(body.token);
    expect(claims).toMatchObject({
      userId: 'brown',
      role: 'co-host',
      roomId: 'chem',
      displayName: 'Mr Brown',
    });
    const bad = await api('/api/rooms/chem/tokens', {
      method: 'POST',
      body: JSON.stringify({ displayName: 'X', role: 'admin' }),
    });
    expect(bad.status).toBe(400);
    const noName = await api('/api/rooms/chem/tokens', {
      method: 'POST',
      body: JSON.stringify({ role: 'guest' }),
    });
    expect(noName.status).toBe(400);
    const noRoom = await api('/api/rooms/none/tokens', {
      method: 'POST',
      body: JSON.stringify({ displayName: 'X' }),
    });
    expect(noRoom.status).toBe(404);
  });

  it('closes the sessions of a deleted room with ROOM_CLOSED', async () => {
    await api('/api/rooms', { method: 'POST', body: JSON.stringify({ id: 'ending' }) });
    const { token } = await server.tokens.mint(
      { userId: 'u', displayName: 'U', role: 'participant', roomId: 'ending' },
      600,
    );
    const c = await TestClient.connect(server.wsUrl);
    await c.request({ join: { roomId: 'ending', token } });
    await api('/api/rooms/ending', { method: 'DELETE' });
    const e = await c.waitForEvent((x) => Boolean(x.sessionClosed));
    expect(e.sessionClosed?.reason).toBe(pb.CloseReason.CLOSE_REASON_ROOM_CLOSED);
    await c.waitForClose();
  });
});

describe('demo room', () => {
  it("hands out participant tokens; the owner's link hosts it, the first to enter does not", async () => {
    const mint = async (displayName: string) =>
      (await (
        await api('/api/demo/token', { method: 'POST', body: JSON.stringify({ displayName }) }, false)
      ).json()) as { token: string; role: string };
    const first = await mint('Ann');
    expect(first.role).toBe('participant');
    const second = await mint('Bob');
    const c = await TestClient.connect(server.wsUrl);
    const ann = await c.request({ join: { roomId: 'demo', token: first.token } });
    expect(ann.join?.self?.role).toBe(pb.Role.ROLE_PARTICIPANT);
    const d = await TestClient.connect(server.wsUrl);
    const bob = await d.request({ join: { roomId: 'demo', token: second.token } });
    expect(bob.join?.self?.role).toBe(pb.Role.ROLE_PARTICIPANT);
    const e = await TestClient.connect(server.wsUrl);
    const owner = await e.request({
      join: { roomId: 'demo', token: new URL(server.demoHostLink!).hash.replace('#token=', '') },
    });
    expect(owner.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    c.close();
    d.close();
    e.close();
  });
});

describe('operations endpoints', () => {
  it('serves health, metrics and the web pages', async () => {
    const health = (await (await fetch(`${server.httpUrl}/healthz`)).json()) as {
      status: string;
      workers: number;
    };
    expect(health).toMatchObject({ status: 'ok', workers: 1 });
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    for (const name of [
      'school_call_rooms',
      'school_call_participants',
      'school_call_webrtc_transports',
      'school_call_producers',
      'school_call_consumers',
      'school_call_mediasoup_worker_cpu_seconds',
      'school_call_signaling_rejected_total',
    ]) {
      expect(metrics).toContain(`# TYPE ${name}`);
    }
    expect(metrics).toMatch(/school_call_mediasoup_worker_cpu_seconds\{worker="0",pid="\d+",mode="user"\}/);
    const page = await fetch(`${server.httpUrl}/room/anything`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/static/call.js');
    expect((await fetch(`${server.httpUrl}/static/call.js`)).headers.get('content-type')).toContain(
      'javascript',
    );
    expect((await fetch(`${server.httpUrl}/static/../package.json`)).status).toBe(404);
    expect((await fetch(`${server.httpUrl}/nothing-here`)).status).toBe(404);
  });
});

describe('joining by short code and password', () => {
  const joinByCode = (code: string, body: Record<string, unknown>, ip = '203.0.113.7') =>
    fetch(`${server.httpUrl}/api/join/${encodeURIComponent(code)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify(body),
    });

  it('gives each room a readable code and password', async () => {
    const room = (await (
      await api('/api/rooms', { method: 'POST', body: JSON.stringify({ id: 'parents-7b' }) })
    ).json()) as { code: string; password: string; shortLink: string };
    expect(room.code).toMatch(/^\d{3}-\d{3}-\d$/);
    expect(room.password).toMatch(/^[ACDEFGHJKMNPQRTUVWXYabcdefghjkmnpqrstuvwxyz34679]{6}$/);
    expect(room.shortLink).toMatch(new RegExp(`/j/${room.code}$`));
  });

  it('mints a guest token for the right password, however the code is typed', async () => {
    const room = (await (
      await api('/api/rooms', {
        method: 'POST',
        body: JSON.stringify({ id: 'meeting-1', title: 'Parents’ meeting' }),
      })
    ).json()) as { code: string; password: string };
    const typed = room.code.replace(/-/g, ' ');
    const res = await joinByCode(
      typed,
      { displayName: 'Irina Petrova', password: ` ${room.password} ` },
      '203.0.113.1',
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: string; roomId: string; title: string; joinUrl: string };
    expect(body).toMatchObject({ roomId: 'meeting-1', title: 'Parents’ meeting' });
    const claims = await server.tokens.verify(body.token);
    expect(claims).toMatchObject({ role: 'guest', displayName: 'Irina Petrova', roomId: 'meeting-1' });
    expect((await fetch(`${server.httpUrl}/j/${room.code}`)).status).toBe(200);
  });

  it('answers a wrong password and an unknown code the same way', async () => {
    const room = (await (
      await api('/api/rooms', { method: 'POST', body: JSON.stringify({ id: 'meeting-2' }) })
    ).json()) as { code: string };
    const wrong = await joinByCode(room.code, { displayName: 'X', password: 'nope42' }, '203.0.113.2');
    const unknown = await joinByCode('000-000-0', { displayName: 'X', password: 'nope42' }, '203.0.113.3');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });
  // Limits on wrong passwords and on guest tokens: attackJoinByCode.test.ts.
});

describe('scheduled meetings', () => {
  it('schedule a weekly lesson and answer with an invitation ready to paste', async () => {
    const res = await api('/api/meetings', {
      method: 'POST',
      body: JSON.stringify({
        title: 'Maths 5B',
        startsAt: '2031-09-02T09:00',
        timeZone: 'Europe/Moscow',
        durationMinutes: 45,
        recurrence: { weekly: true, count: 10 },
        settings: { waitingRoom: 'everyone' },
        language: 'en',
      }),
    });
    expect(res.status).toBe(201);
    const m = (await res.json()) as {
      id: string;
      roomId: string;
      occurrences: string[];
      code: string;
      password: string;
      shortLink: string;
      invitation: string;
    };
    expect(m.occurrences).toHaveLength(10);
    expect(m.occurrences[0]).toBe('2031-09-02T06:00:00.000Z');
    expect(m.occurrences[1]).toBe('2031-09-09T06:00:00.000Z');
    expect(m.invitation).toContain('Maths 5B');
    expect(m.invitation).toContain('09:00–09:45 (Moscow, UTC+3)');
    expect(m.invitation).not.toContain('Europe/Moscow');
    expect(m.invitation).toContain('Every Tuesday, 10 times');
    expect(m.invitation).toContain(`Join: ${m.shortLink}`);
    expect(m.invitation).toContain(`Password: ${m.password}`);
    const room = server.registry.get(m.roomId)!;
    expect(room.definition.title).toBe('Maths 5B');
    expect(room.settings.waitingRoom).toBe('everyone');
    expect((await api(`/api/meetings/${m.id}`)).status).toBe(200);
    const list = (await (await api('/api/meetings')).json()) as { meetings: { id: string }[] };
    expect(list.meetings.map((x) => x.id)).toContain(m.id);
    expect((await api(`/api/meetings/${m.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(server.registry.get(m.roomId)).toBeUndefined();
  });

  it('refuses meetings that make no sense, creating nothing', async () => {
    const count = server.registry.size;
    const base = { title: 'X', startsAt: '2031-09-02T09:00', timeZone: 'Europe/Moscow', durationMinutes: 45 };
    for (const body of [
      { ...base, title: undefined },
      { ...base, startsAt: '2031-02-30T09:00' },
      { ...base, timeZone: 'Moon/Base' },
      { ...base, durationMinutes: 2 },
      { ...base, startsAt: '2020-01-01T09:00' },
      { ...base, recurrence: { monthly: true } },
      { ...base, recurrence: { weekly: true, count: 100 } },
    ]) {
      const res = await api('/api/meetings', { method: 'POST', body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(server.registry.size).toBe(count);
  });
});

describe('client addresses', () => {
  it('ignore X-Forwarded-For unless the server is told it sits behind a proxy', async () => {
    const direct = await startTestServer();
    try {
      const room = (await (
        await fetch(`${direct.httpUrl}/api/rooms`, {
          method: 'POST',
          headers: direct.adminHeaders,
          body: '{}',
        })
      ).json()) as { code: string; password: string };
      // Guest tokens from "different" forged addresses are one address: its limit holds.
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++) {
        const res = await fetch(`${direct.httpUrl}/api/join/${room.code}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.0.${i}` },
          body: JSON.stringify({ displayName: 'X', password: room.password }),
        });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
      expect(statuses.slice(12)).toEqual([429, 429, 429]);
    } finally {
      await direct.close();
    }
  });
});
