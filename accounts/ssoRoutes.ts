// The browser's way through a school's single sign-on: /auth/sso/<id>
// sends it to the provider (with a cookie that binds the attempt to this
// browser), /auth/sso/callback takes the answer, starts a session and goes
// on to a page of this site; a refusal goes to /login with its reason, which
// the page says in Russian (or English).
import { type Reply, send } from '../signaling/http/httpUtil.js';
import type { RouteRequest } from '../signaling/http/router.js';
import { AccountError } from './errors.js';
import { type AccountHttp, parseCookies } from './http.js';
import { SSO_COOKIE, SSO_PATH, type SsoSignIn, safeNext } from './oidc.js';
import type { People } from './people.js';
import type { SignIn } from './signIn.js';

const FLOW_COOKIE_SECONDS = 600;
const open = { admin: false, headers: ['cookie', 'user-agent', 'host'] };
/** Marks a start already sent to PUBLIC_URL once: a proxy that rewrites Host must not make a loop. */
const AT_PUBLIC = 'atPublic';

export function registerSsoRoutes(d: {
  http: AccountHttp;
  sso: () => SsoSignIn;
  signIn: () => SignIn;
  people: () => People;
  /** The server's PUBLIC_URL: the provider returns there, so the attempt must start there too. */
  publicUrl: () => string;
}): void {
  const { http } = d;
  const redirect = (reply: Reply, to: string, cookies: string[] = []) =>
    send(reply, 302, '', { location: to, 'cache-control': 'no-store', 'set-cookie': cookies });
  const clearFlow = http.cookie(SSO_COOKIE, '', 0, SSO_PATH);
  const refuse = (reply: Reply, err: unknown) => {
    if (!(err instanceof AccountError)) throw err;
    http.refused(err);
    redirect(reply, `/login?error=${err.code}`, [clearFlow]);
  };

  http.router.route('get', `${SSO_PATH}/:provider`, 'sso_start', open, async (reply, req: RouteRequest) => {
    try {
      if (req.params[0] === 'callback') return await callback(reply, req);
      // The provider sends the browser back to PUBLIC_URL, where a cookie set on
      // another address (127.0.0.1, the machine's name) is not sent: the attempt
      // would fail as if forged. Start it at PUBLIC_URL instead (the person signs
      // in there and stays there).
      const query = new URLSearchParams(req.query);
      const pub = new URL(d.publicUrl());
      if (req.headers.host && req.headers.host !== pub.host && !query.has(AT_PUBLIC)) {
        query.set(AT_PUBLIC, '1');
        return redirect(
          reply,
          `${pub.origin}${SSO_PATH}/${encodeURIComponent(req.params[0] ?? '')}?${query}`,
        );
      }
      const next = safeNext(query.get('next'));
      const { url, state } = await d.sso().begin(req.params[0] ?? '', next);
      redirect(reply, url, [http.cookie(SSO_COOKIE, state, FLOW_COOKIE_SECONDS, SSO_PATH)]);
    } catch (err) {
      refuse(reply, err);
    }
  });

  async function callback(reply: Reply, req: RouteRequest): Promise<void> {
    const cookies = parseCookies(req.headers.cookie ?? '');
    const found = await d.sso().finish(req.query, cookies[SSO_COOKIE] ?? '');
    const person = await d.people().find(found.personId, found.schoolId);
    if (!person) throw new AccountError('unknown_person');
    const started = await d.signIn().start(person, `sso:${found.provider}`, {
      ip: req.ip,
      agent: req.headers['user-agent'] ?? '',
      previous: cookies[http.sessionCookie],
    });
    redirect(reply, safeNext(found.next), [http.sessionSetCookie(started.cookie), clearFlow]);
  }
}
