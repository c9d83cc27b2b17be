// The session cookie's flags as the browser gets them, and a printed code
// that has run out: against the real server, Redis and PostgreSQL. Plain HTTP
// (a first run on one machine): HttpOnly and SameSite, not Secure (the browser
// would drop it). Behind a TLS proxy (TRUST_PROXY=1): Secure and the
// __Host- name too. A code past its date is refused with its own reason and
// nothing changes; a new code works. Without DEMO_SCHOOL there is no demo
// school to enter as.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { openPostgres } from '../../common/postgres/connect.js';
import { AccountClient, type AccountSchool, SETUP_CODE, startAccountSchool } from '../helpers/accounts.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';

let school: AccountSchool;
let proxied: ChatTestServer;

/** The Set-Cookie the setup code's sign-in answers with. */
async function setupCookie(base: string): Promise<string> {
  const r = await new AccountClient(base).post('/api/account/setup', {
    code: SETUP_CODE,
    schoolName: 'Школа № 9',
    lastName: 'Админова',
    firstName: 'Анна',
    middleName: '',
    login: 'admin9',
    password: 'пароль администратора',
  });
  expect(r.status).toBe(200);
  return r.setCookie.find((c) => c.includes('sc_session='))!;
}

describe('accounts: the session cookie and a code that ran out', () => {
  beforeAll(async () => {
    school = await startAccountSchool();
    proxied = await startChatServer({ SETUP_CODE, TRUST_PROXY: '1' });
  }, 90_000);
  afterAll(async () => {
    await school?.s.stop();
    await proxied?.stop();
  });

  it('plain HTTP: HttpOnly and SameSite=Lax, not Secure; behind a TLS proxy: Secure with the __Host- name', async () => {
    const plain = await (async () => {
      const c = new AccountClient(school.s.httpUrl);
      const r = await c.post('/api/account/login', {
        login: '+7 900 000-00-00',
        password: 'директор-пароль',
      });
      expect(r.status).toBe(200);
      return r.setCookie.find((x) => x.includes('sc_session='))!;
    })();
    expect(plain).toMatch(/^sc_session=[A-Za-z0-9_-]{40,}; /);
    expect(plain).toContain('HttpOnly');
    expect(plain).toContain('SameSite=Lax');
    expect(plain).toContain('Path=/');
    expect(plain).not.toContain('Secure');

    const secure = await setupCookie(proxied.httpUrl);
    expect(secure).toMatch(/^__Host-sc_session=[A-Za-z0-9_-]{40,}; /);
    expect(secure).toContain('HttpOnly');
    expect(secure).toContain('SameSite=Lax');
    expect(secure).toContain('Secure');
  });

  it('a code past its date is refused as expired, changing nothing, and a new one works', async () => {
    const old = await school.code('f-petrov');
    // The sheet was printed ACTIVATION_CODE_DAYS ago: its date passes.
    const db = openPostgres(school.s.server.config.databaseUrl!, 'test', createLogger('warn'));
    try {
      const r = await db.query(
        `UPDATE accounts.codes SET expires_at = now() - interval '1 minute'
         WHERE person_id = 'f-petrov' AND used_at IS NULL`,
      );
      expect(r.rowCount).toBe(1);
    } finally {
      await db.end();
    }
    const c = new AccountClient(school.s.httpUrl);
    const refused = await c.post('/api/account/activate', {
      code: old,
      login: 'petrov.s',
      password: 'пароль отца 1',
    });
    expect(refused).toMatchObject({ status: 400, body: { error: 'code_expired' } });
    expect((await c.post('/api/account/code', { code: old })).body.error).toBe('code_expired');
    // Nothing changed: no account, no session.
    expect(await new AccountClient(school.s.httpUrl).signIn('petrov.s', 'пароль отца 1')).toBe(401);
    expect(c.cookie).toBe('');
    // The class teacher gives a new code; it works.
    expect(await c.activate(await school.code('f-petrov'), 'petrov.s', 'пароль отца 1')).toBe(200);
  });
  it('a school’s server started without the demo flag has no open door: no demo school, no demo sign-in, no «Демо»', async () => {
    const base = school.s.httpUrl;
    expect((await fetch(`${base}/api/demo/school`)).status).toBe(404);
    const enter = await fetch(`${base}/api/demo/school/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ userId: 'demo-p1' }),
    });
    expect(enter.status).toBe(404);
    const page = await new AccountClient(base).get('/api/account/sign-in');
    expect(page.body).toMatchObject({ demo: false, signedIn: false });
    // No page says «Демо» (a demo server's pages do: test/e2e/demoMark.test.ts).
    for (const path of ['/', '/login', '/messenger', '/room/any', '/j', '/school-demo']) {
      const html = await (await fetch(`${base}${path}`)).text();
      expect(html, path).toContain('<div id="app">');
      expect(html, path).not.toContain('data-demo-mark');
    }
  });
});
