// Joining without an account: a guest token for a short code and password,
// and self-service tokens for the demo room. Unknown codes and wrong
// passwords get the same answer in the same time (one store read either
// way), so the reply does not tell whether a code exists. Wrong passwords
// slow the guessing address on that code (security/passwordBackoff.ts);
// guest tokens are limited per address and per code (shared by every host:
// security/sharedLimits.ts), so nobody fills a
// room with made-up guests; guests keep one user id per device
// (security/guestIds.ts), and their tokens name where they were asked from
// (security/guestAdmissions.ts), so a ban sticks without the device key
// too; and a self-chosen name passes the one check of such names
// (security/displayNames.ts through ./guestNames.ts): letters, role words,
// and, once the room is known, its own people's names.
import type { Logger } from '../../common/log.js';
import { normalizeCode, passwordMatches } from '../domain/joinCodes.js';
import type { Room } from '../domain/room.js';
import type { RoomRegistry } from '../domain/roomRegistry.js';
import type { Metrics } from '../metrics.js';
import { admissionOf } from '../security/guestAdmissions.js';
import { guestUserId, isDeviceKey } from '../security/guestIds.js';
import { PasswordBackoff, isRefused } from '../security/passwordBackoff.js';
import { type SharedLimits, retryAfterSeconds } from '../security/sharedLimits.js';
import { checkGuestName } from './guestNames.js';
import { HttpError, sendJson } from './httpUtil.js';
import type { JoinTokens, MintedToken } from './joinTokens.js';
import type { HttpRouter } from './router.js';

const GUEST_TOKEN_TTL_SECONDS = 4 * 3600;
/** Long enough to open the link; the call hands out its own reconnect tokens. */
const DEMO_TOKEN_TTL_SECONDS = 10 * 60;
// Guest tokens one address may take a minute: a family or a classroom at once.
const GUESTS_PER_ADDRESS = { name: 'guests_per_address', limit: 10, windowMs: 60_000 };
// Guest tokens for one code in 30 s: a parents' meeting arriving together.
const GUESTS_PER_CODE = { name: 'guests_per_code', limit: 50, windowMs: 30_000 };
const DEMO_TOKENS = { name: 'demo_tokens', limit: 20, windowMs: 60_000 };
const MAX_TYPED_CODE = 32;
const UNKNOWN_ROOM_PASSWORD = 'no-such-room-password';

export interface JoinRoutesDeps {
  registry: RoomRegistry;
  joinTokens: JoinTokens;
  metrics: Metrics;
  log: Logger;
  demoRoomId: string | null;
  /** Limits shared by every host (security/sharedLimits.ts). */
  limits: SharedLimits;
}

