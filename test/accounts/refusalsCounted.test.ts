// Every way the accounts part refuses, reached through its real routes: the
// answer carries the refusal's own status and code, and
// school_call_account_refusals_total{reason} counts it once. The table is
// typed by RefusalCode, so a new refusal does not compile until it has a case
// here, or the name of the test that reaches it with a set-up of its own.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSALS, type RefusalCode } from '../../accounts/errors.js';
import { dirKeys } from '../../directory/store.js';
import {
  AccountClient,
  type AccountSchool,
  SCHOOL_CSV,
  accountRefusals,
  startAccountSchool,
} from '../helpers/accounts.js';
import { redisAvailable } from '../helpers/redis.js';

let school: AccountSchool;
let pupil: AccountClient;
let teacher: AccountClient;

/** What a refusal answered: its HTTP status and the code it named (a redirect names it in its address). */
interface Answer {
  status: number;
  code: string | undefined;
}

const fresh = () => new AccountClient(school.s.httpUrl);
const answer = (r: { status: number; body: Record<string, unknown> }): Answer => ({
  status: r.status,
  code: r.body.error as string | undefined,
});
/** A browser's way through single sign-on: the refusal comes back as /login?error=<code>. */
async function redirected(path: string): Promise<Answer> {
  const res = await fetch(school.s.httpUrl + path, { redirect: 'manual' });
  const to = new URL(res.headers.get('location') ?? '/', school.s.httpUrl);
  return { status: res.status, code: to.searchParams.get('error') ?? undefined };
}
const activate = async (personId: string, login: string, password: string) =>
  answer(await fresh().post('/api/account/activate', { code: await school.code(personId), login, password }));

const cases: Record<RefusalCode, (() => Promise<Answer>) | string> = {
  not_signed_in: async () => answer(await fresh().get('/api/account/home')),
  csrf: async () => {
    const c = await school.person('p-maria', 'maria.r', 'пароль марии');
    c.csrf = '';
    return answer(await c.post('/api/account/logout'));
  },
  forbidden: async () => answer(await pupil.post('/api/school/codes', { personIds: ['p-maria'] })),
  bad_request: async () => answer(await fresh().post('/api/account/login', [1, 2])),
  bad_credentials: async () =>
    answer(await fresh().post('/api/account/login', { login: 'ivan.r', password: 'не тот пароль' })),
  backoff: 'test/accounts/abuse.test.ts (it sets small limits of its own)',
  deactivated: async () => {
    await school.person('p-petr', 'petr.r', 'пароль петра');
    expect((await school.admin.post('/api/school/people/p-petr/deactivate')).status).toBe(200);
    return answer(await fresh().post('/api/account/login', { login: 'petr.r', password: 'пароль петра' }));
  },
  code_unknown: async () => answer(await fresh().post('/api/account/code', { code: 'ACDE-ACDE-ACDE' })),
  code_expired: 'test/accounts/cookieAndExpiry.test.ts (it moves the clock past the code’s days)',
  code_used: async () => {
    const code = await school.code('f-petrov');
    expect(
      (await fresh().post('/api/account/activate', { code, login: 'petrov.r', password: 'пароль папы' }))
        .status,
    ).toBe(200);
    return answer(await fresh().post('/api/account/code', { code }));
  },
  login_taken: async () => activate('m-ivanova', 'ivan.r', 'пароль мамы'),
  login_invalid: async () => activate('m-ivanova', 'нет@почты', 'пароль мамы'),
  password_short: async () => activate('m-ivanova', 'mama.r', 'коротко'),
  password_long: async () => activate('m-ivanova', 'mama.r', 'д'.repeat(300)),
  unknown_person:
    'test/e2e/accountsSso.test.ts and accountsSsoMatch.test.ts (a real OpenID Connect provider)',
  sso_failed: async () => redirected('/auth/sso/callback?state=forged&code=forged'),
  sso_unknown_provider: async () => redirected('/auth/sso/no-such-provider'),
  sso_ambiguous:
    'test/e2e/accountsSsoMatch.test.ts (two people of the school under the number a real provider sends)',
  passkey_failed: async () =>
    answer(
      await fresh().post('/api/account/passkey-login', { id: 'forged', response: { clientDataJSON: 'x' } }),
    ),
  invitation_unknown: async () =>
    answer(await teacher.post('/api/account/verification', { invitation: 'ACDE-FHJK' })),
  not_found: async () => answer(await pupil.post('/api/account/sessions/no-such-session/end')),
  demo_server: 'test/accounts/demoBeside.test.ts (a server started with the demo)',
  bad_file: async () =>
    answer(await school.admin.post('/api/school/import', new TextEncoder().encode('это;не;журнал\n1;2'))),
  import_busy: async () => {
    // Another host's import holds the school's lock (as directory/importer.ts takes it).
    const redis = new Redis(school.s.redis!.url);
    try {
      await redis.set(dirKeys.lock(school.schoolId), 'another-host', 'EX', 60);
      return answer(await school.admin.post('/api/school/import', new TextEncoder().encode(SCHOOL_CSV)));
    } finally {
      await redis.del(dirKeys.lock(school.schoolId));
      redis.disconnect();
    }
  },
  unavailable: async () => {
    // Redis frozen: sign-in cannot count guesses, so it does not check any.
    school.s.redis!.signal('SIGSTOP');
    try {
      return answer(await fresh().post('/api/account/login', { login: 'ivan.r', password: 'пароль ивана' }));
    } finally {
      school.s.redis!.signal('SIGCONT');
    }
  },
};

const counted = (reason: string) => accountRefusals(school.s.server, reason);

describe.skipIf(!redisAvailable())('accounts: every refusal is typed and counted', () => {
  beforeAll(async () => {
    school = await startAccountSchool();
    pupil = await school.person('p-ivan', 'ivan.r', 'пароль ивана');
    teacher = await school.person('t-belov', 'belov.r', 'пароль учителя');
  }, 90_000);
  afterAll(async () => {
    await school?.s.stop();
  });

  for (const [code, how] of Object.entries(cases) as [RefusalCode, (typeof cases)[RefusalCode]][]) {
    if (typeof how === 'string') continue;
    it(`${code}: answered ${REFUSALS[code]} with its code, counted once`, async () => {
      const before = await counted(code);
      const got = await how();
      if (got.status === 302) expect(got.code).toBe(code);
      else expect(got).toEqual({ status: REFUSALS[code], code });
      expect(await counted(code)).toBe(before + 1);
    });
  }
});
