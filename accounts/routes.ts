// The signed-in person's API (`/api/account/...`): signing in (password,
// code, passkey, the setup code) and out, who they are, their home, their
// sessions ("Мои устройства"), their passkeys, applying for the verified
// mark, and the short-lived tokens the messenger and the call use. Every
// route goes through AccountHttp (session, same-site, CSRF).
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { deviceLabel } from '../common/deviceLabel.js';
import { HttpError, type Reply, parseJsonObject, sendJson } from '../signaling/http/httpUtil.js';
import { AccountError } from './errors.js';
import type { Home } from './home.js';
import type { AccountHttp, AccountRequest, SignedInRequest } from './http.js';
import { DEVICE_COOKIE } from './knownDevices.js';
import type { AccountStore } from './model.js';
import { safeNext } from './oidc.js';
import type { Passkeys } from './passkeys.js';
import type { People } from './people.js';
import type { SchoolAdmin } from './schoolAdmin.js';
import type { Session, Sessions } from './sessions.js';
import type { Client, SignIn, Started } from './signIn.js';
import type { AccountTokens } from './tokens.js';

export interface AccountRouteDeps {
  http: AccountHttp;
  signIn: () => SignIn;
  sessions: () => Sessions;
  people: () => People;
  store: () => AccountStore;
  passkeys: () => Passkeys;
  home: () => Home;
  admin: () => SchoolAdmin;
  tokens: () => AccountTokens;
  /** The sign-in page's choices. */
  providers: () => { id: string; label: string }[];
  demo: boolean;
}

/** A JSON object body (typed reading, or `bad_request`). */
export async function jsonBody(req: AccountRequest): Promise<Record<string, unknown>> {
  try {
    return parseJsonObject(await req.body());
  } catch (err) {
    if (err instanceof HttpError && err.status === 400) throw new AccountError('bad_request', err.message);
    throw err;
  }
}

export function text(body: Record<string, unknown>, key: string, max = 256, required = true): string {
  const v = body[key];
  if (v === undefined && !required) return '';
  if (typeof v !== 'string' || v.length > max || (required && !v)) {
    throw new AccountError('bad_request', `${key} must be a string of up to ${max} characters`);
  }
  return v;
}

function client(req: AccountRequest, cookieName: string): Client {
  return {
    ip: req.ip,
    agent: req.agent,
    previous: req.cookies[cookieName],
    device: req.cookies[DEVICE_COOKIE],
  };
}

const DEVICE_COOKIE_SECONDS = 365 * 86400;

