// The activity figures' HTTP edge. A school's table with its people is for
// that school's admin only (the route's access, checked from the directory
// at each request); a region's table is for the people the region names as
// its admins, and holds schools, never people. The region's systems set a
// region (its schools and admins) with the admin secret.
import { AccountError } from '../accounts/errors.js';
import type { AccountHttp } from '../accounts/http.js';
import { HttpError, sendJson } from '../signaling/http/httpUtil.js';
import type { HttpRouter } from '../signaling/http/router.js';
import { type ActivityReport, MAX_WEEKS } from './report.js';
import type { ActivityStore } from './store.js';

const DEFAULT_WEEKS = 8;
const ID = /^[\p{L}\p{N}_.:-]{1,128}$/u;

function weeksOf(query: string): number {
  const m = /(?:^|&)weeks=(\d{1,2})(?:&|$)/.exec(query);
  if (!m) return DEFAULT_WEEKS;
  const n = Number(m[1]);
  if (n < 1 || n > MAX_WEEKS) throw new AccountError('bad_request', `weeks must be 1-${MAX_WEEKS}`);
  return n;
}

export function registerActivityRoutes(http: AccountHttp, report: () => ActivityReport): void {
  http.route('get', '/api/activity/school', 'activity_school', 'admin', async (reply, req) => {
    sendJson(reply, 200, await report().school(req.person.schoolId, weeksOf(req.query)));
  });
  // Which regions name the signed-in person as an admin (none for most): the home's link to /region.
  http.route('get', '/api/activity/regions', 'activity_regions_mine', 'person', async (reply, req) => {
    const regions = await report().regionsOfPerson(req.person.schoolId, req.person.id);
    sendJson(reply, 200, { regions });
  });
  http.route('get', '/api/activity/region', 'activity_region', 'person', async (reply, req) => {
    const view = await report().regions(req.person.schoolId, req.person.id, weeksOf(req.query));
    if (view.regions.length === 0) throw new AccountError('forbidden', 'for a region’s admins');
    sendJson(reply, 200, view);
  });
}

/** For the region's systems (ADMIN_SECRET): a region's name, schools and admins. */
export function registerRegionRoutes(router: HttpRouter, store: () => ActivityStore): void {
  router.route('put', '/api/regions/:id', 'region_set', { admin: true }, async (reply, req) => {
    const id = decodeURIComponent(req.params[0] ?? '');
    const body = await req.json();
    const { name, schools, admins } = body as Record<string, unknown>;
    const ids = (x: unknown) =>
      Array.isArray(x) && x.length <= 1000 && x.every((s) => typeof s === 'string' && ID.test(s));
    if (
      !ID.test(id) ||
      typeof name !== 'string' ||
      name.length === 0 ||
      name.length > 200 ||
      !ids(schools) ||
      !Array.isArray(admins) ||
      admins.length > 100 ||
      !admins.every((a) => a && ids([a.school, a.person]))
    ) {
      throw new HttpError(400, 'id, name, schools [ids] and admins [{school, person}] are required');
    }
    await store().setRegion(
      id,
      name,
      schools as string[],
      (admins as { school: string; person: string }[]).map((a) => ({ school: a.school, person: a.person })),
    );
    sendJson(reply, 200, { ok: true });
  });
}
