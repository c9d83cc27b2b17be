// #21 report 8: a broadcast viewer's comment POST from another site's page was
// accepted. Every state-changing HTTP entry now goes through the router's one
// check (signaling/http/sameSite.ts): the comments, the admin API, joining by
// code, the viewer password under /b/ and tus uploads. A page of another site
// gets 403 `csrf` and changes nothing; this site's pages, and servers or
// scripts that send no Origin (the admin secret, bearer tokens), go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, cpb, startChatServer } from '../helpers/chatServer.js';
import { TestClient } from '../helpers/protocolClient.js';
import { redisAvailable } from '../helpers/redis.js';
import { createRoomWithToken } from '../helpers/testServer.js';

let s: ChatTestServer;
let host: TestClient;
let code: string;
const ROOM = 'xs-room';
const EVIL = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
const EVIL_ORIGIN_ONLY = { origin: 'https://evil.example' };
const EVIL_SITE_ONLY = { 'sec-fetch-site': 'same-site' };

beforeAll(async () => {
  s = await startChatServer();
  const [h] = await createRoomWithToken(s.server, ROOM, [
    { displayName: 'Нина Орлова', role: 'host', userId: 'xs-teacher' },
  ]);
  host = await TestClient.connect(s.server.wsUrl);
  await host.request({ join: { roomId: ROOM, token: h!.token } });
  await host.request({ chatSettings: { settings: { comments: cpb.CommentsMode.COMMENTS_MODE_ON } } });
  code = (await host.request({ startBroadcast: { viewerPassword: '' } })).broadcast!.code!;
}, 120_000);

afterAll(async () => {
  host?.close();
  await s?.stop();
});

const post = (headers: Record<string, string>, text: string) =>
  fetch(`${s.httpUrl}/api/rooms/${ROOM}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name: 'Зритель', text }),
  });
const texts = async () =>
  (
    (await (await fetch(`${s.httpUrl}/api/rooms/${ROOM}/comments`)).json()) as {
      comments: { text: string }[];
    }
  ).comments.map((c) => c.text);

describe.skipIf(!redisAvailable())('state changes from another site', () => {
  it("refuse a viewer's comment with a typed error, counted, storing nothing; this site's page posts", async () => {
    const before = await s.rejected('comment_cross_site');
    for (const headers of [EVIL, EVIL_ORIGIN_ONLY, EVIL_SITE_ONLY, { origin: 'null' }]) {
      const res = await post(headers, `чужой ${JSON.stringify(headers)}`);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { error: string }).error).toBe('csrf');
    }
    expect(await s.rejected('comment_cross_site')).toBe(before + 4);
    expect(await texts()).toEqual([]);
    const own = await post({ origin: s.httpUrl, 'sec-fetch-site': 'same-origin' }, 'свой');
    expect(own.status).toBe(201);
    // A request that says nothing of its site (a script, a server) goes on as before.
    expect((await post({}, 'без источника')).status).toBe(201);
    expect(await texts()).toEqual(['свой', 'без источника']);
  });

  it('refuse the twins: the admin API, joining by code, the viewer password, uploads', async () => {
    const created = await fetch(`${s.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: { ...s.adminHeaders, ...EVIL },
      body: JSON.stringify({ id: 'xs-other', title: 'Чужая' }),
    });
    expect(created.status).toBe(403);
    expect(((await created.json()) as { error: string }).error).toBe('csrf');
    const deleted = await fetch(`${s.httpUrl}/api/rooms/${ROOM}`, {
      method: 'DELETE',
      headers: { ...s.adminHeaders, ...EVIL_ORIGIN_ONLY },
    });
    expect(deleted.status).toBe(403);
    const list = (await (await fetch(`${s.httpUrl}/api/rooms`, { headers: s.adminHeaders })).json()) as {
      rooms?: { id: string }[];
    };
    expect(JSON.stringify(list)).toContain(ROOM);
    expect(JSON.stringify(list)).not.toContain('xs-other');

    const join = await fetch(`${s.httpUrl}/api/join/000000`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...EVIL },
      body: JSON.stringify({ displayName: 'Гость', password: 'x' }),
    });
    expect(join.status).toBe(403);

    const auth = await fetch(`${s.httpUrl}/b/${code}/auth`, {
      method: 'POST',
      headers: EVIL,
      body: JSON.stringify({ password: 'x' }),
    });
    expect(auth.status).toBe(403);
    expect(((await auth.json()) as { error: string }).error).toBe('csrf');

    const token = await s.token({ userId: 'xs-uploader', displayName: 'Олег Белов' });
    const upload = await fetch(`${s.httpUrl}/api/chat/uploads`, {
      method: 'POST',
      headers: {
        ...EVIL,
        authorization: `Bearer ${token}`,
        'tus-resumable': '1.0.0',
        'upload-length': '5',
      },
    });
    expect(upload.status).toBe(403);
    expect(await s.rejected('upload_cross_site')).toBe(1);
    // The admin API with its secret and no Origin goes on.
    const ok = await fetch(`${s.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ id: 'xs-own', title: 'Своя' }),
    });
    expect(ok.status).toBe(201);
  });
});