export function registerAccountRoutes(d: AccountRouteDeps): void {
  const { http } = d;
  const signedIn = (reply: Reply, started: Started, next = '/') => {
    // The new session's CSRF token too: the page that signed in may change
    // something next without loading again (a passkey right after activation).
    sendJson(
      reply,
      200,
      { ok: true, next, csrf: started.session.csrf },
      {
        'set-cookie': [
          http.sessionSetCookie(started.cookie),
          ...(started.device
            ? [http.cookie(DEVICE_COOKIE, started.device, DEVICE_COOKIE_SECONDS, '/api/account')]
            : []),
        ],
      },
    );
  };

  http.route('get', '/api/account/sign-in', 'account_sign_in_page', 'open', (reply, req) => {
    sendJson(reply, 200, { providers: d.providers(), demo: d.demo, signedIn: Boolean(req.session) });
  });

  http.route('post', '/api/account/login', 'account_login', 'open', async (reply, req) => {
    const body = await jsonBody(req);
    const started = await d
      .signIn()
      .password(text(body, 'login'), text(body, 'password', 1024), client(req, http.sessionCookie));
    signedIn(reply, started, safeNext(text(body, 'next', 512, false)));
  });

  http.route('post', '/api/account/code', 'account_code', 'open', async (reply, req) => {
    const body = await jsonBody(req);
    const owner = await d.signIn().codeOwner(text(body, 'code', 64), req.ip);
    const p = owner.person;
    sendJson(reply, 200, {
      kind: owner.kind,
      login: owner.login,
      person: p && {
        name: p.name,
        role: p.role,
        schoolName: p.schoolName,
        classes: p.classes.map((c) => c.name),
        children: p.children.map((c) => ({ name: c.name, className: c.className })),
      },
    });
  });

  http.route('post', '/api/account/activate', 'account_activate', 'open', async (reply, req) => {
    const body = await jsonBody(req);
    const started = await d
      .signIn()
      .activate(
        text(body, 'code', 64),
        { login: text(body, 'login'), password: text(body, 'password', 1024) },
        client(req, http.sessionCookie),
      );
    signedIn(reply, started);
  });

  http.route('post', '/api/account/setup', 'account_setup', 'open', async (reply, req) => {
    const body = await jsonBody(req);
    const started = await d.signIn().setup(
      text(body, 'code', 64),
      {
        schoolName: text(body, 'schoolName', 128),
        lastName: text(body, 'lastName', 64),
        firstName: text(body, 'firstName', 64),
        middleName: text(body, 'middleName', 64, false),
        login: text(body, 'login'),
        password: text(body, 'password', 1024),
      },
      client(req, http.sessionCookie),
    );
    signedIn(reply, started, '/school');
  });

  http.route(
    'post',
    '/api/account/passkey-login/options',
    'account_passkey_options',
    'open',
    async (reply, req) => {
      sendJson(reply, 200, await d.passkeys().signInOptions(req.headers.origin));
    },
  );

  http.route('post', '/api/account/passkey-login', 'account_passkey_login', 'open', async (reply, req) => {
    const body = await jsonBody(req);
    const { personId } = await d.passkeys().signIn(body.response as AuthenticationResponseJSON);
    const account = await d.store().account(personId);
    if (!account) throw new AccountError('passkey_failed');
    if (account.deactivatedAt) throw new AccountError('deactivated');
    const person = await d.people().find(personId, account.schoolId);
    if (!person) throw new AccountError('unknown_person');
    signedIn(reply, await d.signIn().start(person, 'passkey', client(req, http.sessionCookie)));
  });

  http.route('get', '/api/account/me', 'account_me', 'person', (reply, req) => {
    sendJson(reply, 200, { person: req.person, csrf: req.session.csrf, session: req.session.id });
  });

  http.route('get', '/api/account/home', 'account_home', 'person', async (reply, req) => {
    sendJson(reply, 200, await d.home().of(req.person));
  });

  http.route('post', '/api/account/logout', 'account_logout', 'person', async (reply, req) => {
    await endSessions(d, req, [req.session.id]);
    sendJson(reply, 200, { ok: true }, { 'set-cookie': http.sessionSetCookie('') });
  });

  http.route('get', '/api/account/sessions', 'account_sessions', 'person', async (reply, req) => {
    const list = await d.sessions().list(req.person.id);
    sendJson(reply, 200, {
      sessions: list.map((s) => ({
        id: s.id,
        current: s.id === req.session.id,
        method: s.method,
        createdAt: new Date(s.createdAt).toISOString(),
        seenAt: new Date(s.seenAt).toISOString(),
        agent: s.agent,
        ip: s.ip,
      })),
      passkeys: (await d.store().passkeys(req.person.id)).map((k) => ({
        id: k.credentialId,
        label: k.label,
        createdAt: k.createdAt.toISOString(),
      })),
    });
  });

  http.route('post', '/api/account/sessions/:id/end', 'account_session_end', 'person', async (reply, req) => {
    const id = req.params[0] ?? '';
    if (!(await d.sessions().end(req.person.id, id))) throw new AccountError('not_found');
    await endSessions(d, req, [id], true);
    const self = id === req.session.id;
    sendJson(reply, 200, { ok: true }, self ? { 'set-cookie': http.sessionSetCookie('') } : {});
  });

  http.route(
    'post',
    '/api/account/sessions/end-all',
    'account_sessions_end_all',
    'person',
    async (reply, req) => {
      const body = await jsonBody(req);
      const keepThis = body.keepThis === true;
      await d.signIn().endEverywhere(req.person.id, keepThis ? req.session.id : undefined);
      sendJson(reply, 200, { ok: true }, keepThis ? {} : { 'set-cookie': http.sessionSetCookie('') });
    },
  );

  http.route(
    'post',
    '/api/account/passkeys/options',
    'account_passkey_add_options',
    'person',
    async (reply, req) => {
      sendJson(reply, 200, await d.passkeys().addOptions(req.person, req.headers.origin));
    },
  );

  http.route('post', '/api/account/passkeys', 'account_passkey_add', 'person', async (reply, req) => {
    const body = await jsonBody(req);
    await d.passkeys().add(req.person, body.response as RegistrationResponseJSON, passkeyLabel(req.agent));
    sendJson(reply, 200, { ok: true });
  });

  http.route(
    'post',
    '/api/account/passkeys/:id/remove',
    'account_passkey_remove',
    'person',
    async (reply, req) => {
      if (!(await d.store().removePasskey(req.person.id, req.params[0] ?? '')))
        throw new AccountError('not_found');
      sendJson(reply, 200, { ok: true });
    },
  );

  http.route('post', '/api/account/verification', 'account_verification', 'person', async (reply, req) => {
    const body = await jsonBody(req);
    const r = await d.admin().applyForVerification(req.person, text(body, 'invitation', 64), req.ip);
    sendJson(reply, 200, { status: r.status });
  });

  http.route('post', '/api/account/tokens/chat', 'account_chat_token', 'person', async (reply, req) => {
    sendJson(reply, 200, await d.tokens().chat(req.person, req.session.id));
  });

  http.route('post', '/api/account/tokens/call', 'account_call_token', 'person', async (reply, req) => {
    const body = await jsonBody(req);
    const seq = body.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
      throw new AccountError('bad_request', 'seq must be a message number');
    }
    sendJson(reply, 200, await d.tokens().call(req.person, req.session.id, text(body, 'chatId', 80), seq));
  });
}

/** Ends sessions of the signed-in person and closes what was opened from them. */
async function endSessions(d: AccountRouteDeps, req: SignedInRequest, ids: string[], ended = false) {
  if (!ended) for (const id of ids) await d.sessions().end(req.person.id, id);
  await d.signIn().cutOff(req.person.id, ids);
}

/** "Chrome, Android" from a User-Agent, for the person's list of passkeys. */
function passkeyLabel(agent: string): string {
  return deviceLabel(agent) || 'Устройство';
}
