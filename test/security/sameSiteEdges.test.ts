// Attack report 9 (#21), item 1: the edges of the router's one cross-site
// check (signaling/http/sameSite.ts). A page of another site may not change
// anything by POST, PUT, PATCH or DELETE, whatever way its browser (or a
// forger) spells where it comes from: `Origin: null` (a sandboxed frame, a
// data: page), `Sec-Fetch-Site: cross-site` without an Origin, an Origin
// that differs from this site's only in port or in scheme, header names in
// mixed case (sent raw, as a forger would), and a mixed-case origin. No GET
// route changes anything (each was read; the one that does a sign-in, the
// SSO callback, is bound to its own state cookie), and a GET to a changing
// route does not reach its handler.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { redisAvailable } from '../helpers/redis.js';

let s: ChatTestServer;
let port: number;
const ROOM = 'ss-room';

beforeAll(async () => {
  s = await startChatServer();
  port = Number(new URL(s.httpUrl).port);
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

/** A request with header names exactly as given (node:http keeps their case on the wire). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const rooms = async () =>
  (
    (await (await fetch(`${s.httpUrl}/api/rooms`, { headers: s.adminHeaders })).json()) as {
      rooms: { id: string }[];
    }
  ).rooms
    .map((r) => r.id)
    .sort();
const admin = (extra: Record<string, string>): Record<string, string> => ({
  Authorization: s.adminHeaders.authorization!,
  ...extra,
});

describe.skipIf(!redisAvailable())("the cross-site check's edges", () => {
  it('refuses every spelling of another site, for every changing method', async () => {
    const created = await fetch(`${s.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({ id: ROOM, title: 'Своя' }),
    });
    expect(created.status).toBe(201);
    const other = (scheme: string, p: number) => `${scheme}://127.0.0.1:${p}`;
    const spellings: Record<string, string>[] = [
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { Origin: other('http', port + 1) },
      { Origin: other('https', port) },
      { Origin: `${s.httpUrl}.evil.example` },
      { ORIGIN: 'https://evil.example' },
      { 'sEC-fETCH-sITE': 'cross-site' },
      { 'Sec-Fetch-Site': 'Cross-Site' },
      { Origin: s.httpUrl.toUpperCase() },
      // This site's Origin does not vouch for a request its browser calls cross-site.
      { Origin: s.httpUrl, 'Sec-Fetch-Site': 'cross-site' },
    ];
    const json = { 'Content-Type': 'application/json' };
    for (const h of spellings) {
      const label = JSON.stringify(h);
      const post = await raw(
        'POST',
        '/api/rooms',
        admin({ ...json, ...h }),
        JSON.stringify({ id: 'ss-evil' }),
      );
      expect(post.status, `POST ${label}`).toBe(403);
      expect(JSON.parse(post.body).error, label).toBe('csrf');
      const put = await raw(
        'PUT',
        `/api/regions/${encodeURIComponent('рег-зло')}`,
        admin({ ...json, ...h }),
        JSON.stringify({ name: 'Злой', schools: [], admins: [] }),
      );
      expect(put.status, `PUT ${label}`).toBe(403);
      const del = await raw('DELETE', `/api/rooms/${ROOM}`, admin(h));
      expect(del.status, `DELETE ${label}`).toBe(403);
      const comment = await raw(
        'POST',
        `/api/rooms/${ROOM}/comments`,
        { ...json, ...h },
        JSON.stringify({ name: 'Зритель', text: 'чужой' }),
      );
      expect(comment.status, `comment ${label}`).toBe(403);
    }
    expect(await rooms()).toEqual([ROOM]);
    // This site's own page, spelled in any header case, goes on.
    const own = await raw(
      'POST',
      '/api/rooms',
      admin({ ...json, ORIGIN: s.httpUrl, 'SEC-FETCH-SITE': 'same-origin' }),
      JSON.stringify({ id: 'ss-own', title: 'Своя' }),
    );
    expect(own.status).toBe(201);
    expect(await rooms()).toEqual(['ss-own', ROOM].sort());
  });

  it('a GET does not reach a changing route, and a PATCH is no way around the check', async () => {
    // GET and HEAD on changing routes: not the route (nothing created, nothing deleted).
    for (const path of ['/api/rooms/ss-get/delete', `/api/rooms/${ROOM}/comments?text=x&name=y`]) {
      const r = await raw(
        'GET',
        path,
        admin({ Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }),
      );
      expect([201, 204], path).not.toContain(r.status);
    }
    const list = (await (await fetch(`${s.httpUrl}/api/rooms/${ROOM}/comments`)).json()) as {
      comments?: unknown[];
    };
    expect(list.comments ?? []).toEqual([]);
    const patch = await raw(
      'PATCH',
      `/api/rooms/${ROOM}`,
      admin({ 'Content-Type': 'application/json', Origin: 'https://evil.example' }),
      '{}',
    );
    expect([403, 404, 405]).toContain(patch.status);
    expect(await rooms()).toContain(ROOM);
  });
});
