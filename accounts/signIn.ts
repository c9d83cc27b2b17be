// The ways in that need no outside provider: a password (after the first
// time), an activation code typed once, and the setup code that makes a new
// server's first school administrator. Every way in ends in start(): a new
// session with a new id, and the session the browser came with (if any) is
// ended, so an id planted before sign-in is worth nothing after it.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../common/log.js';
import type { AttemptKey, Attempts } from './attempts.js';
import { type CodeHasher, normalizeCode } from './codes.js';
import { AccountError, type AccountMetrics } from './errors.js';
import type { KnownDevices } from './knownDevices.js';
import { normalizeLogin } from './logins.js';
import type { AccountStore, ActivationCode } from './model.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import type { People, SignedInPerson } from './people.js';
import type { Revocations } from './revocation.js';
import type { Session, Sessions } from './sessions.js';

export interface Client {
  ip: string;
  agent: string;
  /** The session cookie the browser came with, if any: it ends at sign-in. */
  previous?: string;
  /** The browser's known-device cookie (knownDevices.ts), if any. */
  device?: string;
}

/** A new session, and the browser's known-device cookie when a login was used. */
export interface Started {
  cookie: string;
  session: Session;
  device?: string;
}

/** The person an activation code belongs to, as the activation page shows them. */
export interface CodeOwner {
  kind: 'person' | 'setup';
  person: SignedInPerson | null;
  /** A login chosen earlier: this code resets the password. */
  login: string | null;
}

export const SETUP_PERSON = '';

export class SignIn {
  constructor(
    private readonly d: {
      store: AccountStore;
      sessions: Sessions;
      attempts: Attempts;
      revocations: Revocations;
      people: People;
      hasher: CodeHasher;
      devices: KnownDevices;
      metrics: AccountMetrics;
      /** The demo is on: no real school may be set up beside it. */
      demo: boolean;
      log: Logger;
    },
  ) {}

  /** A new session for a person; the one the browser came with ends. With `login`, the browser is remembered for it. */
  async start(
    person: { id: string; schoolId: string },
    method: string,
    client: Client,
    login?: string,
  ): Promise<Started> {
    const { sessions } = this.d;
    if (client.previous) {
      const old = await sessions.fromCookie(client.previous);
      if (old) await sessions.end(old.personId, old.id);
    }
    const started = await sessions.create(
      { personId: person.id, schoolId: person.schoolId, method },
      { ip: client.ip, agent: client.agent },
    );
    this.d.metrics.signIns.inc({ method });
    this.d.log.info({ person: person.id, school: person.schoolId, method }, 'signed in');
    return login ? { ...started, device: this.d.devices.remember(client.device, login) } : started;
  }

  /** Login and password; the same refusal whichever of the two is wrong. */
  async password(typedLogin: string, password: string, client: Client) {
    const login = normalizeLogin(typedLogin);
    const account_ = login?.value ?? '(invalid)';
    // A browser that signed in to this account before waits only for the account, not for its address.
    const keys: AttemptKey[] = this.d.devices.knows(client.device, account_)
      ? [{ account: account_ }]
      : [{ account: account_ }, { address: client.ip }];
    const right = await this.d.attempts.begin(keys);
    const account = login ? await this.d.store.accountByLogin(login.value) : null;
    const ok = account?.passwordHash
      ? await verifyPassword(password, account.passwordHash)
      : (await verifyPassword(password, await decoyHash())) && false;
    if (!account || !ok) throw new AccountError('bad_credentials');
    await right();
    // Said only to whoever knows the password.
    if (account.deactivatedAt) throw new AccountError('deactivated');
    const person = await this.d.people.find(account.personId, account.schoolId);
    if (!person) throw new AccountError('unknown_person', 'the directory no longer lists this person');
    return this.start(person, 'password', client, account.login ?? undefined);
  }

  /** Reads a typed code (counted per address: codes are guessed like passwords). */
  private async code(typed: string, ip: string): Promise<ActivationCode> {
    const right = await this.d.attempts.begin([{ address: ip }]);
    const normal = normalizeCode(typed);
    const rec = normal ? await this.d.store.code(this.d.hasher.hash(normal)) : null;
    if (!rec) throw new AccountError('code_unknown');
    await right();
    if (rec.usedAt) throw new AccountError('code_used');
    if (rec.expiresAt.getTime() < Date.now()) throw new AccountError('code_expired');
    return rec;
  }

