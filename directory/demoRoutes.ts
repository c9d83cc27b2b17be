// The demo school's open API, only with DEMO_SCHOOL on: its people, and a
// user token for any of them (the demo page's "enter as"). Limited per
// address; people of real schools are never given out.
import type { UserTokens } from '../messaging/userTokens.js';
import { HttpError, sendJson } from '../signaling/http/httpUtil.js';
import type { HttpRouter } from '../signaling/http/router.js';
import type { SharedLimits } from '../signaling/security/sharedLimits.js';
import { DEMO_SCHOOL_ID, demoPeople } from './demo.js';
import type { DirectoryStore } from './store.js';

const LOGINS = { name: 'demo_school_logins', limit: 60, windowMs: 60_000 };
const TOKEN_TTL_SECONDS = 12 * 3600;
const open = { admin: false };

export function registerDemoRoutes(
  router: HttpRouter,
  deps: { store: () => DirectoryStore; tokens: UserTokens; limits: SharedLimits },
): void {
  const limiter = deps.limits.window(LOGINS);
  const load = async () => {
    const d = await deps.store().load(DEMO_SCHOOL_ID);
    if (!d) throw new HttpError(404, 'no demo school on this server');
    return d;
  };

  router.route('get', '/api/demo/school', 'demo_school', open, async (reply) => {
    const d = await load();
    sendJson(reply, 200, {
      school: d.school,
      classes: d.classes.map((c) => ({ id: c.id, name: c.name })),
      people: demoPeople(d),
    });
  });

  router.route('post', '/api/demo/school/login', 'demo_school_login', open, async (reply, { ip, json }) => {
    const body = await json();
    if (!(await limiter.take(ip)).ok) throw new HttpError(429, 'too many requests; wait a minute');
    const d = await load();
    const person = demoPeople(d).find((p) => p.id === body.userId);
    if (!person) throw new HttpError(404, 'no such person in the demo school');
    const sort = [...d.teachers, ...d.pupils, ...d.parents].find((p) => p.id === person.id)!.sort;
    const { token } = await deps.tokens.mint(
      {
        userId: person.id,
        displayName: person.name,
        sortName: sort,
        role: person.role,
        schoolId: DEMO_SCHOOL_ID,
      },
      TOKEN_TTL_SECONDS,
    );
    sendJson(reply, 200, { token, messengerUrl: `/messenger#token=${token}` });
  });
}
