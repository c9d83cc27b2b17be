// Passkeys (WebAuthn) with @simplewebauthn/server: a signed-in person adds
// one from "Мои устройства" (or right after typing their code, instead of a
// password), and signs in with it from then on without typing anything.
// Keys are discoverable, so sign-in needs no login first. Each challenge is
// kept in Redis for a few minutes and used once, with the site it was made
// for: the page's own origin (the HTTP edge has already refused any origin
// that is not this server's), so a server reached as https://school.example
// and, on its first run, as http://localhost makes keys for the name the
// browser shows, whatever PUBLIC_URL says.
import {
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Redis } from 'ioredis';
import { AccountError } from './errors.js';
import type { AccountStore } from './model.js';
import type { SignedInPerson } from './people.js';

const CHALLENGE_TTL_SECONDS = 300;
const key = (kind: 'add' | 'in', challenge: string) => `school-call:acct:passkey:${kind}:${challenge}`;

/** Where a passkey belongs: its relying party id (a host name) and the page origin that uses it. */
interface Site {
  rpID: string;
  origin: string;
}

export class Passkeys {
  constructor(
    private readonly d: {
      store: AccountStore;
      redis: Redis;
      /** This server's public address: the passkey's site (its host name) and origin. */
      publicUrl: () => string;
      rpName: string;
    },
  ) {}

  /** The site of a request from `origin` (an allowed origin, checked at the edge), else the public URL's. */
  private site(origin: string | undefined): Site {
    const u = new URL(origin || this.d.publicUrl());
    return { rpID: u.hostname, origin: u.origin };
  }

  /** The challenge's record, used once: whose it is and the site it was made for. */
  private async take(
    kind: 'add' | 'in',
    clientDataJSON: unknown,
  ): Promise<{ challenge: string } & Site & { who: string }> {
    const challenge = challengeOf(clientDataJSON);
    const raw = challenge ? await this.d.redis.getdel(key(kind, challenge)) : null;
    if (!challenge || !raw) throw new AccountError('passkey_failed', 'no such challenge');
    const kept = JSON.parse(raw) as { who: string } & Site;
    return { challenge, ...kept };
  }

  async addOptions(person: SignedInPerson, origin?: string) {
    const existing = await this.d.store.passkeys(person.id);
    const site = this.site(origin);
    const options = await generateRegistrationOptions({
      rpName: this.d.rpName,
      rpID: site.rpID,
      userName: person.name,
      userDisplayName: person.name,
      userID: new TextEncoder().encode(person.id),
      attestationType: 'none',
      excludeCredentials: existing.map((k) => ({ id: k.credentialId, transports: k.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    await this.d.redis.set(
      key('add', options.challenge),
      JSON.stringify({ who: person.id, ...site }),
      'EX',
      CHALLENGE_TTL_SECONDS,
    );
    return options;
  }

  async add(person: SignedInPerson, response: RegistrationResponseJSON, label: string): Promise<void> {
    const kept = await this.take('add', response?.response?.clientDataJSON);
    if (kept.who !== person.id) throw new AccountError('passkey_failed', 'not this person’s challenge');
    let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      result = await verifyRegistrationResponse({
        response,
        expectedChallenge: kept.challenge,
        expectedOrigin: kept.origin,
        expectedRPID: kept.rpID,
        requireUserVerification: false,
      });
    } catch (err) {
      throw new AccountError('passkey_failed', (err as Error).message);
    }
    if (!result.verified) throw new AccountError('passkey_failed');
    const c = result.registrationInfo.credential;
    await this.d.store.addPasskey({
      credentialId: c.id,
      personId: person.id,
      publicKey: c.publicKey,
      counter: c.counter,
      transports: c.transports ?? [],
      label: label.slice(0, 80),
      createdAt: new Date(),
    });
  }

  async signInOptions(origin?: string) {
    const site = this.site(origin);
    const options = await generateAuthenticationOptions({ rpID: site.rpID, userVerification: 'preferred' });
    await this.d.redis.set(
      key('in', options.challenge),
      JSON.stringify({ who: '', ...site }),
      'EX',
      CHALLENGE_TTL_SECONDS,
    );
    return options;
  }

  /** The person a passkey's answer proves, or a refusal. */
  async signIn(response: AuthenticationResponseJSON): Promise<{ personId: string }> {
    const kept = await this.take('in', response?.response?.clientDataJSON);
    const stored = typeof response.id === 'string' ? await this.d.store.passkey(response.id) : null;
    if (!stored) throw new AccountError('passkey_failed', 'unknown passkey');
    let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: kept.challenge,
        expectedOrigin: kept.origin,
        expectedRPID: kept.rpID,
        credential: {
          id: stored.credentialId,
          publicKey: new Uint8Array(stored.publicKey),
          counter: stored.counter,
          transports: stored.transports as never,
        },
        requireUserVerification: false,
      });
    } catch (err) {
      throw new AccountError('passkey_failed', (err as Error).message);
    }
    if (!result.verified) throw new AccountError('passkey_failed');
    await this.d.store.setPasskeyCounter(stored.credentialId, result.authenticationInfo.newCounter);
    return { personId: stored.personId };
  }
}

/** The challenge a browser signed, from its clientDataJSON. */
function challengeOf(clientDataJSON: unknown): string | null {
  if (typeof clientDataJSON !== 'string' || clientDataJSON.length > 4096) return null;
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as {
      challenge?: unknown;
    };
    return typeof data.challenge === 'string' && data.challenge.length <= 256 ? data.challenge : null;
  } catch {
    return null;
  }
}