  /** Whose code it is, for the page to say "Это вы?" before a password is chosen. */
  async codeOwner(typed: string, ip: string): Promise<CodeOwner> {
    const rec = await this.code(typed, ip);
    if (rec.personId === SETUP_PERSON) {
      if (this.d.demo) throw new AccountError('demo_server');
      return { kind: 'setup', person: null, login: null };
    }
    const person = await this.d.people.find(rec.personId, rec.schoolId);
    if (!person) throw new AccountError('code_unknown', 'the directory no longer lists this person');
    const account = await this.d.store.account(rec.personId);
    if (account?.deactivatedAt) throw new AccountError('deactivated');
    return { kind: 'person', person, login: account?.login ?? null };
  }

  /** The code's owner chooses a login and password (first time, or a reset) and is signed in. */
  async activate(
    typed: string,
    choice: { login: string; password: string },
    client: Client,
  ): Promise<{ cookie: string; session: Session }> {
    const owner = await this.codeOwner(typed, client.ip);
    if (owner.kind !== 'person' || !owner.person) throw new AccountError('code_unknown');
    const person = owner.person;
    const { login, hash } = await this.credentials(choice, person.id);
    const rec = await this.code(typed, client.ip);
    if (!(await this.d.store.useCode(rec.codeHash, new Date()))) throw new AccountError('code_used');
    if (!(await this.d.store.setCredentials(person.id, person.schoolId, { login, passwordHash: hash }))) {
      throw new AccountError('login_taken');
    }
    // A new code means a lost password or device: whoever had the old one is signed out.
    await this.endEverywhere(person.id);
    return this.start(person, 'code', client, login);
  }

  /** The setup code: a new school and its first administrator, signed in. */
  async setup(
    typed: string,
    choice: {
      schoolName: string;
      lastName: string;
      firstName: string;
      middleName: string;
      login: string;
      password: string;
    },
    client: Client,
  ): Promise<Started & { schoolId: string }> {
    const owner = await this.codeOwner(typed, client.ip);
    if (owner.kind !== 'setup') throw new AccountError('code_unknown');
    const clean = (s: string) => s.trim().replace(/\s+/g, ' ');
    const schoolName = clean(choice.schoolName);
    const [last, first, middle] = [clean(choice.lastName), clean(choice.firstName), clean(choice.middleName)];
    const name = [first, middle, last].filter(Boolean).join(' ');
    const sort = [last, first, middle].filter(Boolean).join(' ');
    if (!schoolName || schoolName.length > 128 || !last || !first || name.length > 128) {
      throw new AccountError('bad_request', 'the school’s name and yours are needed');
    }
    const personId = `admin-${randomBytes(6).toString('hex')}`;
    const { login, hash } = await this.credentials(choice, personId);
    const rec = await this.code(typed, client.ip);
    if (!(await this.d.store.useCode(rec.codeHash, new Date()))) throw new AccountError('code_used');
    const schoolId = `school-${randomBytes(4).toString('hex')}`;
    await this.d.store.createSchool(
      { id: schoolId, name: schoolName, createdAt: new Date() },
      { personId, schoolId, name, sort },
    );
    await this.d.store.setCredentials(personId, schoolId, { login, passwordHash: hash });
    this.d.log.info({ school: schoolId, person: personId }, 'school set up');
    return { ...(await this.start({ id: personId, schoolId }, 'setup', client, login)), schoolId };
  }

  private async credentials(choice: { login: string; password: string }, personId: string) {
    const login = normalizeLogin(choice.login);
    if (!login) throw new AccountError('login_invalid');
    const problem = passwordProblem(choice.password);
    if (problem) throw new AccountError(problem);
    const owner = await this.d.store.accountByLogin(login.value);
    if (owner && owner.personId !== personId) throw new AccountError('login_taken');
    return { login: login.value, hash: await hashPassword(choice.password) };
  }

  /** Closes, on every host, the connections made from these sessions of a person. */
  async cutOff(personId: string, sessionIds: string[]): Promise<void> {
    if (sessionIds.length) await this.d.revocations.cutOff({ personId, sessionIds });
  }

  /** Ends every session of a person, and every connection made from them, on every host. */
  async endEverywhere(personId: string, except?: string): Promise<void> {
    const ended = await this.d.sessions.endAll(personId, except);
    if (ended.length) await this.d.revocations.cutOff({ personId, sessionIds: ended });
  }
}
