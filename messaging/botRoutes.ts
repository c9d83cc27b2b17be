// The bot API (docs/bots.md): the school's systems call it as a bot, with
// `Authorization: Bearer <bot token>` and no browser around them (no Origin,
// no cookie, so the same-site check has nothing to refuse and CSRF cannot
// reach it: a browser does not send the token by itself). Every refusal is a
// typed JSON answer ({error, reason}) counted in school_call_bot_api_total,
// and changes nothing.
import { HttpError, sendJson } from '../signaling/http/httpUtil.js';
import type { HttpRouter, RouteHandler } from '../signaling/http/router.js';
import { type BotService, refusalOf } from './bots.js';
import type { ChatMetrics } from './metrics.js';

const opts = { admin: false, headers: ['authorization'], maxBody: 64 * 1024 };

export function registerBotRoutes(
  router: HttpRouter,
  deps: { bots: () => BotService | null; metrics: ChatMetrics },
): void {
  const guarded =
    (handler: (bots: BotService, ...args: Parameters<RouteHandler>) => Promise<void>): RouteHandler =>
    async (reply, req) => {
      const bots = deps.bots();
      if (!bots) throw new HttpError(503, 'the messenger is unavailable');
      try {
        await handler(bots, reply, req);
        deps.metrics.botRequests.inc({ result: 'ok' });
      } catch (err) {
        // A body that is not JSON (the router's own 400) is refused like any other bad request.
        const refusal =
          err instanceof HttpError && err.status === 400
            ? { status: 400, reason: 'invalid', message: err.message }
            : refusalOf(err);
        deps.metrics.botRequests.inc({ result: refusal?.reason ?? 'failed' });
        if (!refusal) throw err;
        throw new HttpError(refusal.status, refusal.message, { reason: refusal.reason });
      }
    };

  router.route(
    'get',
    '/api/bot/me',
    'bot_me',
    opts,
    guarded(async (bots, reply, req) => {
      const bot = await bots.authenticate(req.headers.authorization ?? '');
      sendJson(reply, 200, { id: bot.id, name: bot.name, chats: await bots.chatsOf(bot) });
    }),
  );

  router.route(
    'post',
    '/api/bot/messages',
    'bot_send',
    opts,
    guarded(async (bots, reply, req) => {
      const bot = await bots.authenticate(req.headers.authorization ?? '');
      const sent = await bots.post(bot, await req.json());
      sendJson(reply, 201, sent);
    }),
  );
}
