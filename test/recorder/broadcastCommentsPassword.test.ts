// Viewers' comments of a broadcast with a viewer password (#24 incall's note):
// the comment routes (/api/rooms/:id/comments) answered anyone who knew the
// room's id, so the password kept the video but not the comments. Now they
// ask the broadcast's own proof (the cookie /b/<code>/auth sets) wherever a
// broadcast of the room has a password; a broadcast without one stays open.
// #21 report 5: comments belong to their broadcast (an earlier password
// audience's never reach a later, open one), are posted only while it is
// live, and a viewer may not comment under the teacher's name, nor (report
// 7) under the name of a host who left while the broadcast goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { cpb } from '../helpers/chatServer.js';
import { TestClient } from '../helpers/protocolClient.js';
import { redisAvailable } from '../helpers/redis.js';
import { createRoomWithToken } from '../helpers/testServer.js';

let s: ChatTestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  s = await startChatServer();
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await s?.stop();
});

async function hostOf(roomId: string, displayName = 'Учитель'): Promise<TestClient> {
  const [h] = await createRoomWithToken(s.server, roomId, [
    { displayName, role: 'host', userId: `${roomId}-teacher` },
  ]);
  const host = await TestClient.connect(s.server.wsUrl);
  clients.push(host);
  await host.request({ join: { roomId, token: h!.token } });
  return host;
}

async function broadcast(roomId: string, viewerPassword: string, host?: TestClient): Promise<string> {
  const started = await (host ?? (await hostOf(roomId))).request({ startBroadcast: { viewerPassword } });
  return started.broadcast!.code!;
}

async function viewerCookie(code: string, password: string): Promise<string> {
  const right = await fetch(`${s.httpUrl}/b/${code}/auth`, {
    method: 'POST',
    body: JSON.stringify({ password }),
  });
  expect(right.status).toBe(204);
  return (right.headers.get('set-cookie') ?? '').split(';')[0]!;
}

const comments = (roomId: string, cookie?: string) =>
  fetch(`${s.httpUrl}/api/rooms/${roomId}/comments`, { headers: cookie ? { cookie } : {} });
