// Accounts outlive a restart (they are in PostgreSQL): the server started
// again on the same Redis and database still knows the school, the admin's
// and a parent's passwords, and that a used code is used; it issues no new
// setup code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountClient, type AccountSchool, startAccountSchool } from '../helpers/accounts.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

let school: AccountSchool;
let again: TestServer | null = null;

describe('accounts across a restart', () => {
  beforeAll(async () => {
    school = await startAccountSchool();
  }, 90_000);
  afterAll(async () => {
    await again?.close();
    await school?.s.redis?.stop();
  });

  it('the admin and a parent sign in with their passwords after the server starts again; a used code stays used', async () => {
    const code = await school.code('m-ivanova');
    const parent = new AccountClient(school.s.httpUrl);
    expect(await parent.activate(code, '+7 916 111-22-33', 'пароль-родителя')).toBe(200);
    await school.s.server.close();

    again = await startTestServer(school.s.env);
    expect(again.setupCode).toBeNull();
    const admin = new AccountClient(again.httpUrl);
    expect(await admin.signIn('+7 900 000-00-00', 'директор-пароль')).toBe(200);
    expect((await admin.me())?.role).toBe('admin');
    const mother = new AccountClient(again.httpUrl);
    expect(await mother.signIn('+7 916 111-22-33', 'пароль-родителя')).toBe(200);
    expect((await mother.me())?.name).toBe('Елена Петровна Иванова');
    const reused = await new AccountClient(again.httpUrl).post('/api/account/code', { code });
    expect(reused.body.error).toBe('code_used');
  }, 90_000);
});
