// Attacks on roles, each refused: taking the demo room's host role by asking
// for a token first or by arriving while its owner is away (#21 F1), coming back as co-host after a demotion, a host token of
// a deleted room working for a new room with the same id, and names that
// imitate role labels. (Issue #14, attacks 1, 2, 9 and 12.)
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { meetingLessonBook } from '../../app/lessonBook.js';
import { JoinTokens } from '../../signaling/http/joinTokens.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
const clients: TestClient[] = [];
let roomCounter = 0;

beforeAll(async () => {
  server = await startTestServer({ DEMO_ROOM: 'demo' });
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

afterAll(async () => {
  await server.close();
});

async function connect(): Promise<TestClient> {
  const c = await TestClient.connect(server.wsUrl);
  clients.push(c);
  return c;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function newRoom(id = `roles-${++roomCounter}`, settings: Record<string, unknown> = {}) {
  const res = await post('/api/rooms', { id, title: 'Roles', settings }, server.adminHeaders);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; code: string; password: string };
}

async function adminToken(roomId: string, displayName: string, role: string): Promise<string> {
  const res = await post(
    `/api/rooms/${roomId}/tokens`,
    { displayName, role, userId: displayName },
    server.adminHeaders,
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

async function join(roomId: string, token: string): Promise<{ c: TestClient; r: pb.Response }> {
  const c = await connect();
  return { c, r: await c.rawRequest({ join: { roomId, token } }) };
}

describe('attack 1 and F1: the demo room is hosted by its owner, never by whoever arrives first', () => {
  it('hands out participant tokens only, short-lived; nobody who asks for them hosts the room', async () => {
    const minted = await Promise.all(
      Array.from({ length: 8 }, (_, i) => post('/api/demo/token', { displayName: `Visitor ${i}` })),
    );
    const tokens: { token: string; role: string; expiresAt: string }[] = [];
    for (const res of minted) {
      expect(res.status).toBe(201);
      tokens.push((await res.json()) as { token: string; role: string; expiresAt: string });
    }
    for (const t of tokens) {
      expect(t.role).toBe('participant');
      expect((await server.tokens.verify(t.token)).role).toBe('participant');
      expect(new Date(t.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
    }
    // The first in an empty demo room does not become its host (was: it did).
    const joined = await Promise.all(tokens.map((t) => join('demo', t.token)));
    const roles = joined.map(({ r }) => r.join?.self?.role);
    expect(roles.filter((r) => r === pb.Role.ROLE_PARTICIPANT)).toHaveLength(8);
    // A participant of the demo room cannot end the call.
    const refused = await joined[0]!.c.rawRequest({ endCall: {} });
    expect(refused.error?.code).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    for (const { c } of joined) c.close();
  });

  it('F1: when the owner drops, a newcomer does not take the room; the owner comes back as its host', async () => {
    const ownerToken = new URL(server.demoHostLink!).hash.replace('#token=', '');
    const owner = await join('demo', ownerToken);
    expect(owner.r.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    const reconnect = owner.r.join?.session?.token ?? '';
    owner.c.close();
    await vi.waitFor(() => expect(server.registry.get('demo')!.peers.size).toBe(0));

    // The next newcomers, one after another and at once: none hosts.
    const first = await join('demo', await demoToken('Незнакомец'));
    expect(first.r.join?.self?.role).toBe(pb.Role.ROLE_PARTICIPANT);
    const others = await Promise.all([1, 2, 3].map(async (i) => join('demo', await demoToken(`Гость ${i}`))));
    for (const o of others) expect(o.r.join?.self?.role).toBe(pb.Role.ROLE_PARTICIPANT);

    // The owner returns with the reconnect token, hosts again, and cannot be banned by them.
    const back = await join('demo', reconnect);
    expect(back.r.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    const ownerId = back.r.join?.self?.participantId ?? '';
    const ban = await first.c.rawRequest({ removeParticipant: { participantId: ownerId, ban: true } });
    expect(ban.error?.code).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    const end = await first.c.rawRequest({ endCall: {} });
    expect(end.error?.code).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    expect(server.registry.get('demo')!.peers.size).toBe(5);
    for (const x of [first, back, ...others]) x.c.close();
  });
});

async function demoToken(displayName: string): Promise<string> {
  const res = await post('/api/demo/token', {
    displayName,
    deviceKey: `demo-device-${displayName.length}-${Math.random().toString(36).slice(2)}`,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

describe('attack 2: roles changed during a call bind later tokens and rejoins', () => {
  it('a demoted co-host comes back as a participant, with the refreshed or the original token', async () => {
    const { id: roomId } = await newRoom(undefined, { waitingRoom: 'off' });
    const host = await join(roomId, await adminToken(roomId, 'Teacher', 'host'));
    const original = await adminToken(roomId, 'Pupil', 'participant');
    const pupil = await join(roomId, original);
    const pupilId = pupil.r.join!.self!.participantId!;
    await host.c.request({ setRole: { participantId: pupilId, role: pb.Role.ROLE_CO_HOST } });
    const refreshed = (await pupil.c.request({ refreshSession: {} })).session!.token!;
    // Promoted, the pupil reconnects and stays co-host for this call.
    pupil.c.close();
    const again = await join(roomId, refreshed);
    expect(again.r.join?.self?.role).toBe(pb.Role.ROLE_CO_HOST);
    await host.c.request({
      setRole: { participantId: again.r.join!.self!.participantId!, role: pb.Role.ROLE_PARTICIPANT },
    });
    again.c.close();
    for (const token of [refreshed, original]) {
      const back = await join(roomId, token);
      expect(back.r.join?.self?.role).toBe(pb.Role.ROLE_PARTICIPANT);
      const r = await back.c.rawRequest({
        mute: { all: true, source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE },
      });
      expect(r.error?.code).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
      back.c.close();
    }
  });

  it('a session token does not carry a role granted in the call past that call', async () => {
    const { id: roomId } = await newRoom(undefined, { waitingRoom: 'off' });
    const host = await join(roomId, await adminToken(roomId, 'Teacher', 'host'));
    const pupil = await join(roomId, await adminToken(roomId, 'Pupil', 'participant'));
    await host.c.request({
      setRole: { participantId: pupil.r.join!.self!.participantId!, role: pb.Role.ROLE_CO_HOST },
    });
    const refreshed = (await pupil.c.request({ refreshSession: {} })).session!.token!;
    expect((await server.tokens.verify(refreshed)).role).toBe('participant');
    await host.c.request({ endCall: {} });
    await pupil.c.waitForClose();
    const host2 = await join(roomId, await adminToken(roomId, 'Teacher', 'host'));
    expect(host2.r.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    const back = await join(roomId, refreshed);
    expect(back.r.join?.self?.role).toBe(pb.Role.ROLE_PARTICIPANT);
  });
});

describe('attack 9: tokens are bound to the room instance', () => {
  it('a host token of a deleted room does not work for a new room with the same id', async () => {
    const { id: roomId } = await newRoom();
    const oldHostToken = await adminToken(roomId, 'Teacher', 'host');
    const deleted = await fetch(`${server.httpUrl}/api/rooms/${roomId}`, {
      method: 'DELETE',
      headers: server.adminHeaders,
    });
    expect(deleted.status).toBeLessThan(300);
    await newRoom(roomId);
    const { r } = await join(roomId, oldHostToken);
    expect(r.error?.code).toBe(pb.ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    expect(server.registry.get(roomId)?.peers.size).toBe(0);
    // A token minted for the new room works.
    const fresh = await join(roomId, await adminToken(roomId, 'Teacher', 'host'));
    expect(fresh.r.join?.self?.role).toBe(pb.Role.ROLE_HOST);
  });
});

describe('attack 12: names that imitate role labels', () => {
  it('are refused for names people choose themselves (by code, in the demo room)', async () => {
    const room = await newRoom();
    const fakes = [
      'Teacher (host)',
      'Иван (организатор)',
      'Учитель',
      'Мария Ивановна — преподаватель',
      'co-host Petya',
      'Модератор',
      'ＨＯＳＴ',
    ];
    for (const displayName of fakes) {
      const byCode = await post(`/api/join/${room.code}`, { displayName, password: room.password });
      expect(byCode.status, displayName).toBe(400);
      const demo = await post('/api/demo/token', { displayName });
      expect(demo.status, displayName).toBe(400);
    }
    for (const displayName of ['Иван Петров', 'Hostova Anna', 'Мама Пети']) {
      const ok = await post(`/api/join/${room.code}`, {
        displayName,
        password: room.password,
      });
      expect(ok.status, displayName).toBe(201);
    }
  });
});

describe("#21: a guest under the teacher's exact name", () => {
  it("is refused while the teacher is in the lesson, however the name is spelled; other names and the school's own people are not", async () => {
    const room = await newRoom(undefined, { waitingRoom: 'off' });
    const teacher = await join(room.id, await adminToken(room.id, 'Мария Ивановна Петрова', 'host'));
    expect(teacher.r.error ?? null).toBeNull();
    // The same name as the eye reads it: case, Latin look-alike letters, extra spaces, punctuation.
    let fakeNo = 0;
    for (const fake of [
      'Мария Ивановна Петрова',
      'мария  ивановна петрова',
      'Мaрия Ивановна Пeтрова',
      'Мария Ивановна Петрова.',
      // #21 re-run: invisible characters Unicode ignores, accents, the other word order, initials.
      'Ма\u034fрия Ивановна Петрова',
      'Мар\u17b4ия Ивановна Петрова',
      'Мари\u0301я Ивановна Петрова\u2064',
      'Петрова Мария Ивановна',
      'Петрова Мaрия Ивановна',
      'Петрова М. И.',
      'М.И. Петрова',
    ]) {
      // The join page is told (409; a combining accent is not among a name's letters: 400, #21 report 5)...
      const byCode = await post(`/api/join/${room.code}`, { displayName: fake, password: room.password });
      expect(byCode.status, fake).toBe(fake.includes('\u0301') ? 400 : 409);
      // ...and a guest token with the name, however it was got, is refused at the room.
      const { token } = await server.tokens.mint(
        { userId: `g-${fakeNo++}`, displayName: fake, role: 'guest', roomId: room.id },
        600,
      );
      const { r } = await join(room.id, token);
      expect(r.error?.code, fake).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    }
    const byCode = await post(`/api/join/${room.code}`, {
      // Another name; the invisible characters in it are dropped for everyone who sees it
      // (a direction override is refused instead: below).
      displayName: 'Мария\u034f\u00ad Петрова',
      password: room.password,
    });
    const { r: other } = await join(room.id, ((await byCode.json()) as { token: string }).token);
    expect(other.error ?? null).toBeNull();
    const seen = await teacher.c.waitForJoined(
      (p) => /Петрова/.test(p.displayName ?? '') && !/Ивановна/.test(p.displayName ?? ''),
    );
    expect(seen.displayName).toBe('Мария Петрова');
    const override = await post(`/api/join/${room.code}`, {
      displayName: 'Мария Петрова\u202e',
      password: room.password,
    });
    expect(override.status).toBe(400);
    const invisibleOnly = await post(`/api/join/${room.code}`, {
      displayName: '\u200b\u034f',
      password: room.password,
    });
    expect(invisibleOnly.status).toBe(400);
    // A pupil of the school who shares a name with someone is the school's to name.
    const minted = await post(
      `/api/rooms/${room.id}/tokens`,
      { displayName: 'Мария Ивановна Петрова', role: 'participant', userId: 'pupil-namesake' },
      server.adminHeaders,
    );
    const namesake = await join(room.id, ((await minted.json()) as { token: string }).token);
    expect(namesake.r.error ?? null).toBeNull();
  });

  it('is refused before the teacher comes when the room names the staff expected (a lesson, a call by link, the admin API)', async () => {
    const organiser = {
      id: 't-volkova',
      name: 'Анна Петровна Волкова',
      sort: 'Волкова Анна',
      role: 'teacher',
      school: 's1',
    };
    const book = meetingLessonBook(
      server.registry,
      null as never,
      new JoinTokens(server.tokens, server.httpUrl),
      () => server.httpUrl,
    );
    const linked = await book.linkCall('Физика 7А', organiser);
    const byLink = {
      roomId: linked.roomId!,
      code: linked.code!,
      password: linked.password!,
      joinUrl: linked.joinUrl!,
    };
    const res = await post(
      '/api/rooms',
      { title: 'Собрание', owner: { school: 's1', staff: ['Ирина Олеговна Белова'] } },
      server.adminHeaders,
    );
    expect(res.status).toBe(201);
    const admin = (await res.json()) as { id: string; code: string; password: string };
    for (const [room, name] of [
      [{ id: byLink.roomId, code: byLink.code, password: byLink.password }, 'анна петровна  волкова'],
      [admin, 'Ирина Олеговна Белова'],
    ] as const) {
      expect(server.registry.get(room.id)!.peers.size).toBe(0);
      const byCode = await post(`/api/join/${room.code}`, { displayName: name, password: room.password });
      expect(byCode.status, name).toBe(409);
      const { token } = await server.tokens.mint(
        { userId: `g-early-${room.id}`, displayName: name, role: 'guest', roomId: room.id },
        600,
      );
      const { r } = await join(room.id, token);
      expect(r.error?.code, name).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
      const other = await post(`/api/join/${room.code}`, {
        displayName: 'Ольга Белова',
        password: room.password,
      });
      expect(other.status).toBe(201);
    }
    // The teacher is expected, not kept out: they come in under their own name.
    const host = await join(byLink.roomId, new URL(byLink.joinUrl).hash.replace('#token=', ''));
    expect(host.r.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    const bad = await post(
      '/api/rooms',
      { title: 'x', owner: { school: 's1', staff: 'Анна' } },
      server.adminHeaders,
    );
    expect(bad.status).toBe(400);
  });
});
