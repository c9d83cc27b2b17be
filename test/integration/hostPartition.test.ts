// Fault (#21): a partition between two hosts sharing one Redis. Host B, the
// home of a lesson, reaches Redis through a TCP relay that is frozen
// (SIGSTOP: connections stay open, nothing passes) and later resumed; host A
// reaches Redis directly. Both share one PostgreSQL (the lesson chat).
// While cut, B keeps its own people's lesson (Redis away: what needs it says
// "try again"); A sees B gone and takes the room over for the people on A.
// When the partition heals, B finds the room taken, hands its people over
// (they rejoin through A's home, not "the lesson has ended"), nobody's
// acknowledged chat message is lost, and the lesson is one again.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerUnderTest, startServerProcess } from '../../loadtest/serverProcess.js';
import { TokenService } from '../../signaling/tokens.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';
import { type TcpRelay, startTcpRelay } from '../helpers/tcpRelay.js';
import { databaseFor } from '../helpers/testServer.js';

let redis: TestRedis;
let relay: TcpRelay;
let a: ServerUnderTest;
let b: ServerUnderTest;
let tokens: TokenService;
const clients: TestClient[] = [];
const ROOM = 'partition';

beforeAll(async () => {
  redis = await startRedis();
  relay = await startTcpRelay(Number(new URL(redis.url).port));
  const db = await databaseFor(redis.url);
  const shared = {
    HOST_HEARTBEAT_MS: '300',
    MEDIASOUP_WORKERS: '1',
    DATABASE_URL: db.url,
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
  };
  tokens = new TokenService(shared.TOKEN_SECRET, 'school-call');
  a = await startServerProcess({ ...shared, HOST_ID: 'host-a', REDIS_URL: redis.url });
  b = await startServerProcess({
    ...shared,
    HOST_ID: 'host-b',
    REDIS_URL: `redis://127.0.0.1:${relay.port}`,
  });
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  relay?.heal();
  await a?.stop();
  await b?.stop();
  await relay?.stop();
  await redis?.stop();
});

async function token(userId: string, name: string, role: 'host' | 'participant'): Promise<string> {
  return (await tokens.mint({ userId, displayName: name, role, roomId: ROOM }, 3600)).token;
}

async function join(host: ServerUnderTest, t: string) {
  const c = await TestClient.connect(host.wsUrl);
  clients.push(c);
  const r = await c.rawRequest({ join: { roomId: ROOM, token: t } });
  return { c, r, id: r.join?.self?.participantId ?? '', session: r.join?.session?.token ?? '' };
}

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function hostsSeenBy(host: ServerUnderTest): Promise<string[]> {
  const res = await fetch(`${host.httpUrl}/api/hosts`, {
    headers: { authorization: `Bearer ${host.adminSecret}` },
  });
  return ((await res.json()) as { hosts: { id: string }[] }).hosts.map((h) => h.id);
}

/** Sends a chat line; returns its text if the server acknowledged it (stored), else null. */
async function say(c: TestClient, text: string): Promise<string | null> {
  const r = await c.rawRequest({
    chatSend: { text, clientMessageId: randomBytes(8).toString('hex') },
  });
  if (r.error) console.log(`chat "${text}" refused: ${pb.ErrorCode[r.error.code ?? 0]} ${r.error.message}`);
  return r.error ? null : text;
}

const closeReason = (c: TestClient) => c.events.find((e) => e.sessionClosed)?.sessionClosed?.reason;

describe.skipIf(!redisAvailable())('a partition between two hosts sharing one Redis', () => {
  it('each side goes on, acknowledged messages are kept, nobody is told the lesson ended, and it heals into one lesson', async () => {
    const created = await fetch(`${b.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${b.adminSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: ROOM, settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    const teacherToken = await token('teacher', 'Учитель', 'host');
    const annaToken = await token('anna', 'Аня', 'participant');
    const borisToken = await token('boris', 'Боря', 'participant');
    // The teacher and Anna on B (the lesson's home), Boris through A.
    const teacher = await join(b, teacherToken);
    expect(teacher.r.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    const anna = await join(b, annaToken);
    const boris = await join(a, borisToken);
    expect(boris.r.error).toBeFalsy();
    const redisClient = new Redis(redis.url);
    expect(await redisClient.get(`school-call:room-home:${ROOM}`)).toBe('host-b');

    const acked: string[] = [];
    const keep = (t: string | null) => {
      if (t) acked.push(t);
    };
    keep(await say(teacher.c, 'до разрыва'));
    expect(acked).toEqual(['до разрыва']);

    // The partition: B's Redis connection passes nothing.
    relay.cut();
    await until(async () => !(await hostsSeenBy(a)).includes('host-b'), 'A to see B gone');
    await until(
      async () =>
        ((await (await fetch(`${b.httpUrl}/healthz`)).json()) as { status: string }).status === 'degraded',
      'B to see Redis away',
    );
    // B's lesson goes on for its own people: requests are answered (the chat says "try again").
    const hand = await anna.c.rawRequest({ raiseHand: { raised: true } });
    expect(hand.error).toBeFalsy();
    keep(await say(teacher.c, 'во время разрыва на B'));

    // Boris's way to B went through Redis: he comes back through A, which takes the room over.
    await until(async () => boris.c.closedWith !== null, "Boris's connection through A to end", 30_000);
    const boris2 = await join(a, borisToken);
    expect(boris2.r.error).toBeFalsy();
    keep(await say(boris2.c, 'во время разрыва на A'));
    expect(acked).toContain('во время разрыва на A');

    // The partition heals: B finds the room taken and sends its people to the lesson's new home.
    relay.heal();
    await until(async () => teacher.c.closedWith !== null, 'B to hand its people over', 60_000);
    await until(async () => anna.c.closedWith !== null, 'Anna handed over too', 10_000);
    console.log(
      `partition: teacher told ${pb.CloseReason[closeReason(teacher.c) ?? 0]}, Anna told ${
        pb.CloseReason[closeReason(anna.c) ?? 0]
      }, Boris (via A) told ${pb.CloseReason[closeReason(boris.c) ?? 0]}; acknowledged ${acked.length}`,
    );
    for (const c of [teacher.c, anna.c, boris.c, boris2.c]) {
      expect(closeReason(c)).not.toBe(pb.CloseReason.CLOSE_REASON_CALL_ENDED);
      expect(closeReason(c)).not.toBe(pb.CloseReason.CLOSE_REASON_ROOM_CLOSED);
    }
    expect(boris2.c.closedWith).toBeNull();
    expect(await redisClient.get(`school-call:room-home:${ROOM}`)).toBe('host-a');

    // Everyone rejoins through either host into the one lesson on A, the teacher still its host.
    await until(async () => (await hostsSeenBy(a)).includes('host-b'), 'A to see B again');
    const teacher2 = await join(b, teacher.session || teacherToken);
    expect(teacher2.r.error).toBeFalsy();
    expect(teacher2.r.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    const anna2 = await join(b, anna.session || annaToken);
    expect(anna2.r.error).toBeFalsy();
    const people = await teacher2.c.request({ listParticipants: {} });
    const names = (people.participantPage?.participants ?? []).map((p) => p.displayName).sort();
    expect(names).toEqual(['Аня', 'Боря', 'Учитель']);

    // Every acknowledged message is in the lesson's chat.
    const history = await teacher2.c.request({ chatHistory: {} });
    const texts = (history.chatPage?.messages ?? []).map((m) => m.text);
    for (const t of acked) expect(texts).toContain(t);
    redisClient.disconnect();
  }, 240_000);
});
