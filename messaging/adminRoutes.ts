// The messenger's part of the admin API (ADMIN_SECRET): the school's systems
// register people, mint their user tokens and create chats with members.
import type uWS from 'uWebSockets.js';
import type { AdminAuth } from '../signaling/adminAuth.js';
import { HttpError, type Reply, readJson, sendJson, track } from '../signaling/http/httpUtil.js';
import type { Logger } from '../common/log.js';
import type { Messenger } from './messenger.js';
import type { ChatMetrics } from './metrics.js';
import type { MemberRoleName, StoredUser } from './records.js';
import { MAX_USER_TOKEN_TTL_SECONDS, type UserTokens, isUserRole } from './userTokens.js';

const DEFAULT_TTL_SECONDS = 7 * 24 * 3600;
// A chat of a few thousand members named in one request.
const BODY_LIMIT = 1024 * 1024;

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
  app: uWS.TemplatedApp,
  deps: {
    auth: AdminAuth;
    tokens: UserTokens;
    messenger: Messenger | null;
    metrics: ChatMetrics;
    log: Logger;
  },
): void {
  const { auth, tokens, messenger, log } = deps;
  const route = (
    method: 'post' | 'put',
    pattern: string,
    handle: (body: Record<string, unknown>, params: string[]) => Promise<[number, unknown]>,
  ) => {
    app[method](pattern, (res, req) => {
      const reply: Reply = track(res);
      const authorized = auth.check(req.getHeader('authorization'));
      const params = pattern
        .split('/')
        .filter((p) => p.startsWith(':'))
        .map((_, i) => req.getParameter(i) ?? '');
      void (async () => {
        try {
          if (!authorized) throw new HttpError(401, 'admin secret required');
          if (!messenger) throw new HttpError(503, 'the messenger needs REDIS_URL');
          const [status, body] = await handle(await readJson(res, BODY_LIMIT), params);
          sendJson(reply, status, body);
        } catch (err) {
          if (err instanceof HttpError) {
            deps.metrics.rejected.inc({ reason: `admin_${err.status}` });
            sendJson(reply, err.status, { error: err.message });
          } else {
            log.error({ err }, 'messenger admin request failed');
            sendJson(reply, 500, { error: 'internal error' });
          }
        }
      })();
    });
  };

  route('put', '/api/users/:id', async (body, [id]) => {
    const user = userFrom(body, id);
    await messenger!.chatStore.saveUser(user);
    return [200, { user }];
  });

  route('post', '/api/users/tokens', async (body) => {
    const user = userFrom(body);
    const ttl = body.ttlSeconds === undefined ? DEFAULT_TTL_SECONDS : body.ttlSeconds;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 60 || ttl > MAX_USER_TOKEN_TTL_SECONDS) {
      throw new HttpError(400, `ttlSeconds must be an integer from 60 to ${MAX_USER_TOKEN_TTL_SECONDS}`);
    }
    await messenger!.chatStore.saveUser(user);
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
    return [201, { token, expiresAt: expiresAt.toISOString(), userId: user.id }];
  });

  route('post', '/api/chats', async (body) => {
    const title = str(body, 'title', 128);
    const about = str(body, 'about', 1024, false);
    const list = body.members;
    if (!Array.isArray(list) || list.length === 0 || list.length > messenger!.config.maxMembersPerChat) {
      throw new HttpError(400, `members must list 1-${messenger!.config.maxMembersPerChat} people`);
    }
    const wanted = list.map((m) => {
      const entry = (m ?? {}) as Record<string, unknown>;
      const role: MemberRoleName = entry.role === 'admin' ? 'admin' : 'member';
      return { id: str(entry, 'userId', 128), role };
    });
    const users = await messenger!.chatStore.users(wanted.map((w) => w.id));
    const missing = wanted.find((w) => !users.get(w.id));
    if (missing) throw new HttpError(400, `unknown user ${missing.id}: register it with PUT /api/users/:id`);
    const chatId = await messenger!.chats.createForDirectory({
      title,
      about,
      createdBy: 'admin-api',
      members: wanted.map((w) => ({ user: users.get(w.id)!, role: w.role })),
    });
    return [201, { chatId }];
  });
}