const post = (roomId: string, cookie?: string, text = 'Здравствуйте', name = 'Зритель') =>
  fetch(`${s.httpUrl}/api/rooms/${roomId}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ name, text }),
  });
const texts = async (roomId: string, cookie?: string) => {
  const res = await comments(roomId, cookie);
  expect(res.status).toBe(200);
  return ((await res.json()) as { comments: { text: string }[] }).comments.map((c) => c.text);
};
const commentsOn = (host: TestClient) =>
  host.request({ chatSettings: { settings: { comments: cpb.CommentsMode.COMMENTS_MODE_ON } } });

describe.skipIf(!redisAvailable())('comments of a broadcast with a viewer password', () => {
  it('the password body goes through the one JSON body parser: not an object, or a control character, is 400 (report 7 item 5)', async () => {
    const host = await hostOf('cm-body');
    const code = await broadcast('cm-body', 'Secret-77', host);
    for (const body of ['["Secret-77"]', '"Secret-77"', '{"password":"Secret-77\\u0000"}', 'not json']) {
      const res = await fetch(`${s.httpUrl}/b/${code}/auth`, { method: 'POST', body });
      expect(res.status, body).toBe(400);
    }
    expect(
      (await fetch(`${s.httpUrl}/b/${code}/auth`, { method: 'POST', body: '{"password":"Secret-77"}' }))
        .status,
    ).toBe(204);
    // A broadcast holds one of the server's recording places: given back for the tests after this one.
    await host.request({ stopBroadcast: {} });
  });

  it('are read and posted only after the password', async () => {
    const code = await broadcast('cm-locked', 'Secret-42');
    const before = await s.rejected('comment_password');
    expect((await comments('cm-locked')).status).toBe(401);
    expect((await post('cm-locked')).status).toBe(401);
    expect(await s.rejected('comment_password')).toBe(before + 2);

    const right = await fetch(`${s.httpUrl}/b/${code}/auth`, {
      method: 'POST',
      body: '{"password":"Secret-42"}',
    });
    expect(right.status).toBe(204);
    const setCookie = right.headers.get('set-cookie') ?? '';
    // Sent with the comment requests too, not only under /b/<code>.
    expect(setCookie).toMatch(/Path=\/;/);
    const cookie = setCookie.split(';')[0]!;
    const listed = await comments('cm-locked', cookie);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ comments: [] });
    // A wrong proof is no proof.
    expect((await comments('cm-locked', `b_${code}=forged`)).status).toBe(401);
  });

  it("are nobody's before the room's broadcast, and the next broadcast's password replaces the last one's", async () => {
    const host = await hostOf('cm-next');
    // No broadcast yet: nobody reads or posts (report 4 of #21: comments turned on early were open).
    expect((await comments('cm-next')).status).toBe(401);
    expect((await post('cm-next')).status).toBe(401);
    const first = await broadcast('cm-next', 'First-4242', host);
    const firstCookie = await viewerCookie(first, 'First-4242');
    expect((await comments('cm-next', firstCookie)).status).toBe(200);
    await host.request({ stopBroadcast: {} });
    const second = await broadcast('cm-next', 'Second-4242', host);
    expect(second).not.toBe(first);
    // The first broadcast's viewer may not read or post under the second.
    expect((await comments('cm-next', firstCookie)).status).toBe(401);
    expect((await post('cm-next', firstCookie)).status).toBe(401);
    expect((await comments('cm-next', await viewerCookie(second, 'Second-4242'))).status).toBe(200);
  });

  it('stay open for a broadcast without a password', async () => {
    await broadcast('cm-open', '');
    expect((await comments('cm-open')).status).toBe(200);
  });

  it('belong to their broadcast: a later audience, open or with another password, never sees them', async () => {
    const host = await hostOf('cm-per');
    const first = await broadcast('cm-per', 'pw-G1-secret', host);
    await commentsOn(host);
    const firstCookie = await viewerCookie(first, 'pw-G1-secret');
    expect((await post('cm-per', firstCookie, 'PRIVATE-G1')).status).toBe(201);
    expect(await texts('cm-per', firstCookie)).toEqual(['PRIVATE-G1']);
    await host.request({ stopBroadcast: {} });
    // Ended: its audience still reads it, but nobody posts (report 5 item 3).
    expect(await texts('cm-per', firstCookie)).toEqual(['PRIVATE-G1']);
    const before = await s.rejected('comment_not_live');
    const late = await post('cm-per', firstCookie, 'GAP-POST');
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ reason: 'not_live' });
    expect(await s.rejected('comment_not_live')).toBe(before + 1);
    // The next broadcast is open: its audience sees none of the first one's.
    await broadcast('cm-per', '', host);
    expect(await texts('cm-per')).toEqual([]);
    expect(await texts('cm-per', firstCookie)).toEqual([]);
    expect((await post('cm-per', undefined, 'OPEN-G2')).status).toBe(201);
    expect(await texts('cm-per')).toEqual(['OPEN-G2']);
    await host.request({ stopBroadcast: {} });
    // A third, with another password: neither earlier audience's comments.
    const third = await broadcast('cm-per', 'pw-G3-x', host);
    expect(await texts('cm-per', await viewerCookie(third, 'pw-G3-x'))).toEqual([]);
    await host.request({ stopBroadcast: {} });
  });

  it("refuse a viewer's name that reads as the teacher's (report 5 item 4)", async () => {
    const host = await hostOf('cm-names', 'Иван Иванович Попов');
    await broadcast('cm-names', '', host);
    await commentsOn(host);
    const before = await s.rejected('comment_name_of_another');
    for (const name of ['Иван Иванович Попов', 'Иван Иванович Пoпoв', 'Ivan Ivanovich P0p0v']) {
      const res = await post('cm-names', undefined, 'hi', name);
      expect(res.status, name).toBe(409);
    }
    expect(await s.rejected('comment_name_of_another')).toBe(before + 3);
    const letters = await post('cm-names', undefined, 'hi', 'Иʙаʜ');
    expect(letters.status).toBe(400);
    expect(await letters.json()).toMatchObject({ reason: 'name_letters' });
    expect((await post('cm-names', undefined, 'hi', 'Мама Коли')).status).toBe(201);
    expect(await texts('cm-names')).toEqual(['hi']);
    await host.request({ stopBroadcast: {} });
  });

  it("refuse a viewer's name that reads as a host who left while the broadcast goes on (report 7 item 2)", async () => {
    const roomId = 'cm-gone';
    const [first, second] = await createRoomWithToken(s.server, roomId, [
      { displayName: 'Иван Иванович Попов', role: 'host', userId: `${roomId}-teacher` },
      { displayName: 'Мария Петровна Сидорова', role: 'host', userId: `${roomId}-cohost` },
    ]);
    const host = await TestClient.connect(s.server.wsUrl);
    const stays = await TestClient.connect(s.server.wsUrl);
    clients.push(host, stays);
    const joined = await host.request({ join: { roomId, token: first!.token } });
    await stays.request({ join: { roomId, token: second!.token } });
    await broadcast(roomId, '', host);
    await commentsOn(host);
    await host.request({ leave: {} });
    await stays.waitForLeft(joined.join!.self!.participantId!);
    for (const name of ['Иван Иванович Попов', 'Иван Иванович Пoпoв', 'Иваң Иваңович Попов']) {
      const res = await post(roomId, undefined, 'hi', name);
      expect(res.status, name).toBe(409);
    }
    expect((await post(roomId, undefined, 'hi', 'Мама Коли')).status).toBe(201);
    await stays.request({ stopBroadcast: {} });
  });
});
