// The demo school's open API, only with DEMO_SCHOOL on: its people, and a
// user token for any of them (the demo page's "enter as"). Limited per
// address; people of real schools are never given out.
import type { UserTokens } from '../messaging/userTokens.js';
import { HttpError, readJson, sendJson } from '../signaling/http/httpUtil.js';
import type { HttpRouter } from '../signaling/http/router.js';
import { SlidingWindowLimiter } from '../signaling/rateLimiter.js';
import { DEMO_SCHOOL_ID, demoPeople } from './demo.js';
import type { DirectoryStore } from './store.js';

const LOGINS_PER_MINUTE = 60;
const TOKEN_TTL_SECONDS = 12 * 3600;
const open = { admin: false };

export function registerDemoRoutes(
  router: HttpRouter,
  deps: { store: () => DirectoryStore; tokens: UserTokens },
): void {
  const limiter = new SlidingWindowLimiter(LOGINS_PER_MINUTE, 60_000);
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

  router.route('post', '/api/demo/school/login', 'demo_school_login', open, async (reply, { ip }) => {
    if (limiter.isLimited(ip)) throw new HttpError(429, 'too many requests; wait a minute');
    limiter.record(ip);
    const body = await readJson(reply.res);
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
