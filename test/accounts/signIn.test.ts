// Signing in against the real server and Redis: the setup code, a school's
// file imported by its admin, activation codes typed as people type them,
// passwords, sessions and what "the signed-in person" is (role, classes,
// children), the home's chats and lessons, and the short-lived tokens the
// messenger and the call take from the session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountClient,
  type AccountSchool,
  SETUP_CODE,
  asTyped,
  startAccountSchool,
} from '../helpers/accounts.js';
import type { cpb } from '../helpers/chatServer.js';
import { TestChatClient } from '../helpers/chatServer.js';

let school: AccountSchool;

describe('accounts: signing in', () => {
  beforeAll(async () => {
    school = await startAccountSchool();
  }, 60_000);
  afterAll(async () => {
    await school?.s.stop();
  });

  it('the setup code made a school whose admin imported its file: classes with Cyrillic ids, people, chats', async () => {
    const view = await school.admin.get('/api/school');
    expect(view.status).toBe(200);
    expect(view.body.classes.map((c: { name: string }) => c.name)).toEqual(['5А', '6А']);
    const sixA = view.body.classes.find((c: { id: string }) => c.id === '6А');
    expect(sixA.pupils.map((p: { name: string }) => p.name)).toEqual(['Мария Иванова', 'Пётр Петров']);
    // A parent of children in 5А and 6А is in both classes' parents.
    const fiveA = view.body.classes.find((c: { id: string }) => c.id === '5А');
    expect(fiveA.parents.map((p: { id: string }) => p.id)).toContain('m-ivanova');
    expect(sixA.parents.map((p: { id: string }) => p.id)).toContain('m-ivanova');
    // The setup code works once.
    const again = await new AccountClient(school.s.httpUrl).post('/api/account/code', { code: SETUP_CODE });
    expect(again.body.error).toBe('code_used');
  });

  it('printed sheets keep each other working: a parent on two classes’ sheets has two live papers until one is used or a new code is given; the teachers’ sheet has every teacher not signed in', async () => {
    const sheet = async (classId: string, who: 'pupils' | 'parents') => {
      const r = await school.admin.post(`/api/school/classes/${encodeURIComponent(classId)}/codes`, { who });
      expect(r.status).toBe(200);
      return new Map<string, string>(
        r.body.codes.map((c: { personId: string; code: string }) => [c.personId, c.code]),
      );
    };
    const owner = async (code: string) =>
      (await new AccountClient(school.s.httpUrl).post('/api/account/code', { code })).body;
    // The 5А and the 6А class teachers print their parents' sheets: the mother of both children is on each.
    const fromFive = (await sheet('5А', 'parents')).get('m-ivanova')!;
    const fromSix = (await sheet('6А', 'parents')).get('m-ivanova')!;
    expect((await owner(fromFive)).person.name).toBe('Елена Петровна Иванова');
    expect((await owner(fromSix)).person.name).toBe('Елена Петровна Иванова');
    // A code given one by one (a lost paper) replaces every paper.
    await school.code('m-ivanova');
    expect((await owner(fromFive)).error).toBe('code_used');
    expect((await owner(fromSix)).error).toBe('code_used');
    // A sheet printed twice: either paper works, and using one ends the other.
    const first = (await sheet('5А', 'pupils')).get('p-ivan')!;
    const second = (await sheet('5А', 'pupils')).get('p-ivan')!;
    const pupil = new AccountClient(school.s.httpUrl);
    expect(await pupil.activate(second, 'ivan.ivanov', 'пароль ученика')).toBe(200);
    expect((await owner(first)).error).toBe('code_used');
    // The admin's teachers' sheet: every teacher and admin not signed in yet, not the admin printing it.
    const teachers = await school.admin.post('/api/school/teachers/codes');
    expect(teachers.status).toBe(200);
    expect(teachers.body.codes.map((c: { personId: string }) => c.personId).sort()).toEqual([
      't-belov',
      't-orlova',
      't-zav',
    ]);
    expect((await pupil.post('/api/school/teachers/codes')).status).toBe(403);
  });

  it('a parent activates with a code typed in small Cyrillic look-alikes, then signs in with the password', async () => {
    const code = await school.code('m-ivanova');
    const typed = asTyped(code);
    expect(typed).not.toBe(code);
    const parent = new AccountClient(school.s.httpUrl);
    const owner = await parent.post('/api/account/code', { code: typed });
    expect(owner.status).toBe(200);
    expect(owner.body.person.name).toBe('Елена Петровна Иванова');
    expect(owner.body.person.children).toEqual([
      { name: 'Иван Иванов', className: '5А' },
      { name: 'Мария Иванова', className: '6А' },
    ]);
    expect(await parent.activate(typed, '8 (916) 111-22-33', 'мой пароль 1')).toBe(200);
    const me = await parent.me();
    expect(me).toMatchObject({ id: 'm-ivanova', role: 'parent', schoolName: 'Школа № 7' });
    expect(me!.classes.map((c: { name: string }) => c.name)).toEqual(['5А', '6А']);
    // The code is spent; the phone in another form and the password sign in.
    expect((await new AccountClient(school.s.httpUrl).post('/api/account/code', { code })).body.error).toBe(
      'code_used',
    );
    const again = new AccountClient(school.s.httpUrl);
    expect(await again.signIn('+79161112233', 'мой пароль 1')).toBe(200);
    const home = await again.get('/api/account/home');
    const titles = home.body.chats.map((c: { title: string }) => c.title);
    expect(titles).toEqual(expect.arrayContaining(['5А · родители', '6А · родители']));
    expect(titles).not.toContain('5А');
    const wrong = await new AccountClient(school.s.httpUrl).post('/api/account/login', {
      login: '+79161112233',
      password: 'не тот',
    });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'bad_credentials' } });
  });

  it('refuses a code nobody was given, an expired-looking one, a short password and a taken phone, changing nothing', async () => {
    const c = new AccountClient(school.s.httpUrl);
    expect((await c.post('/api/account/code', { code: 'AAAA-AAAA-AAAA' })).body.error).toBe('code_unknown');
    expect((await c.post('/api/account/code', { code: 'hello' })).body.error).toBe('code_unknown');
    const code = await school.code('f-petrov');
    expect(
      (await c.post('/api/account/activate', { code, login: '+79005551234', password: 'short' })).body.error,
    ).toBe('password_short');
    // The Ivanova parent took this phone above.
    expect(
      (await c.post('/api/account/activate', { code, login: '+7 916 111 22 33', password: 'long enough 1' }))
        .body.error,
    ).toBe('login_taken');
    // The code still works after the refusals.
    expect(await c.activate(code, 'petrov.sergey', 'long enough 1')).toBe(200);
  });

  it('a new code replaces the old one and signs out whoever used the old password', async () => {
    const pupil = await school.person('p-petr', 'petr.petrov', 'старый пароль');
    const first = await school.code('p-petr');
    const second = await school.code('p-petr');
    const c = new AccountClient(school.s.httpUrl);
    expect((await c.post('/api/account/code', { code: first })).body.error).toBe('code_used');
    expect((await c.post('/api/account/code', { code: second })).body.login).toBe('petr.petrov');
    expect(await c.activate(second, 'petr.petrov', 'новый пароль')).toBe(200);
    expect((await pupil.get('/api/account/me')).status).toBe(401);
    expect(await new AccountClient(school.s.httpUrl).signIn('petr.petrov', 'старый пароль')).toBe(401);
    expect(await new AccountClient(school.s.httpUrl).signIn('petr.petrov', 'новый пароль')).toBe(200);
  });

  it('the messenger takes its token from the session: the parents’ chat opens, with the person the session says', async () => {
    const parent = await school.person('f-petrov', 'f.petrov2', 'пароль отца 1').catch(async () => {
      const c = new AccountClient(school.s.httpUrl);
      await c.signIn('petrov.sergey', 'long enough 1');
      return c;
    });
    const t = await parent.post('/api/account/tokens/chat');
    expect(t.status).toBe(200);
    const chat = await TestChatClient.connect(school.s.wsUrl);
    const auth = await chat.authenticate(t.body.token);
    expect(auth.user?.userId).toBe('f-petrov');
    expect(auth.chats?.map((c: cpb.IChat) => c.title)).toContain('6А · родители');
    chat.close();
  });
});