export function registerJoinRoutes(router: HttpRouter, deps: JoinRoutesDeps): void {
  const { registry, metrics, log } = deps;
  const open = { admin: false };
  const small = { admin: false, maxBody: 4096 };
  const backoff = new PasswordBackoff(deps.limits, 'join_code_password');
  const guestsPerAddress = deps.limits.window(GUESTS_PER_ADDRESS);
  const guestsPerCode = deps.limits.window(GUESTS_PER_CODE);

  router.route(
    'post',
    '/api/join/:code',
    'join_by_code',
    small,
    async (reply, { params: [typedCode], ip, json }) => {
      // Checked before the body is read or anything is looked up.
      const code = codeFromPath(typedCode ?? '');
      const body = await json();
      const person = chosenIdentity(body, metrics);
      const password = typeof body.password === 'string' ? body.password : '';
      const turn = await backoff.turn(ip, code);
      if (isRefused(turn)) {
        metrics.rejected.inc({ reason: turn.status === 429 ? 'password_backoff' : 'limits_unavailable' });
        throw turn.status === 429
          ? new HttpError(429, `too many wrong attempts; try again in ${turn.retryAfterSeconds} s`, {
              retryAfterSeconds: turn.retryAfterSeconds,
            })
          : new HttpError(503, 'cannot check passwords now; try again in a moment');
      }
      let room: Room | undefined;
      try {
        room = await registry.findByCodeForGuest(code);
      } catch (err) {
        turn(null);
        throw err;
      }
      const ok = passwordMatches(room?.definition.password ?? UNKNOWN_ROOM_PASSWORD, password) && !!room;
      turn(ok);
      if (!room || !ok) {
        metrics.rejected.inc({ reason: 'wrong_password' });
        throw new HttpError(401, 'wrong code or password');
      }
      // Said here so the page can tell the guest; Membership.join checks it again at the room's home.
      checkGuestName(person.displayName, room.ownPeoplesNames(), counter(metrics));
      const allowed = await guestsPerAddress.take(ip);
      const verdict = allowed.ok ? await guestsPerCode.take(code) : allowed;
      if (!verdict.ok) {
        metrics.rejected.inc({ reason: 'guest_tokens_limited' });
        throw new HttpError(429, 'too many people are joining at once; try again in a minute', {
          retryAfterSeconds: retryAfterSeconds(verdict),
        });
      }
      const minted = await mintGuest(deps, room, person, ip, 'guest', GUEST_TOKEN_TTL_SECONDS);
      log.info({ room: room.id, user: minted.userId }, 'guest joined by code');
      sendJson(reply, 201, { ...minted, roomId: room.id, title: room.definition.title });
    },
  );

  // Demo room: anyone may take a participant token, rate-limited per address;
  // it is hosted only from its owner's link (RunningServer.demoHostLink), never by arriving first.
  const demoTokens = deps.limits.window(DEMO_TOKENS);
  router.route('post', '/api/demo/token', 'demo_token', small, async (reply, { ip, json }) => {
    const body = await json();
    const room = deps.demoRoomId ? registry.get(deps.demoRoomId) : undefined;
    if (!room) throw new HttpError(404, 'no demo room on this server');
    const person = chosenIdentity(body, metrics);
    checkGuestName(person.displayName, room.ownPeoplesNames(), counter(metrics));
    const verdict = await demoTokens.take(ip);
    if (!verdict.ok) {
      throw new HttpError(429, 'too many requests; wait a minute', {
        retryAfterSeconds: retryAfterSeconds(verdict),
      });
    }
    sendJson(reply, 201, await mintGuest(deps, room, person, ip, 'participant', DEMO_TOKEN_TTL_SECONDS));
  });
}

/** The code in the path, normalised; 400 for anything that cannot be one. */
function codeFromPath(raw: string): string {
  let typed: string;
  try {
    typed = raw.length <= MAX_TYPED_CODE * 3 ? decodeURIComponent(raw) : '';
  } catch {
    typed = '';
  }
  const code = typed.length <= MAX_TYPED_CODE ? normalizeCode(typed) : null;
  if (!code) throw new HttpError(400, 'a meeting code has 7 digits, like 148-118-3');
  return code;
}

interface ChosenIdentity {
  displayName: string;
  deviceKey?: string;
}

const counter = (metrics: Metrics) => (reason: string) => metrics.rejected.inc({ reason });

/**
 * The name and device key a person sent; the name is checked for what does
 * not depend on the room (letters, role words) before anything is looked up.
 */
function chosenIdentity(body: Record<string, unknown>, metrics: Metrics): ChosenIdentity {
  const displayName = typeof body.displayName === 'string' ? body.displayName : '';
  checkGuestName(displayName, [], counter(metrics));
  if (body.deviceKey !== undefined && !isDeviceKey(body.deviceKey)) {
    throw new HttpError(400, 'deviceKey must be 16-128 letters, digits, - or _');
  }
  return { displayName, deviceKey: body.deviceKey };
}

/**
 * The one place self-service tokens are made: the user id from the device
 * key, the admission from the address; someone banned in the call (by user
 * id, or anyone new through a banned admission or under a name that reads as
 * a banned guest's) gets no new token.
 */
async function mintGuest(
  deps: JoinRoutesDeps,
  room: Room,
  person: ChosenIdentity,
  ip: string,
  role: 'guest' | 'participant',
  ttlSeconds: number,
): Promise<MintedToken> {
  const userId = guestUserId(room.definition.instance, person.deviceKey);
  const admission = admissionOf(room.definition.instance, ip);
  const name = person.displayName;
  if (
    room.bannedUserIds.has(userId) ||
    (await deps.registry.admissionBanned(room, admission, userId, name))
  ) {
    deps.metrics.rejected.inc({ reason: 'banned_admission' });
    throw new HttpError(403, 'you may not join this lesson from here until it ends', { reason: 'banned' });
  }
  return deps.joinTokens.mint(room, { displayName: person.displayName, userId, ttlSeconds }, role, admission);
}
