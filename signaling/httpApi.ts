// HTTP routes: the admin API (rooms, tokens), health, metrics, the web
// client's pages, and the demo room's self-service tokens when enabled.
import type uWS from 'uWebSockets.js';
import type { AdminAuth } from './adminAuth.js';
import { clientAddress } from './clientAddress.js';
import { HttpError, type Reply, readJson, send, sendJson, track } from './httpUtil.js';
import { normalizeCode, passwordMatches } from './joinCodes.js';
import type { Logger } from './log.js';
import {
  type Meeting,
  type MeetingBook,
  invitationText,
  isValidTimeZone,
  occurrences,
  parseLocal,
} from './meetings.js';
import type { Metrics } from './metrics.js';
import { SlidingWindowLimiter } from './rateLimiter.js';
import { isRoleName } from './roles.js';
import type { Room, RoomSettings } from './room.js';
import { InvalidRoomIdError, RoomExistsError, type RoomRegistry } from './roomRegistry.js';
import type { RoomService } from './roomService.js';
import type { StaticFiles } from './staticFiles.js';
import { MAX_TOKEN_TTL_SECONDS, type TokenService } from './tokens.js';

export interface HttpApiDeps {
  registry: RoomRegistry;
  rooms: RoomService;
  tokens: TokenService;
  auth: AdminAuth;
  metrics: Metrics;
  staticFiles: StaticFiles;
  log: Logger;
  publicUrl: string;
  demoRoomId: string | null;
  trustProxy: boolean;
  meetings: MeetingBook;
  /** Hosts of this deployment (from Redis), least loaded first. */
  listHosts: () => Promise<unknown[]>;
  /** Multi-host: a room was deleted here; its home host ends the call. */
  roomDeleted: (roomId: string) => void;
  health: () => Record<string, unknown>;
}

const DEFAULT_TOKEN_TTL_SECONDS = 12 * 3600;
const GUEST_TOKEN_TTL_SECONDS = 4 * 3600;
const PASSWORD_FAILURES_PER_CODE = 10;
const PASSWORD_FAILURES_PER_ADDRESS = 20;
const PASSWORD_WINDOW_MS = 10 * 60_000;
const DEMO_TOKENS_PER_MINUTE = 20;

function roomJson(room: Room, publicUrl: string) {
  const d = room.definition;
  return {
    id: d.id,
    title: d.title,
    createdAt: d.createdAt.toISOString(),
    maxParticipants: d.maxParticipants,
    participants: room.peers.size,
    waiting: room.waiting.size,
    code: d.code,
    password: d.password,
    shortLink: `${publicUrl}/j/${d.code}`,
    settings: room.settings,
  };
}

const WAITING_MODES = ['off', 'guests', 'everyone'] as const;

function parseSettings(value: unknown): Partial<RoomSettings> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'settings must be an object');
  }
  const v = value as Record<string, unknown>;
  const out: Partial<RoomSettings> = {};
  if (v.waitingRoom !== undefined) {
    if (!WAITING_MODES.includes(v.waitingRoom as never)) {
      throw new HttpError(400, 'settings.waitingRoom must be off, guests or everyone');
    }
    out.waitingRoom = v.waitingRoom as RoomSettings['waitingRoom'];
  }
  for (const key of ['locked', 'guestsAllowed', 'selfUnmuteAllowed', 'participantsMayShareScreen'] as const) {
    if (v[key] === undefined) continue;
    if (typeof v[key] !== 'boolean') throw new HttpError(400, `settings.${key} must be true or false`);
    out[key] = v[key] as boolean;
  }
  const shares = optionalInt(v, 'maxScreenShares', 0, 16);
  if (shares !== undefined) out.maxScreenShares = shares;
  return out;
}

function optionalString(body: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw new HttpError(400, `${key} must be a string of 1-${max} characters`);
  }
  return v;
}

function optionalInt(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new HttpError(400, `${key} must be an integer from ${min} to ${max}`);
  }
  return v;
}

