// "The demo school and demo room exist only when the quick start asks for
// them, never beside a real directory" (#23), across restarts on the same
// Redis and PostgreSQL: a school's server started again with the demo flag
// loads no demo school beside the real one (no demo people to enter as, the
// school's people still sign in); and a new server whose setup code was
// printed, started again as a demo, refuses that code (`demo_server`, counted)
// so that no real school is made beside the demo.
import { afterAll, describe, expect, it } from 'vitest';
import {
  AccountClient,
  type AccountSchool,
  SETUP_CODE,
  accountRefusals,
  startAccountSchool,
} from '../helpers/accounts.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let school: AccountSchool | null = null;
let fresh: ChatTestServer | null = null;
let again: TestServer | null = null;

async function refusals(server: TestServer, reason: string): Promise<number> {
  const m = await server.metrics.registry.getSingleMetric('school_call_account_refusals_total')?.get();
  return m?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('no demo beside a real school', () => {
  afterAll(async () => {
    await again?.close();
    await school?.s.redis?.stop();
    await fresh?.redis?.stop();
  });

  it('a school’s server started again with DEMO_SCHOOL=1 loads no demo school; its people still sign in', async () => {
    school = await startAccountSchool();
    await school.s.server.close();
    again = await startTestServer({ ...school.s.env, DEMO_SCHOOL: '1' });
    const people = await fetch(`${again.httpUrl}/api/demo/school`);
    expect(people.status).toBe(404);
    const enter = await fetch(`${again.httpUrl}/api/demo/school/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: again.httpUrl },
      body: JSON.stringify({ userId: 'demo-p1' }),
    });
    expect(enter.status).toBe(404);
    const admin = new AccountClient(again.httpUrl);
    expect(await admin.signIn('+7 900 000-00-00', 'директор-пароль')).toBe(200);
    expect((await admin.me())?.schoolName).toBe('Школа № 7');
    await again.close();
    again = null;
  }, 120_000);

  it('a setup code printed by a new server is refused once it runs the demo: no real school beside it', async () => {
    fresh = await startChatServer({ SETUP_CODE });
    expect(fresh.server.setupCode).toBe(SETUP_CODE);
    await fresh.server.close();
    again = await startTestServer({ ...fresh.env, DEMO_SCHOOL: '1' });
    expect(again.setupCode).toBeNull();
    expect((await fetch(`${again.httpUrl}/api/demo/school`)).status).toBe(200);
    const before = await refusals(again, 'demo_server');
    const c = new AccountClient(again.httpUrl);
    const asked = await c.post('/api/account/code', { code: SETUP_CODE.toLowerCase() });
    expect(asked).toMatchObject({ status: 409, body: { error: 'demo_server' } });
    const setup = await c.post('/api/account/setup', {
      code: SETUP_CODE,
      schoolName: 'Настоящая школа',
      lastName: 'Директорова',
      firstName: 'Ольга',
      middleName: '',
      login: '+7 900 000-00-01',
      password: 'директор-пароль',
    });
    expect(setup).toMatchObject({ status: 409, body: { error: 'demo_server' } });
    expect(await refusals(again, 'demo_server')).toBe(before + 2);
    expect(await c.signIn('+7 900 000-00-01', 'директор-пароль')).toBe(401);
  }, 120_000);
});
