// The messenger's part of the admin API (ADMIN_SECRET): the school's systems
// register people, mint their user tokens and create chats with members.
import { HttpError, sendJson } from '../signaling/http/httpUtil.js';
import type { HttpRouter } from '../signaling/http/router.js';
import type { Messenger } from './messenger.js';
import type { MemberRoleName, StoredUser } from './records.js';
import { MAX_USER_TOKEN_TTL_SECONDS, type UserTokens, isUserRole } from './userTokens.js';

const DEFAULT_TTL_SECONDS = 7 * 24 * 3600;
// A chat of a few thousand members named in one request.
const BODY_LIMIT = 1024 * 1024;
const admin = { admin: true, maxBody: BODY_LIMIT };

function str(body: Record<string, unknown>, key: string, max: number, required = true): string {
  const v = body[key];
  if (v === undefined && !required) return '';
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw new HttpError(400, `${key} must be a string of 1-${max} characters`);
  }
  return v;
}

function userFrom(body: Record<string, unknown>, id?: string): StoredUser {
  const name = str(body, 'displayName', 128);
  const role = body.role;
  if (!isUserRole(role)) throw new HttpError(400, 'role must be admin, teacher, student or parent');
  return {
    id: id ?? str(body, 'userId', 128),
    name,
    sort: str(body, 'sortName', 128, false) || name,
    role,
    school: str(body, 'schoolId', 128),
  };
}

export function registerAdminRoutes(
  router: HttpRouter,
  deps: { tokens: UserTokens; messenger: Messenger | null },
): void {
  const { tokens } = deps;
  const messenger = (): Messenger => {
    if (!deps.messenger) throw new HttpError(503, 'the messenger needs REDIS_URL');
    return deps.messenger;
  };

  router.route('put', '/api/users/:id', 'put_user', admin, async (reply, req) => {
    const user = userFrom(await req.json(), req.params[0]);
    await messenger().chatStore.saveUser(user);
    sendJson(reply, 200, { user });
  });

  router.route('post', '/api/users/tokens', 'mint_user_token', admin, async (reply, req) => {
    const body = await req.json();
    const user = userFrom(body);
    const ttl = body.ttlSeconds === undefined ? DEFAULT_TTL_SECONDS : body.ttlSeconds;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 60 || ttl > MAX_USER_TOKEN_TTL_SECONDS) {
      throw new HttpError(400, `ttlSeconds must be an integer from 60 to ${MAX_USER_TOKEN_TTL_SECONDS}`);
    }
    await messenger().chatStore.saveUser(user);
    const { token, expiresAt } = await tokens.mint(
      {
        userId: user.id,
        displayName: user.name,
        sortName: user.sort,
        role: user.role as never,
        schoolId: user.school,
      },
      ttl,
    );
    sendJson(reply, 201, { token, expiresAt: expiresAt.toISOString(), userId: user.id });
  });

  router.route('post', '/api/chats', 'create_chat', admin, async (reply, req) => {
    const body = await req.json();
    const m = messenger();
    const title = str(body, 'title', 128);
    const about = str(body, 'about', 1024, false);
    const list = body.members;
    if (!Array.isArray(list) || list.length === 0 || list.length > m.config.maxMembersPerChat) {
      throw new HttpError(400, `members must list 1-${m.config.maxMembersPerChat} people`);
    }
    const wanted = list.map((entry) => {
      const e = (entry ?? {}) as Record<string, unknown>;
      const role: MemberRoleName = e.role === 'admin' ? 'admin' : 'member';
      return { id: str(e, 'userId', 128), role };
    });
    const users = await m.chatStore.users(wanted.map((w) => w.id));
    const missing = wanted.find((w) => !users.get(w.id));
    if (missing) throw new HttpError(400, `unknown user ${missing.id}: register it with PUT /api/users/:id`);
    const chatId = await m.chats.createForDirectory({
      title,
      about,
      createdBy: 'admin-api',
      members: wanted.map((w) => ({ user: users.get(w.id)!, role: w.role })),
    });
    sendJson(reply, 201, { chatId });
  });
}
