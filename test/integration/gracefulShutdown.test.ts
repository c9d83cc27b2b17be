// Fault: a server is stopped with SIGTERM (an update, a reboot) during a
// lesson. With another host on the same Redis, it hands the lesson over:
// everyone is told to rejoin, rejoins through the other host, and finds the
// same call (bans, hands). Alone with Redis (as run.sh and the install run
// it) it drains: no new lesson starts, the people in the running one are told
// when it stops and that the lesson resumes, and once it is started again
// they rejoin the same call. Alone without Redis, it ends the lesson cleanly,
// saying why. Either way the process exits, soon, with status 0.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerUnderTest, startServerProcess } from '../../loadtest/serverProcess.js';
import { TokenService } from '../../signaling/tokens.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { type TestRedis, redisAvailable, startRedis } from '../helpers/redis.js';

let redis: TestRedis;
const servers: ServerUnderTest[] = [];
const clients: TestClient[] = [];
const secrets = {
  ADMIN_SECRET: randomBytes(24).toString('base64url'),
  TOKEN_SECRET: randomBytes(24).toString('base64url'),
};
const tokens = new TokenService(secrets.TOKEN_SECRET, 'school-call');

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.stop('SIGKILL');
  await redis?.stop();
});

async function start(env: Record<string, string>): Promise<ServerUnderTest> {
  const s = await startServerProcess({ ...secrets, MEDIASOUP_WORKERS: '1', ...env });
  servers.push(s);
  return s;
}

