// Fault: the home host of a room dies (SIGKILL) in the middle of a lesson.
// Two server processes share a Redis; the lesson runs on host A with people
// connected to both. After A is killed, everyone rejoins through host B,
// which takes the room over and carries on the same call: who was let in,
// who was banned, roles the teacher changed, raised hands, host blocks and
// open breakout rooms are all still there.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerUnderTest, startServerProcess } from '../../loadtest/serverProcess.js';
import { TokenService } from '../../signaling/tokens.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';

let redis: TestRedis;
let a: ServerUnderTest;
let b: ServerUnderTest;
let tokens: TokenService;
const clients: TestClient[] = [];
const ROOM = 'takeover';

beforeAll(async () => {
  redis = await startRedis();
  const shared = {
    REDIS_URL: redis.url,
    HOST_HEARTBEAT_MS: '300',
    MEDIASOUP_WORKERS: '1',
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
  };
  tokens = new TokenService(shared.TOKEN_SECRET, 'school-call');
  [a, b] = await Promise.all([
    startServerProcess({ ...shared, HOST_ID: 'host-a' }),
    startServerProcess({ ...shared, HOST_ID: 'host-b' }),
  ]);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await a?.stop('SIGKILL');
  await b?.stop();
  await redis?.stop();
});

async function token(name: string, role: 'host' | 'participant' | 'guest'): Promise<string> {
  return (await tokens.mint({ userId: name, displayName: name, role, roomId: ROOM }, 3600)).token;
}

async function join(host: ServerUnderTest, tokenOrName: string, role?: 'host' | 'participant' | 'guest') {
  const c = await TestClient.connect(host.wsUrl);
  clients.push(c);
  const t = role ? await token(tokenOrName, role) : tokenOrName;
  const r = await c.rawRequest({ join: { roomId: ROOM, token: t } });
  return { c, r, id: r.join?.self?.participantId ?? '', session: r.join?.session?.token ?? '' };
}

async function until(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!redisAvailable())('the home host dies during a lesson', () => {
  it('the host that takes the room over keeps admissions, bans, roles, hands, blocks and breakout rooms', async () => {
    const created = await fetch(`${a.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.adminSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: ROOM, settings: { waitingRoom: 'guests' } }),
    });
    expect(created.status).toBe(201);
    const teacher = await join(a, 'Teacher', 'host');
    expect(teacher.r.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    const anna = await join(b, 'Anna', 'participant');
    const boris = await join(a, 'Boris', 'participant');
    const parent = await join(b, 'Parent', 'guest');
    const stranger = await join(b, 'Stranger', 'guest');
    expect(parent.r.join?.waiting).toBe(true);

    await teacher.c.request({ admit: { participantIds: [parent.id] } });
    await teacher.c.request({ deny: { participantIds: [stranger.id], ban: true } });
    await teacher.c.request({ setRole: { participantId: boris.id, role: pb.Role.ROLE_CO_HOST } });
    await anna.c.request({ raiseHand: { raised: true } });
    await teacher.c.request({
      mute: { participantIds: [anna.id], source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE, block: true },
    });
    await teacher.c.request({ createBreakouts: { names: ['Group 1', 'Group 2'] } });
    await teacher.c.request({
      assignBreakouts: { assignments: [{ participantId: anna.id, breakoutId: 'b2' }] },
    });
    await teacher.c.request({ openBreakouts: { durationSeconds: 600 } });
    const redisClient = new Redis(redis.url);
    await until(async () => {
      const saved = await redisClient.get(`school-call:call:${ROOM}`);
      return Boolean(saved?.includes('"open":true') && saved.includes('Stranger'));
    }, 'call state saved');
    redisClient.disconnect();
    const annaHand = (await anna.c.request({ refreshSession: {} })).session!.token!;

    // Host A dies. Everyone comes back through host B.
    await a.stop('SIGKILL');
    await until(async () => {
      const res = await fetch(`${b.httpUrl}/api/hosts`, {
        headers: { authorization: `Bearer ${b.adminSecret}` },
      });
      const hosts = (await res.json()) as { hosts: { id: string }[] };
      return hosts.hosts.every((h) => h.id !== 'host-a');
    }, 'host A to drop out');
    const teacher2 = await join(b, teacher.session);
    expect(teacher2.r.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    const breakouts = await teacher2.c.waitForEvent((e) => Boolean(e.breakoutsChanged));
    expect(breakouts.breakoutsChanged?.open).toBe(true);
    expect(breakouts.breakoutsChanged?.breakouts?.map((x) => x.name)).toEqual(['Group 1', 'Group 2']);
    expect(breakouts.breakoutsChanged?.endsAt).toBeGreaterThan(Date.now());

    const anna2 = await join(b, annaHand);
    expect(anna2.r.join?.self?.handRaisedAt).toBeGreaterThan(0);
    expect(anna2.r.join?.self?.microphoneBlocked).toBe(true);
    expect(anna2.r.join?.self?.location).toBe('b2');
    const boris2 = await join(b, boris.session);
    expect(boris2.r.join?.self?.role).toBe(pb.Role.ROLE_CO_HOST);
    const parent2 = await join(b, parent.session);
    expect(parent2.r.join?.waiting).toBe(false);
    const stranger2 = await join(b, await token('Stranger', 'guest'));
    expect(stranger2.r.error?.code).toBe(pb.ErrorCode.ERROR_CODE_BANNED);
  });
});
