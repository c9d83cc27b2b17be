import { readBody } from '../signaling/http/httpUtil.js';
import type { HttpRouter } from '../signaling/http/router.js';
// The public /b/ endpoints (viewer page, status, password, live playlist and
// segments from memory, replay of the recording) on the server's own
// uWebSockets.js app: BroadcastHttp decides, this file only carries the
// request in and the reply out.
import type { Metrics } from '../signaling/metrics.js';
import type { BroadcastHttp, HttpRequestInfo } from './broadcastHttp.js';
import { type HttpReply, errorReply } from './httpReply.js';
import { type ReplySink, sendReply } from './uwsReplies.js';

const MAX_BODY_BYTES = 4096;

export function registerBroadcastRoutes(router: HttpRouter, http: BroadcastHttp, metrics: Metrics): void {
  router.app.any('/b/*', (res, req) => {
    const sink: ReplySink = { res, aborted: false };
    res.onAborted(() => {
      sink.aborted = true;
    });
    // uWS hands out the request only until this handler returns.
    const method = req.getMethod().toUpperCase();
    const headers: Record<string, string> = {
      cookie: req.getHeader('cookie'),
      range: req.getHeader('range'),
    };
    const info: HttpRequestInfo = {
      method,
      path: req.getUrl(),
      query: new URLSearchParams(req.getQuery() ?? ''),
      header: (name) => headers[name.toLowerCase()] || undefined,
      address: router.addressOf(res, req),
    };
    const answer = (reply: HttpReply) => {
      metrics.httpRequests.inc({ route: 'broadcast', status: `${Math.floor(reply.status / 100)}xx` });
      sendReply(sink, reply, method === 'HEAD');
    };
    const notFound = errorReply(404, 'not-found', 'no such resource');
    // The viewer password from another site's page: refused (the router's one check).
    const crossSite = router.crossSite(req);
    if (crossSite) {
      answer(errorReply(403, 'csrf', crossSite));
      return;
    }
    if (method !== 'POST') {
      const reply = http.handle(info) ?? notFound;
      if (!(reply instanceof Promise)) answer(reply);
      else reply.then(answer, () => answer(errorReply(500, 'internal', 'internal error')));
      return;
    }
    readBody(res, MAX_BODY_BYTES)
      .then(
        async (body) => answer((await http.handle({ ...info, body })) ?? notFound),
        () => answer(errorReply(413, 'too-large', `at most ${MAX_BODY_BYTES} bytes`)),
      )
      .catch(() => answer(errorReply(500, 'internal', 'internal error')));
  });
}
