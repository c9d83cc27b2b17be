// The directory's admin API (ADMIN_SECRET): import the school's structure
// (JSON or CSV body, `?dryRun=1` to only see the report) and read it back.
import { HttpError, send, sendJson } from '../signaling/http/httpUtil.js';
import type { HttpRouter } from '../signaling/http/router.js';
import type { DirectoryImporter } from './importer.js';
import { ImportBusyError } from './importer.js';
import type { DirectoryMetrics } from './metrics.js';
import { DirectoryFileError, ID_PATTERN, parseSchoolFile } from './parse.js';
import type { DirectoryStore } from './store.js';

// A school of a few thousand people as CSV is well under a megabyte.
const BODY_LIMIT = 32 * 1024 * 1024;
const admin = { admin: true };

export interface DirectoryRouteDeps {
  importer: () => DirectoryImporter;
  store: () => DirectoryStore;
  metrics: DirectoryMetrics;
}

export function registerDirectoryRoutes(router: HttpRouter, deps: DirectoryRouteDeps): void {
  router.route(
    'post',
    '/api/directory/import',
    'directory_import',
    { ...admin, maxBody: BODY_LIMIT },
    async (reply, req) => {
      const body = await req.body();
      const dryRun = /(^|&)dryRun=(1|true)(&|$)/.test(req.query);
      const importer = deps.importer();
      try {
        const report = await importer.import(parseSchoolFile(body.toString('utf8')), { dryRun });
        deps.metrics.imports.inc({ result: dryRun ? 'dry_run' : report.changed ? 'changed' : 'unchanged' });
        sendJson(reply, 200, report);
      } catch (err) {
        if (err instanceof DirectoryFileError) {
          deps.metrics.imports.inc({ result: 'bad_file' });
          deps.metrics.problems.inc(err.problems.length);
          sendJson(reply, 400, { error: 'the school file has problems', problems: err.problems });
          return;
        }
        if (err instanceof ImportBusyError) {
          deps.metrics.imports.inc({ result: 'busy' });
          throw new HttpError(409, err.message);
        }
        throw err;
      }
    },
  );

  router.route('get', '/api/directory/:school', 'directory_get', admin, async (reply, req) => {
    const school = req.params[0] ?? '';
    if (!ID_PATTERN.test(school)) throw new HttpError(400, 'school id is not valid');
    const store = deps.store();
    const d = await store.load(school);
    if (!d) throw new HttpError(404, 'no directory for that school');
    sendJson(reply, 200, { directory: d, chats: Object.fromEntries(await store.slots(school)) });
  });

  router.route('get', '/api/directory', 'directory_list', admin, async (reply) => {
    const list = await deps.store().schools();
    send(reply, 200, JSON.stringify({ schools: list.sort() }), { 'content-type': 'application/json' });
  });
}