async function createRoom(host: ServerUnderTest, id: string): Promise<void> {
  const res = await fetch(`${host.httpUrl}/api/rooms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.adminSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id, settings: { waitingRoom: 'guests' } }),
  });
  expect(res.status).toBe(201);
}

async function join(
  host: ServerUnderTest,
  roomId: string,
  name: string,
  role: 'host' | 'participant' | 'guest',
) {
  const { token } = await tokens.mint({ userId: name, displayName: name, role, roomId }, 3600);
  return joinWith(host, roomId, token);
}

async function joinWith(host: ServerUnderTest, roomId: string, token: string) {
  const c = await TestClient.connect(host.wsUrl);
  clients.push(c);
  const r = await c.rawRequest({ join: { roomId, token } });
  return { c, r, id: r.join?.self?.participantId ?? '', session: r.join?.session?.token ?? '' };
}

/** Sends SIGTERM; resolves with the exit status and how long the process took to exit. */
async function terminate(host: ServerUnderTest): Promise<{ code: number | null; seconds: number }> {
  const started = Date.now();
  const exited = new Promise<number | null>((resolve) => host.process.once('exit', (code) => resolve(code)));
  host.process.kill('SIGTERM');
  const code = await exited;
  return { code, seconds: (Date.now() - started) / 1000 };
}

const closeReason = async (c: TestClient) =>
  (await c.waitForEvent((e) => Boolean(e.sessionClosed), 10_000)).sessionClosed?.reason;

describe.skipIf(!redisAvailable())('SIGTERM during a lesson', () => {
  it('with another host: the lesson is handed over and carries on there', async () => {
    const shared = { REDIS_URL: redis.url, HOST_HEARTBEAT_MS: '300' };
    const [a, b] = await Promise.all([
      start({ ...shared, HOST_ID: 'a' }),
      start({ ...shared, HOST_ID: 'b' }),
    ]);
    await createRoom(a!, 'physics');
    const teacher = await join(a!, 'physics', 'Teacher', 'host');
    const pupil = await join(b!, 'physics', 'Pupil', 'participant');
    const stranger = await join(b!, 'physics', 'Stranger', 'guest');
    await pupil.c.request({ raiseHand: { raised: true } });
    await teacher.c.request({ deny: { participantIds: [stranger.id], ban: true } });

    const stopped = await terminate(a!);
    expect(stopped.code).toBe(0);
    expect(stopped.seconds).toBeLessThan(10);
    expect(await closeReason(teacher.c)).toBe(pb.CloseReason.CLOSE_REASON_HOST_LEAVING);
    expect(await closeReason(pupil.c)).toBe(pb.CloseReason.CLOSE_REASON_HOST_LEAVING);

    // Everyone rejoins through host B (as a load balancer would send them).
    const teacher2 = await joinWith(b!, 'physics', teacher.session);
    expect(teacher2.r.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    const pupil2 = await joinWith(b!, 'physics', pupil.session);
    expect(pupil2.r.join?.self?.handRaisedAt).toBeGreaterThan(0);
    const stranger2 = await join(b!, 'physics', 'Stranger', 'guest');
    expect(stranger2.r.error?.code).toBe(pb.ErrorCode.ERROR_CODE_BANNED);
  });

  it('alone with Redis: it drains, says the lesson resumes, and the lesson carries on after its restart', async () => {
    const env = { REDIS_URL: redis.url, HOST_ID: 'solo', SHUTDOWN_DRAIN_SECONDS: '3' };
    const first = await start(env);
    await createRoom(first, 'biology');
    await createRoom(first, 'music');
    const teacher = await join(first, 'biology', 'Teacher', 'host');
    const pupil = await join(first, 'biology', 'Pupil', 'participant');
    await pupil.c.request({ raiseHand: { raised: true } });

    const started = Date.now();
    const exited = new Promise<number | null>((resolve) =>
      first.process.once('exit', (code) => resolve(code)),
    );
    first.process.kill('SIGTERM');
    const told = (await pupil.c.waitForEvent((e) => Boolean(e.serverStopping), 5000)).serverStopping!;
    expect(told.resumes).toBe(true);
    expect(told.closesAt).toBeGreaterThan(started + 2000);
    expect(told.closesAt).toBeLessThan(started + 4000);
    // Draining: not ready for new people, no new lesson, but the running one goes on.
    const ready = await fetch(`${first.httpUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { draining: boolean }).draining).toBe(true);
    const newcomer = await join(first, 'music', 'Late', 'host');
    expect(newcomer.r.error?.code).toBe(pb.ErrorCode.ERROR_CODE_UNAVAILABLE);
    await teacher.c.request({ raiseHand: { raised: true } });

    expect(await closeReason(pupil.c)).toBe(pb.CloseReason.CLOSE_REASON_HOST_LEAVING);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
    expect(await exited).toBe(0);

    // Its supervisor starts it again on the same port; the pupil comes back to the same call.
    const port = new URL(first.httpUrl).port;
    const second = await start({ ...env, PORT: port });
    const back = await joinWith(second, 'biology', pupil.session);
    expect(back.r.join?.self?.handRaisedAt).toBeGreaterThan(0);
    await second.stop('SIGTERM');
  });

  it('alone with Redis: the drain ends as soon as the last lesson does', async () => {
    const solo = await start({ REDIS_URL: redis.url, HOST_ID: 'solo2', SHUTDOWN_DRAIN_SECONDS: '60' });
    await createRoom(solo, 'art');
    const teacher = await join(solo, 'art', 'Teacher', 'host');
    const started = Date.now();
    const exited = new Promise<number | null>((resolve) =>
      solo.process.once('exit', (code) => resolve(code)),
    );
    solo.process.kill('SIGTERM');
    await teacher.c.waitForEvent((e) => Boolean(e.serverStopping), 5000);
    await teacher.c.request({ leave: {} });
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('alone: the lesson ends cleanly, saying why, and the process exits', async () => {
    const solo = await start({});
    await createRoom(solo, 'chemistry');
    const teacher = await join(solo, 'chemistry', 'Teacher', 'host');
    expect(teacher.r.join?.self).toBeTruthy();
    const stopped = await terminate(solo);
    expect(stopped.code).toBe(0);
    expect(stopped.seconds).toBeLessThan(10);
    expect(await closeReason(teacher.c)).toBe(pb.CloseReason.CLOSE_REASON_SERVER_SHUTDOWN);
  });
});
