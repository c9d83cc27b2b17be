// Accounts in tests: a server with a known setup code, a client that keeps
// its session cookie and CSRF token like a browser (and sends the site's
// Origin), and a school set up and imported through the admin's own API.
import { type ChatTestServer, startChatServer } from './chatServer.js';
import type { TestServer } from './testServer.js';

export const SETUP_CODE = 'ACDE-FHJK-MNPR';

/** A small school: 5А and 6А (Cyrillic ids), a class teacher each, an admin teacher, a parent of two. */
export const SCHOOL_CSV = [
  'Тип;Ид;Фамилия;Имя;Отчество;Название;Класс;Классный руководитель;Предметы;Дети;Администратор;Телефон;Эл. почта',
  'класс;5А;;;;5А;;t-orlova;;;;;',
  'класс;6А;;;;6А;;t-belov;;;;;',
  'учитель;t-orlova;Орлова;Нина;Павловна;;;;Английский язык: 5А 6А;;;;orlova@school.example',
  'учитель;t-belov;Белов;Олег;Ильич;;;;Математика: 6А;;;+7 916 000-00-01;belov@school.example',
  'учитель;t-zav;Завучева;Анна;Сергеевна;;;;;;да;;',
  'ученик;p-ivan;Иванов;Иван;;;5А;;;;;;',
  'ученик;p-maria;Иванова;Мария;;;6А;;;;;;',
  'ученик;p-petr;Петров;Пётр;;;6А;;;;;;',
  'родитель;m-ivanova;Иванова;Елена;Петровна;;;;;p-ivan p-maria;;+7 916 111-22-33;',
  'родитель;f-petrov;Петров;Сергей;;;;;;p-petr;;;',
].join('\n');

/** Answers are read loosely: each test says what it expects in them. */
// biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes, checked by the tests' expectations.
type Body = Record<string, any>;

/** How a person types a code off paper: small letters, Cyrillic where a letter looks Latin, spaces. */
export function asTyped(code: string): string {
  const cyr: Record<string, string> = {
    A: 'а',
    C: 'с',
    E: 'е',
    H: 'н',
    K: 'к',
    M: 'м',
    P: 'р',
    T: 'т',
    X: 'х',
    Y: 'у',
    '3': 'з',
  };
  return [...code]
    .map((ch) => cyr[ch] ?? ch.toLowerCase())
    .join('')
    .replace(/-/g, ' ');
}

export class AccountClient {
  cookie = '';
  csrf = '';

  constructor(readonly base: string) {}

  /** The known-device cookie (accounts/knownDevices.ts), kept like a browser keeps it. */
  device = '';

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookies = [this.cookie, this.device].filter(Boolean).join('; ');
    return {
      origin: this.base,
      ...(cookies ? { cookie: cookies } : {}),
      ...(this.csrf ? { 'x-csrf-token': this.csrf } : {}),
      ...extra,
    };
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=');
      if (name === 'sc_device') this.device = value ? `${name}=${value}` : '';
      if (!name?.includes('session')) continue;
      this.cookie = value ? `${name}=${value}` : '';
      if (!value) this.csrf = '';
    }
  }

  async get(path: string): Promise<{ status: number; body: Body }> {
    const res = await fetch(this.base + path, { headers: this.headers(), redirect: 'manual' });
    this.keep(res);
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Body };
  }

  async post(
    path: string,
    body: unknown = {},
    extra: Record<string, string> = {},
  ): Promise<{ status: number; body: Body; setCookie: string[] }> {
    const raw = body instanceof Uint8Array || typeof body === 'string';
    const res = await fetch(this.base + path, {
      method: 'POST',
      headers: this.headers({
        'content-type': raw ? 'application/octet-stream' : 'application/json',
        ...extra,
      }),
      body: raw ? (body as BodyInit) : JSON.stringify(body),
      redirect: 'manual',
    });
    this.keep(res);
    return {
      status: res.status,
      body: (await res.json().catch(() => ({}))) as Body,
      setCookie: res.headers.getSetCookie(),
    };
  }

  /** Reads the CSRF token of the session (what the web client does on load). */
  async me(): Promise<Body | null> {
    const r = await this.get('/api/account/me');
    if (r.status !== 200) return null;
    this.csrf = r.body.csrf;
    return r.body.person;
  }

  async signIn(login: string, password: string): Promise<number> {
    const r = await this.post('/api/account/login', { login, password });
    if (r.status === 200) await this.me();
    return r.status;
  }

  async activate(code: string, login: string, password: string): Promise<number> {
    const r = await this.post('/api/account/activate', { code, login, password });
    if (r.status === 200) await this.me();
    return r.status;
  }
}

export interface AccountSchool {
  s: ChatTestServer;
  admin: AccountClient;
  schoolId: string;
  /** A fresh code for a person, issued by the school's admin. */
  code(personId: string): Promise<string>;
  /** A signed-in client for a person of the school (code, then a password). */
  person(personId: string, login: string, password?: string): Promise<AccountClient>;
}

/** The server, its first admin made with the setup code, and SCHOOL_CSV (or `csv`) imported from the admin screen's API. */
export async function startAccountSchool(
  overrides: Record<string, string> = {},
  csv: string = SCHOOL_CSV,
): Promise<AccountSchool> {
  const s = await startChatServer({ SETUP_CODE, ...overrides });
  const admin = new AccountClient(s.httpUrl);
  const setup = await admin.post('/api/account/setup', {
    code: SETUP_CODE.toLowerCase(),
    schoolName: 'Школа № 7',
    lastName: 'Директорова',
    firstName: 'Ольга',
    middleName: 'Ивановна',
    login: '+7 900 000-00-00',
    password: 'директор-пароль',
  });
  if (setup.status !== 200) throw new Error(`setup: ${setup.status} ${JSON.stringify(setup.body)}`);
  const me = await admin.me();
  const imported = await admin.post('/api/school/import', new TextEncoder().encode(csv));
  if (imported.status !== 200) throw new Error(`import: ${imported.status} ${JSON.stringify(imported.body)}`);
  const school: AccountSchool = {
    s,
    admin,
    schoolId: me!.schoolId,
    async code(personId) {
      const r = await admin.post('/api/school/codes', { personIds: [personId] });
      if (r.status !== 200) throw new Error(`code: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.codes[0].code as string;
    },
    async person(personId, login, password = 'пароль-родителя') {
      const c = new AccountClient(s.httpUrl);
      const status = await c.activate(await school.code(personId), login, password);
      if (status !== 200) throw new Error(`activate ${personId}: ${status}`);
      return c;
    },
  };
  return school;
}

/** How many refusals of `reason` the server counted in school_call_account_refusals_total. */
export async function accountRefusals(server: TestServer, reason: string): Promise<number> {
  const m = await server.metrics.registry.getSingleMetric('school_call_account_refusals_total')?.get();
  return m?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}