export function registerHttpRoutes(app: uWS.TemplatedApp, deps: HttpApiDeps): void {
  const { registry, rooms, tokens, auth, metrics, staticFiles, log } = deps;
  const { meetings } = deps;

  /** Ends a room's call (on its home too, when that is another host) and deletes it. */
  const deleteRoom = async (room: Room): Promise<void> => {
    rooms.closeRoom(room);
    await registry.removeStored(room.id);
    deps.roomDeleted(room.id);
  };

  /** Wraps a handler: reads headers synchronously, then runs the async part with error mapping. */
  const route = (
    method: 'get' | 'post' | 'del',
    pattern: string,
    name: string,
    opts: { admin: boolean },
    handler: (reply: Reply, params: string[], req: { ip: string }) => Promise<void> | void,
  ) => {
    app[method](pattern, (res, req) => {
      const reply = track(res);
      const params: string[] = [];
      for (let i = 0; i < 4; i++) params.push(req.getParameter(i) ?? '');
      const authorization = req.getHeader('authorization');
      const ip = clientAddress(res, req, deps.trustProxy);
      const finish = (status: number, body: unknown) => {
        metrics.httpRequests.inc({ route: name, status: `${Math.floor(status / 100)}xx` });
        sendJson(reply, status, body);
      };
      if (opts.admin && !auth.check(authorization)) {
        finish(401, { error: 'admin secret required' });
        return;
      }
      Promise.resolve()
        .then(() => handler(reply, params, { ip }))
        .then(() => metrics.httpRequests.inc({ route: name, status: '2xx' }))
        .catch((err) => {
          if (err instanceof HttpError) finish(err.status, { error: err.message });
          else {
            log.error({ route: name, err: String(err) }, 'http handler failed');
            finish(500, { error: 'internal error' });
          }
        });
    });
  };

  route('get', '/healthz', 'healthz', { admin: false }, (reply) => sendJson(reply, 200, deps.health()));

  route('get', '/metrics', 'metrics', { admin: false }, async (reply) => {
    const body = await metrics.registry.metrics();
    send(reply, 200, body, { 'content-type': metrics.registry.contentType });
  });

  route('post', '/api/rooms', 'create_room', { admin: true }, async (reply) => {
    const body = await readJson(reply.res);
    const id = optionalString(body, 'id', 64);
    const title = optionalString(body, 'title', 200);
    const maxParticipants = optionalInt(body, 'maxParticipants', 1, 100000);
    const settings = parseSettings(body.settings);
    let room: Room;
    try {
      room = await registry.createStored({ id, title, maxParticipants, settings });
    } catch (err) {
      if (err instanceof RoomExistsError) throw new HttpError(409, err.message);
      if (err instanceof InvalidRoomIdError) throw new HttpError(400, err.message);
      throw err;
    }
    log.info({ room: room.id, title: room.definition.title }, 'room created');
    sendJson(reply, 201, roomJson(room, deps.publicUrl));
  });

  route('get', '/api/hosts', 'list_hosts', { admin: true }, async (reply) => {
    sendJson(reply, 200, { hosts: await deps.listHosts() });
  });

  route('get', '/api/rooms', 'list_rooms', { admin: true }, (reply) => {
    sendJson(reply, 200, { rooms: [...registry.all()].map((r) => roomJson(r, deps.publicUrl)) });
  });

  route('get', '/api/rooms/:id', 'get_room', { admin: true }, async (reply, [id]) => {
    const room = await registry.find(id ?? '');
    if (!room) throw new HttpError(404, 'room not found');
    sendJson(reply, 200, roomJson(room, deps.publicUrl));
  });

  route('del', '/api/rooms/:id', 'delete_room', { admin: true }, async (reply, [id]) => {
    const room = await registry.find(id ?? '');
    if (!room) throw new HttpError(404, 'room not found');
    await deleteRoom(room);
    log.info({ room: room.id }, 'room deleted');
    sendJson(reply, 200, { deleted: room.id });
  });

  const mintFor = async (room: Room, body: Record<string, unknown>, role: string) => {
    const displayName = optionalString(body, 'displayName', 128);
    if (!displayName) throw new HttpError(400, 'displayName is required');
    if (!isRoleName(role)) throw new HttpError(400, 'role must be host, co-host, participant or guest');
    const userId = optionalString(body, 'userId', 128) ?? `guest-${crypto.randomUUID()}`;
    const ttl = optionalInt(body, 'ttlSeconds', 60, MAX_TOKEN_TTL_SECONDS) ?? DEFAULT_TOKEN_TTL_SECONDS;
    const sortName = optionalString(body, 'sortName', 128);
    const { token, expiresAt } = await tokens.mint(
      { userId, displayName, role, roomId: room.id, sortName },
      ttl,
    );
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      userId,
      role,
      joinUrl: `${deps.publicUrl}/room/${encodeURIComponent(room.id)}#token=${token}`,
    };
  };

  route('post', '/api/rooms/:id/tokens', 'mint_token', { admin: true }, async (reply, [id]) => {
    const body = await readJson(reply.res);
    const room = await registry.find(id ?? '');
    if (!room) throw new HttpError(404, 'room not found');
    const role = body.role === undefined ? 'participant' : body.role;
    sendJson(reply, 201, await mintFor(room, body, String(role)));
  });

  // Scheduled meetings: each has its own room; the answer carries the invitation.
  const meetingJson = (m: Meeting) => {
    const room = registry.get(m.roomId);
    const join = room
      ? {
          shortLink: `${deps.publicUrl}/j/${room.definition.code}`,
          code: room.definition.code,
          password: room.definition.password,
        }
      : { shortLink: '', code: '', password: '' };
    return {
      id: m.id,
      roomId: m.roomId,
      title: m.title,
      startsAtLocal: m.startsAtLocal,
      timeZone: m.timeZone,
      durationMinutes: m.durationMinutes,
      weeklyCount: m.weeklyCount,
      occurrences: occurrences(m).map((d) => d.toISOString()),
      ...join,
      invitation: invitationText(m, join),
    };
  };

  route('post', '/api/meetings', 'create_meeting', { admin: true }, async (reply) => {
    const body = await readJson(reply.res);
    const title = optionalString(body, 'title', 200);
    if (!title) throw new HttpError(400, 'title is required');
    const startsAtLocal = optionalString(body, 'startsAt', 16) ?? '';
    if (!parseLocal(startsAtLocal))
      throw new HttpError(400, 'startsAt must be a local time like 2026-12-01T09:00');
    const timeZone = optionalString(body, 'timeZone', 64) ?? '';
    if (!isValidTimeZone(timeZone))
      throw new HttpError(400, 'timeZone must be an IANA zone like Europe/Moscow');
    const durationMinutes = optionalInt(body, 'durationMinutes', 5, 24 * 60);
    if (durationMinutes === undefined) throw new HttpError(400, 'durationMinutes is required');
    let weeklyCount = 1;
    if (body.recurrence !== undefined) {
      const r = body.recurrence as Record<string, unknown>;
      if (typeof r !== 'object' || r === null || r.weekly !== true) {
        throw new HttpError(400, 'recurrence must be {"weekly": true, "count": N}');
      }
      weeklyCount = optionalInt(r, 'count', 1, 52) ?? 52;
    }
    const input = { title, startsAtLocal, durationMinutes, timeZone, weeklyCount };
    const [first] = occurrences(input);
    if (!first || first.getTime() + durationMinutes * 60_000 < Date.now()) {
      throw new HttpError(400, 'the meeting would be over already');
    }
    const room = await registry.createStored({ title, settings: parseSettings(body.settings) });
    const meeting: Meeting = { ...input, id: room.id, roomId: room.id, createdAt: new Date() };
    await meetings.add(meeting);
    log.info({ meeting: meeting.id, startsAt: first.toISOString(), weeklyCount }, 'meeting scheduled');
    sendJson(reply, 201, meetingJson(meeting));
  });

  route('get', '/api/meetings', 'list_meetings', { admin: true }, (reply) => {
    sendJson(reply, 200, { meetings: meetings.all().map(meetingJson) });
  });

  route('get', '/api/meetings/:id', 'get_meeting', { admin: true }, (reply, [id]) => {
    const m = meetings.get(id ?? '');
    if (!m) throw new HttpError(404, 'meeting not found');
    sendJson(reply, 200, meetingJson(m));
  });

  route('del', '/api/meetings/:id', 'delete_meeting', { admin: true }, async (reply, [id]) => {
    const m = meetings.get(id ?? '');
    if (!m) throw new HttpError(404, 'meeting not found');
    await meetings.delete(m.id);
    const room = await registry.find(m.roomId);
    if (room) await deleteRoom(room);
    sendJson(reply, 200, { deleted: m.id });
  });

  // Joining by short code and password: a guest token, with wrong passwords
  // limited per code and per address. Unknown codes and wrong passwords get
  // the same answer, so the reply does not tell whether a code exists.
  const failuresPerCode = new SlidingWindowLimiter(PASSWORD_FAILURES_PER_CODE, PASSWORD_WINDOW_MS);
  const failuresPerAddress = new SlidingWindowLimiter(PASSWORD_FAILURES_PER_ADDRESS, PASSWORD_WINDOW_MS);
  route('post', '/api/join/:code', 'join_by_code', { admin: false }, async (reply, [typedCode], { ip }) => {
    const body = await readJson(reply.res, 4096);
    const code = normalizeCode(decodeURIComponent(typedCode ?? '')) ?? 'invalid';
    if (failuresPerCode.isLimited(code) || failuresPerAddress.isLimited(ip)) {
      throw new HttpError(429, 'too many wrong attempts; try again in a few minutes');
    }
    const password = typeof body.password === 'string' ? body.password : '';
    const room = await registry.findByCode(code);
    const ok =
      passwordMatches(room?.definition.password ?? 'no-such-room-password', password) && Boolean(room);
    if (!room || !ok) {
      failuresPerCode.record(code);
      failuresPerAddress.record(ip);
      metrics.rejected.inc({ reason: 'wrong_password' });
      throw new HttpError(401, 'wrong code or password');
    }
    const minted = await mintFor(
      room,
      { displayName: body.displayName, ttlSeconds: GUEST_TOKEN_TTL_SECONDS },
      'guest',
    );
    log.info({ room: room.id, user: minted.userId }, 'guest joined by code');
    sendJson(reply, 201, { ...minted, roomId: room.id, title: room.definition.title });
  });

  // Demo room: anyone may take a participant token, rate-limited per address.
  const demoLimiter = new SlidingWindowLimiter(DEMO_TOKENS_PER_MINUTE, 60_000);
  route('post', '/api/demo/token', 'demo_token', { admin: false }, async (reply, _p, { ip }) => {
    const body = await readJson(reply.res);
    const room = deps.demoRoomId ? registry.get(deps.demoRoomId) : undefined;
    if (!room) throw new HttpError(404, 'no demo room on this server');
    if (demoLimiter.isLimited(ip)) throw new HttpError(429, 'too many requests; wait a minute');
    demoLimiter.record(ip);
    // The first person in an empty demo room runs it.
    const role = room.peers.size === 0 ? 'host' : 'participant';
    sendJson(reply, 201, await mintFor(room, { displayName: body.displayName }, role));
  });

  const page = (name: string) => (reply: Reply) => {
    const file = staticFiles.get(name);
    if (!file) throw new HttpError(404, 'web client is not built; run npm run build');
    send(reply, 200, file.body, { 'content-type': file.type, 'cache-control': 'no-cache' });
  };
  route('get', '/room/:id', 'room_page', { admin: false }, page('/index.html'));
  route('get', '/j/:code', 'join_page', { admin: false }, page('/join.html'));
  route('get', '/demo', 'demo_page', { admin: false }, (reply) => {
    if (!deps.demoRoomId) throw new HttpError(404, 'no demo room on this server');
    page('/demo.html')(reply);
  });
  route('get', '/', 'home', { admin: false }, page('/home.html'));
  app.get('/static/*', (res, req) => {
    const file = staticFiles.get(req.getUrl().slice('/static'.length));
    const reply = track(res);
    if (!file) {
      metrics.httpRequests.inc({ route: 'static', status: '4xx' });
      sendJson(reply, 404, { error: 'not found' });
      return;
    }
    send(reply, 200, file.body, { 'content-type': file.type, 'cache-control': 'no-cache' });
  });

  app.any('/*', (res) => {
    const reply = track(res);
    metrics.httpRequests.inc({ route: 'unknown', status: '4xx' });
    sendJson(reply, 404, { error: 'not found' });
  });
}
