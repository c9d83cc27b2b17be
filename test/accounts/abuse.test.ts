// The accounts part's defences, each against the real server and Redis,
// each failing without its defence: guessed passwords and codes back off per
// account and per address, counted in Redis so two hosts share the counts;
// state changes from another site or without the session's CSRF token are
// refused; sign-in never sends the browser to another site; a session id
// planted before sign-in is worth nothing after it; a deactivated person's
// sessions, tokens and open connections stop at once; pupils and teachers
// cannot use the admin's API. Every refusal is typed and counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeNext } from '../../accounts/oidc.js';
import { AccountClient, type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import { TestChatClient } from '../helpers/chatServer.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let school: AccountSchool;
let second: TestServer;

async function refusals(reason: string, server = school.s.server): Promise<number> {
  const metric = await server.metrics.registry.getSingleMetric('school_call_account_refusals_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('accounts: abuse', () => {
  beforeAll(async () => {
    school = await startAccountSchool({
      SIGNIN_FREE_FAILURES: '3',
      SIGNIN_FREE_FAILURES_PER_ADDRESS: '30',
      // Long enough that no test outlasts a wait by being slow.
      SIGNIN_FIRST_DELAY_SECONDS: '120',
      SIGNIN_MAX_DELAY_SECONDS: '600',
    });
    // A second host on the same Redis, as a deployment of several hosts has.
    second = await startTestServer({
      ...school.s.env,
      SIGNIN_FREE_FAILURES: '3',
      SIGNIN_FREE_FAILURES_PER_ADDRESS: '30',
      // Long enough that no test outlasts a wait by being slow.
      SIGNIN_FIRST_DELAY_SECONDS: '120',
      SIGNIN_MAX_DELAY_SECONDS: '600',
    });
  }, 90_000);
  afterAll(async () => {
    await second?.close();
    await school?.s.stop();
  });

  it('wrong passwords back off per account, counted in Redis across hosts: then even the right one waits', async () => {
    await school.person('p-ivan', 'ivan.ivanov', 'пароль ивана');
    const onA = new AccountClient(school.s.httpUrl);
    const onB = new AccountClient(second.httpUrl);
    expect(await onA.signIn('ivan.ivanov', 'не тот 1')).toBe(401);
    expect(await onB.signIn('ivan.ivanov', 'не тот 2')).toBe(401);
    expect(await onA.signIn('ivan.ivanov', 'не тот 3')).toBe(401);
    expect(await onB.signIn('ivan.ivanov', 'не тот 4')).toBe(401);
    const before = await refusals('backoff');
    const r = await onA.post('/api/account/login', { login: 'ivan.ivanov', password: 'пароль ивана' });
    expect(r.status).toBe(429);
    expect(r.body.error).toBe('backoff');
    expect(r.body.retryAfter).toBeGreaterThan(0);
    expect(await refusals('backoff')).toBe(before + 1);
    // Another account from the same address is not held back.
    await school.person('p-maria', 'maria.ivanova', 'пароль марии');
    expect(await new AccountClient(school.s.httpUrl).signIn('maria.ivanova', 'пароль марии')).toBe(200);
  });

  it('many guesses sent at once are checked no faster than one at a time', async () => {
    const tries = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        new AccountClient(school.s.httpUrl).post('/api/account/login', {
          login: '+7 999 000 11 22',
          password: `guess ${i}`,
        }),
      ),
    );
    const checked = tries.filter((t) => t.body.error === 'bad_credentials').length;
    const held = tries.filter((t) => t.body.error === 'backoff').length;
    expect(checked).toBeLessThanOrEqual(4);
    expect(checked + held).toBe(12);
  });

  it('a state change from another site, or without the session’s CSRF token, is refused and changes nothing', async () => {
    const view = async () =>
      (await school.admin.get('/api/school')).body.classes[1].pupils.find(
        (p: { id: string }) => p.id === 'p-petr',
      ).status;
    const before = await refusals('csrf');
    const path = '/api/school/people/p-petr/deactivate';
    const noToken = await school.admin.post(path, {}, { 'x-csrf-token': '' });
    expect(noToken).toMatchObject({ status: 403, body: { error: 'csrf' } });
    const wrongToken = await school.admin.post(path, {}, { 'x-csrf-token': 'x'.repeat(32) });
    expect(wrongToken.body.error).toBe('csrf');
    const otherSite = await school.admin.post(path, {}, { origin: 'https://evil.example' });
    expect(otherSite.body.error).toBe('csrf');
    const crossSite = await school.admin.post(path, {}, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.body.error).toBe('csrf');
    // Signing someone in from another site is refused too (login CSRF).
    const loginCsrf = await new AccountClient(school.s.httpUrl).post(
      '/api/account/login',
      { login: 'ivan.ivanov', password: 'x' },
      { origin: 'https://evil.example' },
    );
    expect(loginCsrf.body.error).toBe('csrf');
    expect(await refusals('csrf')).toBe(before + 5);
    expect(await view()).not.toBe('deactivated');
  });

  it('after sign-in the browser goes only to a page of this site', async () => {
    for (const evil of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      '/\t/evil.example',
      'javascript:alert(1)',
      '\\\\evil.example',
      // Dot segments that normalise back to '//' (attack pass 8).
      '/.//evil.example',
      '/..//evil.example',
      '/x/..//evil.example',
      '/%2e//evil.example',
      '/.//evil.example/path?q#h',
    ]) {
      expect(safeNext(evil)).toBe('/');
    }
    expect(safeNext('/messenger#chat=abc')).toBe('/messenger#chat=abc');
    const c = new AccountClient(school.s.httpUrl);
    const r = await c.post('/api/account/login', {
      login: 'maria.ivanova',
      password: 'пароль марии',
      next: '/.//evil.example/steal',
    });
    expect(r).toMatchObject({ status: 200, body: { next: '/' } });
  });

  it('a session id planted before sign-in is ended by it: the planter gets nothing', async () => {
    // The attacker signs into their own account and plants that cookie in the victim's browser.
    const attacker = await school.person('m-ivanova', '+7 916 111-22-33', 'пароль мамы');
    const planted = attacker.cookie;
    expect(planted).toMatch(/^sc_session=.{20,}/);
    const victim = new AccountClient(school.s.httpUrl);
    victim.cookie = planted;
    const r = await victim.post('/api/account/login', { login: 'maria.ivanova', password: 'пароль марии' });
    expect(r.status).toBe(200);
    expect(victim.cookie).not.toBe(planted);
    expect((await victim.me())?.id).toBe('p-maria');
    // The planted id is no session at all now: not the victim's, not the attacker's.
    const withPlanted = new AccountClient(school.s.httpUrl);
    withPlanted.cookie = planted;
    expect((await withPlanted.get('/api/account/me')).status).toBe(401);
  });

  it('deactivation ends the person’s sessions, tokens and open connections at once, on every host', async () => {
    const parent = await school.person('f-petrov', '+7 900 123-45-67', 'пароль отца');
    const chatToken = (await parent.post('/api/account/tokens/chat')).body.token as string;
    const chat = await TestChatClient.connect(school.s.wsUrl);
    await chat.authenticate(chatToken);
    // A token another system minted for the same person (no session in it).
    const integration = await school.s.token({
      userId: 'f-petrov',
      displayName: 'Сергей Петров',
      role: 'parent',
      schoolId: school.schoolId,
    });
    // In a call too, joined on the second host with a token the admin API minted.
    const room = await fetch(`${second.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: second.adminHeaders,
      body: JSON.stringify({ id: 'meeting', title: 'Собрание' }),
    });
    expect(room.status).toBe(201);
    const minted = await fetch(`${second.httpUrl}/api/rooms/meeting/tokens`, {
      method: 'POST',
      headers: second.adminHeaders,
      body: JSON.stringify({ displayName: 'Сергей Петров', userId: 'f-petrov' }),
    });
    const callToken = ((await minted.json()) as { token: string }).token;
    const call = await TestClient.connect(second.wsUrl);
    await call.request({ join: { roomId: 'meeting', token: callToken } });

    const r = await school.admin.post('/api/school/people/f-petrov/deactivate');
    expect(r.status).toBe(200);
    await chat.waitFor((e) => Boolean(e.closed), 5000);
    const closed = await call.waitForEvent((e) => Boolean(e.sessionClosed), 5000);
    expect(closed.sessionClosed?.reason).toBe(pb.CloseReason.CLOSE_REASON_SIGNED_OUT);
    expect((await parent.get('/api/account/me')).status).toBe(401);
    for (const token of [chatToken, integration]) {
      const again = await TestChatClient.connect(school.s.wsUrl);
      await expect(again.authenticate(token)).rejects.toThrow(/revoked/);
      again.close();
    }
    const rejoin = await TestClient.connect(second.wsUrl);
    await expect(rejoin.request({ join: { roomId: 'meeting', token: callToken } })).rejects.toThrow(
      /revoked/,
    );
    rejoin.close();
    const signIn = await new AccountClient(school.s.httpUrl).post('/api/account/login', {
      login: '+79001234567',
      password: 'пароль отца',
    });
    expect(signIn.body.error).toBe('deactivated');
    // Opened again, the person signs in again.
    await school.admin.post('/api/school/people/f-petrov/reactivate');
    expect(await new AccountClient(school.s.httpUrl).signIn('+79001234567', 'пароль отца')).toBe(200);
  });

  it('signing out one device ends that device’s tokens, not the others', async () => {
    const phone = new AccountClient(school.s.httpUrl);
    const laptop = new AccountClient(school.s.httpUrl);
    expect(await phone.signIn('+79001234567', 'пароль отца')).toBe(200);
    expect(await laptop.signIn('+79001234567', 'пароль отца')).toBe(200);
    const phoneToken = (await phone.post('/api/account/tokens/chat')).body.token as string;
    const laptopToken = (await laptop.post('/api/account/tokens/chat')).body.token as string;
    const list = await laptop.get('/api/account/sessions');
    const phoneSession = list.body.sessions.find((s: { current: boolean }) => !s.current);
    expect(list.body.sessions.length).toBeGreaterThanOrEqual(2);
    expect((await laptop.post(`/api/account/sessions/${phoneSession.id}/end`)).status).toBe(200);
    expect((await phone.get('/api/account/me')).status).toBe(401);
    const c1 = await TestChatClient.connect(school.s.wsUrl);
    await expect(c1.authenticate(phoneToken)).rejects.toThrow(/revoked/);
    c1.close();
    const c2 = await TestChatClient.connect(school.s.wsUrl);
    expect((await c2.authenticate(laptopToken)).user?.userId).toBe('f-petrov');
    c2.close();
  });

  it('pupils and teachers cannot use the admin’s API; a class teacher sees only their own class', async () => {
    const pupil = new AccountClient(school.s.httpUrl);
    expect(await pupil.signIn('maria.ivanova', 'пароль марии')).toBe(200);
    const teacher = await school.person('t-belov', '+7 916 000-00-01', 'пароль учителя');
    const subjectOnly = await school.person('t-zav', 'zav.admin', 'пароль завуча');
    const forbidden = await refusals('forbidden');
    expect((await pupil.get('/api/school')).status).toBe(403);
    for (const c of [pupil, teacher]) {
      expect((await c.post('/api/school/import?dryRun=1', new TextEncoder().encode('a;b'))).status).toBe(403);
      expect((await c.post('/api/school/people/p-ivan/deactivate')).status).toBe(403);
      expect((await c.post('/api/school/invitation')).status).toBe(403);
    }
    const own = await teacher.get('/api/school');
    expect(own.status).toBe(200);
    expect(own.body.classes.map((c: { name: string }) => c.name)).toEqual(['6А']);
    expect(own.body.teachers).toEqual([]);
    // Codes for their own class's pupils, not for another class's.
    expect((await teacher.post('/api/school/codes', { personIds: ['p-petr'] })).status).toBe(200);
    expect((await teacher.post('/api/school/codes', { personIds: ['p-ivan'] })).status).toBe(403);
    expect((await teacher.post('/api/school/classes/5А/codes', { who: 'pupils' })).status).toBe(403);
    expect(await refusals('forbidden')).toBeGreaterThanOrEqual(forbidden + 9);
    // The admin teacher of the file is the school's admin too.
    expect((await subjectOnly.get('/api/school')).body.classes).toHaveLength(2);
  });
  it('guessed codes back off per address (last: it holds this address back); a browser that signed in before still gets in', async () => {
    // A teacher's browser signed in before (attack report 8, item 5: one pupil behind the
    // school's one address made every teacher's right password wait).
    const known = new AccountClient(school.s.httpUrl);
    expect(
      (await known.post('/api/account/login', { login: 'maria.ivanova', password: 'пароль марии' })).status,
    ).toBe(200);
    expect(known.device).toMatch(/^sc_device=[A-Za-z0-9_-]{22}$/);
    const c = new AccountClient(school.s.httpUrl);
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) {
      answers.push(
        (await c.post('/api/account/code', { code: `KKKK-KKKK-KK${i < 10 ? 'K' : 'M'}${i % 2 ? 'A' : 'C'}` }))
          .body.error,
      );
    }
    expect(answers[0]).toBe('code_unknown');
    expect(answers).toContain('backoff');
    // Once held back, every further guess from the address is refused unchecked.
    expect(answers.slice(answers.indexOf('backoff'))).toEqual(
      answers.slice(answers.indexOf('backoff')).map(() => 'backoff'),
    );
    // The browser that knows the account is let past the address's wait; a stranger's is not.
    const again = await known.post('/api/account/login', {
      login: 'maria.ivanova',
      password: 'пароль марии',
    });
    expect(again.status).toBe(200);
    const stranger = new AccountClient(school.s.httpUrl);
    const refused = await stranger.post('/api/account/login', {
      login: 'maria.ivanova',
      password: 'пароль марии',
    });
    expect(refused.body.error).toBe('backoff');
    // Wrong passwords from the known browser still count for the account.
    const known2 = new AccountClient(school.s.httpUrl);
    known2.device = known.device;
    const wrong: string[] = [];
    for (let i = 0; i < 6; i++) {
      wrong.push(
        (await known2.post('/api/account/login', { login: 'maria.ivanova', password: `не то ${i}` })).body
          .error,
      );
    }
    expect(wrong[0]).toBe('bad_credentials');
    expect(wrong).toContain('backoff');
  });
});
