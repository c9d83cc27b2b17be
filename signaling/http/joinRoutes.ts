// Joining without an account: a guest token for a short code and password
// (wrong passwords limited per code and per address; unknown codes and wrong
// passwords get the same answer, so the reply does not tell whether a code
// exists), and self-service tokens for the demo room.
import type { Logger } from '../../common/log.js';
import { normalizeCode, passwordMatches } from '../domain/joinCodes.js';
import type { RoomRegistry } from '../domain/roomRegistry.js';
import type { Metrics } from '../metrics.js';
import { SlidingWindowLimiter } from '../rateLimiter.js';
import { HttpError, readJson, sendJson } from './httpUtil.js';
import type { JoinTokens } from './joinTokens.js';
import type { HttpRouter } from './router.js';

const GUEST_TOKEN_TTL_SECONDS = 4 * 3600;
const PASSWORD_FAILURES_PER_CODE = 10;
const PASSWORD_FAILURES_PER_ADDRESS = 20;
const PASSWORD_WINDOW_MS = 10 * 60_000;
const DEMO_TOKENS_PER_MINUTE = 20;

export interface JoinRoutesDeps {
  registry: RoomRegistry;
  joinTokens: JoinTokens;
  metrics: Metrics;
  log: Logger;
  demoRoomId: string | null;
}

export function registerJoinRoutes(router: HttpRouter, deps: JoinRoutesDeps): void {
  const { registry, joinTokens, metrics, log } = deps;
  const open = { admin: false };

  const failuresPerCode = new SlidingWindowLimiter(PASSWORD_FAILURES_PER_CODE, PASSWORD_WINDOW_MS);
  const failuresPerAddress = new SlidingWindowLimiter(PASSWORD_FAILURES_PER_ADDRESS, PASSWORD_WINDOW_MS);
  router.route(
    'post',
    '/api/join/:code',
    'join_by_code',
    open,
    async (reply, { params: [typedCode], ip }) => {
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
      const minted = await joinTokens.mint(
        room,
        { displayName: body.displayName, ttlSeconds: GUEST_TOKEN_TTL_SECONDS },
        'guest',
      );
      log.info({ room: room.id, user: minted.userId }, 'guest joined by code');
      sendJson(reply, 201, { ...minted, roomId: room.id, title: room.definition.title });
    },
  );

  // Demo room: anyone may take a participant token, rate-limited per address.
  const demoLimiter = new SlidingWindowLimiter(DEMO_TOKENS_PER_MINUTE, 60_000);
  router.route('post', '/api/demo/token', 'demo_token', open, async (reply, { ip }) => {
    const body = await readJson(reply.res);
    const room = deps.demoRoomId ? registry.get(deps.demoRoomId) : undefined;
    if (!room) throw new HttpError(404, 'no demo room on this server');
    if (demoLimiter.isLimited(ip)) throw new HttpError(429, 'too many requests; wait a minute');
    demoLimiter.record(ip);
    // The first person in an empty demo room runs it.
    const role = room.peers.size === 0 ? 'host' : 'participant';
    sendJson(reply, 201, await joinTokens.mint(room, { displayName: body.displayName }, role));
  });
}
