// Downloading a finished lesson's boards: the list of saved lessons of a
// room and one lesson's boards (a SavedLesson protobuf, which the host's
// browser renders to PNG and PDF). For the room's hosts and co-hosts (their
// join or session token) and for the admin secret.
import type { AdminAuth } from '../signaling/adminAuth.js';
import { isModerator } from '../signaling/domain/roles.js';
import { HttpError, send, sendJson } from '../signaling/http/httpUtil.js';
import type { HttpRouter } from '../signaling/http/router.js';
import type { TokenService } from '../signaling/tokens.js';
import type { BoardStore } from './boardStore.js';

export interface BoardRoutesDeps {
  store: BoardStore;
  tokens: TokenService;
  admin: AdminAuth;
}

export function registerBoardRoutes(router: HttpRouter, { store, tokens, admin }: BoardRoutesDeps): void {
  const opts = { admin: false, headers: ['authorization'] };

  const allow = async (roomId: string, authorization: string): Promise<void> => {
    if (admin.check(authorization)) return;
    const token = /^Bearer (.+)$/.exec(authorization)?.[1];
    if (!token) throw new HttpError(401, 'a host token is required');
    let claims: Awaited<ReturnType<TokenService['verify']>>;
    try {
      claims = await tokens.verify(token);
    } catch {
      throw new HttpError(401, 'the token is not valid');
    }
    if (claims.roomId !== roomId || !isModerator(claims.role)) {
      throw new HttpError(401, 'only the lesson’s hosts may download its boards');
    }
  };

  router.route('get', '/api/rooms/:id/whiteboards', 'list_whiteboards', opts, async (reply, req) => {
    const roomId = req.params[0] ?? '';
    await allow(roomId, req.headers.authorization ?? '');
    sendJson(reply, 200, { lessons: await store.listLessons(roomId) });
  });

  router.route('get', '/api/rooms/:id/whiteboards/:lesson', 'get_whiteboards', opts, async (reply, req) => {
    const [roomId = '', lessonId = ''] = req.params;
    await allow(roomId, req.headers.authorization ?? '');
    const bytes = await store.getLesson(roomId, lessonId);
    if (!bytes) throw new HttpError(404, 'no saved boards for this lesson');
    send(reply, 200, bytes, { 'content-type': 'application/x-protobuf', 'cache-control': 'no-store' });
  });
}
