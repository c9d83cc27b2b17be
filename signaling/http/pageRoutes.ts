// The web client's pages and static files, and 404 for the rest (probes and
// metrics: probeRoutes.ts).
import { withDemoMark } from '../../common/demoMark.js';
import type { Metrics } from '../metrics.js';
import { HttpError, type Reply, send, sendJson, track } from './httpUtil.js';
import type { HttpRouter } from './router.js';
import { WASM_CONTENT_SECURITY_POLICY } from './securityHeaders.js';
import type { StaticFiles } from './staticFiles.js';

export interface PageRoutesDeps {
  metrics: Metrics;
  staticFiles: StaticFiles;
  demoRoomId: string | null;
  /** The server runs the demo school: every page says «Демо». */
  demo: boolean;
}

export function registerPageRoutes(router: HttpRouter, deps: PageRoutesDeps): void {
  const { metrics, staticFiles } = deps;
  const open = { admin: false };
  const marked = new Map<string, Buffer>();
  const bodyOf = (name: string, body: Buffer): Buffer => {
    if (!deps.demo || !name.endsWith('.html')) return body;
    const known = marked.get(name);
    if (known) return known;
    const b = withDemoMark(body);
    marked.set(name, b);
    return b;
  };

  const page =
    (name: string, policy: Record<string, string> = {}) =>
    (reply: Reply) => {
      const file = staticFiles.get(name);
      if (!file) throw new HttpError(404, 'web client is not built; run npm run build');
      send(reply, 200, bodyOf(name, file.body), {
        'content-type': file.type,
        'cache-control': 'no-cache',
        ...policy,
      });
    };
  // The call page runs the background and noise effects in WebAssembly.
  const wasm = { 'content-security-policy': WASM_CONTENT_SECURITY_POLICY };
  router.route('get', '/room/:id', 'room_page', open, page('/index.html', wasm));
  router.route('get', '/j/:code', 'join_page', open, page('/join.html'));
  router.route('get', '/j', 'join_page', open, page('/join.html'));
  router.route('get', '/messenger', 'messenger_page', open, page('/messenger.html'));
  router.route('get', '/boards/:id', 'boards_page', open, page('/boards.html'));
  router.route('get', '/school-demo', 'school_demo_page', open, page('/school-demo.html'));
  router.route('get', '/login', 'login_page', open, page('/login.html'));
  router.route('get', '/account', 'account_page', open, page('/account.html'));
  router.route('get', '/school', 'school_page', open, page('/school.html'));
  router.route('get', '/region', 'region_page', open, page('/region.html'));
  router.route('get', '/lessons/:id', 'lesson_page', open, page('/lesson.html'));
  router.route('get', '/demo', 'demo_page', open, (reply) => {
    if (!deps.demoRoomId) throw new HttpError(404, 'no demo room on this server');
    page('/demo.html')(reply);
  });
  router.route('get', '/', 'home', open, page('/home.html'));
  // The messenger's service worker, at the root so that its scope covers the messenger page.
  router.route('get', '/sw.js', 'service_worker', open, page('/sw.js'));

  router.app.get('/static/*', (res, req) => {
    const path = req.getUrl().slice('/static'.length);
    const file = staticFiles.get(path);
    const reply = track(res);
    if (!file) {
      metrics.httpRequests.inc({ route: 'static', status: '4xx' });
      sendJson(reply, 404, { error: 'not found' });
      return;
    }
    const headers: Record<string, string> = {
      'content-type': file.type,
      'cache-control': 'no-cache',
      etag: file.etag,
      // The background worker's own policy (a worker does not take the page's).
      ...(path.startsWith('/effects/') ? wasm : {}),
    };
    if (req.getHeader('if-none-match') === file.etag) {
      metrics.httpRequests.inc({ route: 'static', status: '3xx' });
      send(reply, 304, '', headers);
      return;
    }
    send(reply, 200, file.body, headers);
  });
}

/** 404 for everything no route matched; registered after every other route. */
export function registerNotFound(router: HttpRouter, metrics: Metrics): void {
  router.app.any('/*', (res) => {
    const reply = track(res);
    metrics.httpRequests.inc({ route: 'unknown', status: '4xx' });
    sendJson(reply, 404, { error: 'not found' });
  });
}
