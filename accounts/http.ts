// The accounts part's HTTP edge, one mechanism for every route it has:
// the session cookie read and checked, and every state-changing request
// (POST/PUT/PATCH/DELETE) refused unless it comes from this site (Origin and
// Sec-Fetch-Site: the HttpRouter's one check for every route) and, when signed in, carries the session's CSRF token in
// `x-csrf-token`. A route says only who may call it: anyone ('open'), a
// signed-in person ('person'), or certain roles ('admin', 'staff').
// Refusals are AccountErrors: counted by reason, answered with their status
// and `{ error: <code> }`.
import { timingSafeEqual } from 'node:crypto';
import type { Reply } from '../signaling/http/httpUtil.js';
import { HttpError } from '../signaling/http/httpUtil.js';
import type { HttpMethod, HttpRouter, RouteRequest } from '../signaling/http/router.js';
import { AccountError, type AccountMetrics } from './errors.js';
import type { People, SignedInPerson } from './people.js';
import type { Session, Sessions } from './sessions.js';

export interface CookieSettings {
  /** Secure cookies (behind TLS, or a TLS proxy with TRUST_PROXY): the __Host- name too. */
  secure: boolean;
  maxAgeSeconds: number;
}

export type Access = 'open' | 'person' | 'staff' | 'admin';

export interface AccountRequest extends RouteRequest {
  agent: string;
  /** The signed-in session, when there is one (always for access other than 'open'). */
  session: Session | null;
  person: SignedInPerson | null;
  cookies: Record<string, string>;
}

export interface SignedInRequest extends AccountRequest {
  session: Session;
  person: SignedInPerson;
}

const HEADERS = ['cookie', 'origin', 'x-csrf-token', 'user-agent', 'content-type'];
/** A JSON body's limit; routes that take files say theirs. */
const JSON_LIMIT = 64 * 1024;
const CHANGES: HttpMethod[] = ['post', 'put', 'patch', 'del'];

export function parseCookies(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

export class AccountHttp {
  readonly sessionCookie: string;

  constructor(
    readonly router: HttpRouter,
    private readonly deps: {
      sessions: () => Sessions;
      people: () => People;
      cookie: CookieSettings;
      metrics: AccountMetrics;
    },
  ) {
    this.sessionCookie = deps.cookie.secure ? '__Host-sc_session' : 'sc_session';
  }

  /** Set-Cookie for a new session (or, with '', one that clears it). */
  sessionSetCookie(value: string): string {
    return this.cookie(this.sessionCookie, value, value ? this.deps.cookie.maxAgeSeconds : 0, '/');
  }

  /** A cookie of ours: HttpOnly, SameSite=Lax (a link from another site still arrives signed in; its forms do not count). */
  cookie(name: string, value: string, maxAgeSeconds: number, path: string): string {
    const parts = [
      `${name}=${value}`,
      `Path=${path}`,
      `Max-Age=${maxAgeSeconds}`,
      'HttpOnly',
      'SameSite=Lax',
    ];
    if (this.deps.cookie.secure) parts.push('Secure');
    return parts.join('; ');
  }

  route(
    method: HttpMethod,
    pattern: string,
    name: string,
    access: 'open',
    handler: (reply: Reply, req: AccountRequest) => Promise<void> | void,
    bodyLimit?: number,
  ): void;
  route(
    method: HttpMethod,
    pattern: string,
    name: string,
    access: Exclude<Access, 'open'>,
    handler: (reply: Reply, req: SignedInRequest) => Promise<void> | void,
    bodyLimit?: number,
  ): void;
  route(
    method: HttpMethod,
    pattern: string,
    name: string,
    access: Access,
    handler: (reply: Reply, req: SignedInRequest) => Promise<void> | void,
    bodyLimit = JSON_LIMIT,
  ): void {
    const opts = {
      admin: false,
      headers: HEADERS,
      maxBody: bodyLimit,
      // The router refuses another site's changes (sameSite.ts); counted here as the accounts' 'csrf'.
      onCrossSite: () => this.deps.metrics.refusals.inc({ reason: 'csrf' }),
    };
    this.router.route(method, pattern, name, opts, async (reply, raw) => {
      try {
        const req = await this.check(method, access, raw);
        await handler(reply, req as SignedInRequest);
      } catch (err) {
        if (err instanceof AccountError) {
          this.deps.metrics.refusals.inc({ reason: err.code });
          throw new HttpError(err.status, err.code, {
            ...err.details,
            ...(err.retryAfter ? { retryAfter: err.retryAfter } : {}),
          });
        }
        throw err;
      }
    });
  }

  /** Counts and answers a refusal that happens outside route() (redirect flows). */
  refused(err: AccountError): void {
    this.deps.metrics.refusals.inc({ reason: err.code });
  }

  private async check(method: HttpMethod, access: Access, raw: RouteRequest): Promise<AccountRequest> {
    const h = raw.headers;
    const cookies = parseCookies(h.cookie ?? '');
    const changes = CHANGES.includes(method);
    let params: string[];
    try {
      // Ids may be Cyrillic ("6А"): the path carries them percent-encoded.
      params = raw.params.map((p) => decodeURIComponent(p));
    } catch {
      throw new AccountError('bad_request', 'a malformed path');
    }
    const req: AccountRequest = {
      ...raw,
      params,
      agent: h['user-agent'] ?? '',
      session: null,
      person: null,
      cookies,
    };
    const value = cookies[this.sessionCookie];
    if (value) req.session = await this.deps.sessions().fromCookie(value);
    if (access === 'open') return req;
    if (!req.session) throw new AccountError('not_signed_in');
    if (changes && !sameText(h['x-csrf-token'] ?? '', req.session.csrf)) {
      throw new AccountError('csrf', 'the request lacks this session’s CSRF token');
    }
    req.person = await this.deps.people().find(req.session.personId, req.session.schoolId);
    if (!req.person) throw new AccountError('not_signed_in', 'the directory no longer lists this person');
    const role = req.person.role;
    if (access === 'admin' && role !== 'admin')
      throw new AccountError('forbidden', 'for the school’s admins');
    if (access === 'staff' && role !== 'admin' && role !== 'teacher')
      throw new AccountError('forbidden', 'for teachers and admins');
    return req;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
