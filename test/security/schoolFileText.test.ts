// Attack report 9 (#21), item 5's twin: the school's file (CSV or JSON from
// the e-journal, POST /api/school/import) is an edge too, not a JSON body
// the router's rule reads. A name in it with a NUL, a direction override or
// an isolate is refused with the file's own line-numbered problem, and
// nothing of the file is imported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSchool, SCHOOL_CSV, startAccountSchool } from '../helpers/accounts.js';

let school: AccountSchool;

beforeAll(async () => {
  school = await startAccountSchool();
}, 60_000);
afterAll(async () => {
  await school?.s.stop();
});

const withRow = (row: string) => new TextEncoder().encode(`${SCHOOL_CSV}\n${row}`);

describe("names in the school's file", () => {
  it('refuses control and direction characters by line, importing nothing', async () => {
    const people = async () => JSON.stringify((await school.admin.get('/api/school')).body);
    const before = await people();
    for (const [label, last] of [
      ['NUL', 'Сидоров\u0000'],
      ['override', 'Сидоров\u202Eвородис'],
      ['isolate', '\u2067Сидоров'],
      ['RLM', 'Сидоров\u200F'],
    ] as const) {
      const r = await school.admin.post(
        '/api/school/import',
        withRow(`ученик;p-sid;${last};Илья;;;5А;;;;;;`),
      );
      expect(r.status, label).toBe(400);
      expect(JSON.stringify(r.body), label).toMatch(/строка 12/);
      expect(await people(), label).toBe(before);
    }
    // The same row with a clean name goes in.
    const ok = await school.admin.post('/api/school/import', withRow('ученик;p-sid;Сидоров;Илья;;;5А;;;;;;'));
    expect(ok.status).toBe(200);
    expect(await people()).toContain('Сидоров');
  });
});
