// Passkeys (WebAuthn) with @simplewebauthn/server: a signed-in person adds
// one from "Мои устройства" (or right after typing their code, instead of a
// password), and signs in with it from then on without typing anything.
// Keys are discoverable, so sign-in needs no login first. Each challenge is
// kept in Redis for a few minutes and used once.
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

  private get site(): { rpID: string; origin: string } {
    const u = new URL(this.d.publicUrl());
    return { rpID: u.hostname, origin: u.origin };
  }

  async addOptions(person: SignedInPerson) {
    const existing = await this.d.store.passkeys(person.id);
    const options = await generateRegistrationOptions({
      rpName: this.d.rpName,
      rpID: this.site.rpID,
      userName: person.name,
      userDisplayName: person.name,
      userID: new TextEncoder().encode(person.id),
      attestationType: 'none',
      excludeCredentials: existing.map((k) => ({ id: k.credentialId, transports: k.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    await this.d.redis.set(key('add', options.challenge), person.id, 'EX', CHALLENGE_TTL_SECONDS);
    return options;
  }

  async add(person: SignedInPerson, response: RegistrationResponseJSON, label: string): Promise<void> {
    const challenge = challengeOf(response?.response?.clientDataJSON);
    const owner = challenge ? await this.d.redis.getdel(key('add', challenge)) : null;
    if (!owner || owner !== person.id) throw new AccountError('passkey_failed', 'no such challenge');
    let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      result = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge!,
        expectedOrigin: this.site.origin,
        expectedRPID: this.site.rpID,
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

  async signInOptions() {
    const options = await generateAuthenticationOptions({
      rpID: this.site.rpID,
      userVerification: 'preferred',
    });
    await this.d.redis.set(key('in', options.challenge), '1', 'EX', CHALLENGE_TTL_SECONDS);
    return options;
  }

  /** The person a passkey's answer proves, or a refusal. */
  async signIn(response: AuthenticationResponseJSON): Promise<{ personId: string }> {
    const challenge = challengeOf(response?.response?.clientDataJSON);
    if (!challenge || !(await this.d.redis.getdel(key('in', challenge)))) {
      throw new AccountError('passkey_failed', 'no such challenge');
    }
    const stored = typeof response.id === 'string' ? await this.d.store.passkey(response.id) : null;
    if (!stored) throw new AccountError('passkey_failed', 'unknown passkey');
    let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.site.origin,
        expectedRPID: this.site.rpID,
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
