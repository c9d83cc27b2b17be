// Signing in through a school's or region's OpenID Connect provider
// (Госуслуги/ESIA and e-journals are reached through such gateways), with
// openid-client: the authorization code flow with PKCE, a state and a nonce
// per attempt. The attempt is kept in Redis (any host may take the
// callback) and bound to the browser that started it by a short-lived
// cookie holding its state; the answer must match all three. The person is
// then found in the directory by the configured claim; someone the
// directory does not know is refused, never let in as a stranger.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import * as client from 'openid-client';
import type { Logger } from '../common/log.js';
import type { Directory, Person } from '../directory/model.js';
import { documentHash } from '../directory/parse.js';
import type { DirectoryStore } from '../directory/store.js';
import { type SsoProvider, isLoopback } from './config.js';
import { AccountError } from './errors.js';
import { normalizePhone } from './logins.js';
import type { AccountStore } from './model.js';
import type { People } from './people.js';

const FLOW_TTL_SECONDS = 600;
const flowKey = (state: string) => `school-call:acct:sso:${state}`;
export const SSO_COOKIE = 'sc_sso';
export const SSO_PATH = '/auth/sso';

interface Flow {
  provider: string;
  verifier: string;
  nonce: string;
  next: string;
}

export class SsoSignIn {
  private readonly discovered = new Map<string, Promise<client.Configuration>>();

  constructor(
    private readonly d: {
      providers: SsoProvider[];
      redis: Redis;
      directory: DirectoryStore;
      accounts: AccountStore;
      people: People;
      /** This server's public address (where the provider sends people back). */
      publicUrl: () => string;
      log: Logger;
    },
  ) {}

  get providers(): SsoProvider[] {
    return this.d.providers;
  }

  get callbackUrl(): string {
    return `${this.d.publicUrl()}${SSO_PATH}/callback`;
  }

  private provider(id: string): SsoProvider {
    const p = this.d.providers.find((x) => x.id === id);
    if (!p) throw new AccountError('sso_unknown_provider');
    return p;
  }

  /** The provider's metadata, discovered once (again after a failure). */
  private config(p: SsoProvider): Promise<client.Configuration> {
    let c = this.discovered.get(p.id);
    if (!c) {
      const insecure = isLoopback(new URL(p.issuer).hostname) && p.issuer.startsWith('http:');
      c = client.discovery(new URL(p.issuer), p.clientId, p.clientSecret, undefined, {
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
      });
      c.catch(() => this.discovered.delete(p.id));
      this.discovered.set(p.id, c);
    }
    return c;
  }

  /** Where to send the browser, and the state its cookie must hold when it comes back. */
  async begin(providerId: string, next: string): Promise<{ url: string; state: string }> {
    const p = this.provider(providerId);
    const config = await this.config(p);
    const flow: Flow = {
      provider: p.id,
      verifier: client.randomPKCECodeVerifier(),
      nonce: client.randomNonce(),
      next,
    };
    const state = randomBytes(24).toString('base64url');
    await this.d.redis.set(flowKey(state), JSON.stringify(flow), 'EX', FLOW_TTL_SECONDS);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.callbackUrl,
      scope: p.scope,
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state,
      nonce: flow.nonce,
    });
    return { url: url.href, state };
  }

  /**
   * The provider's answer: `query` as it came, `cookieState` from the
   * browser. Returns the directory person and where to go next.
   */
  async finish(
    query: string,
    cookieState: string,
  ): Promise<{ personId: string; schoolId: string; next: string; provider: string }> {
    const params = new URLSearchParams(query);
    const state = params.get('state') ?? '';
    if (!state || state !== cookieState) {
      throw new AccountError('sso_failed', 'the answer is not for the sign-in this browser started');
    }
    // Used once: a replayed answer finds nothing.
    const json = await this.d.redis.getdel(flowKey(state));
    if (!json) throw new AccountError('sso_failed', 'the sign-in attempt expired or was used');
    const flow = JSON.parse(json) as Flow;
    const p = this.provider(flow.provider);
    if (params.get('error')) {
      throw new AccountError('sso_failed', `the provider said ${params.get('error')}`);
    }
    const config = await this.config(p);
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, new URL(`${this.callbackUrl}?${query}`), {
        pkceCodeVerifier: flow.verifier,
        expectedState: state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = { ...tokens.claims() };
      if (claims[p.claim] === undefined && tokens.access_token) {
        const info = await client.fetchUserInfo(config, tokens.access_token, String(claims.sub));
        claims = { ...info, ...claims };
      }
    } catch (err) {
      this.d.log.warn({ err, provider: p.id }, 'single sign-on answer refused');
      throw new AccountError('sso_failed', (err as Error).message);
    }
    const found = await this.match(p, claims);
    return { ...found, next: flow.next, provider: p.id };
  }

  /** The one person of the provider's schools whose directory field equals the claim. */
  private async match(
    p: SsoProvider,
    claims: Record<string, unknown>,
  ): Promise<{ personId: string; schoolId: string }> {
    const raw = claims[p.claim];
    const value = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
    if (!value) throw new AccountError('unknown_person', `the provider gave no ${p.claim}`);
    if (p.match === 'email' && claims.email_verified === false) {
      throw new AccountError('unknown_person', 'the provider has not verified this e-mail');
    }
    const wanted = wantedValue(p, value);
    const schools = p.schools === '*' ? await this.d.directory.schools() : p.schools;
    const found: { personId: string; schoolId: string }[] = [];
    for (const schoolId of schools) {
      const d = await this.d.people.school(schoolId);
      if (!d) continue;
      for (const person of everyone(d)) {
        if (fieldOf(p, person) === wanted) found.push({ personId: person.id, schoolId });
      }
    }
    if (found.length === 0) throw new AccountError('unknown_person');
    if (found.length > 1) throw new AccountError('sso_ambiguous');
    const account = await this.d.accounts.account(found[0]!.personId);
    if (account?.deactivatedAt) throw new AccountError('deactivated');
    return found[0]!;
  }
}

function everyone(d: Directory): Person[] {
  return [...d.teachers, ...d.pupils, ...d.parents];
}

function wantedValue(p: SsoProvider, value: string): string {
  switch (p.match) {
    case 'email':
      return value.toLowerCase();
    case 'phone':
      return normalizePhone(value) ?? value;
    case 'document':
      return /^[0-9a-f]{64}$/.test(value) ? value : documentHash(value);
    default:
      return value;
  }
}

function fieldOf(p: SsoProvider, person: Person): string | undefined {
  switch (p.match) {
    case 'email':
      return person.email;
    case 'phone':
      return person.phone;
    case 'document':
      return person.document;
    default:
      return person.id;
  }
}

/** Where a sign-in may send the browser afterwards: a path on this site, never another site. */
export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 512) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // Control characters and backslashes let some browsers read a path as another host.
  if ([...next].some((ch) => ch < ' ' || ch === '\\' || ch === '\u007f')) return '/';
  try {
    const u = new URL(next, 'http://x.invalid');
    if (u.host !== 'x.invalid') return '/';
    // Dot segments normalise to a path that may start with '//' again
    // ('/.//evil.example'), which a browser reads as another host.
    if (u.pathname.startsWith('//') || u.pathname.startsWith('/\\')) return '/';
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return '/';
  }
}
