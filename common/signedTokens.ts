// The one way the server signs and opens its JWTs (HS256 with a deployment
// secret): room join tokens, messenger user tokens and upload grants differ
// only in their claims and in the typed error each part answers with.
import { randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

export type Opened = { payload: Record<string, unknown> } | { fault: 'expired' | 'invalid' };

export class SignedTokens {
  constructor(
    private readonly key: Uint8Array,
    private readonly issuer: string,
  ) {}

  /** A token for `subject` with `claims`, valid for ttlSeconds from now (with iat and a jti). */
  async sign(
    subject: string,
    claims: Record<string, unknown>,
    ttlSeconds: number,
  ): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + ttlSeconds;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The payload of a token signed with this key and issuer; which fault otherwise (never throws). */
  async open(token: string): Promise<Opened> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: this.issuer, algorithms: ['HS256'] });
      return { payload: payload as Record<string, unknown> };
    } catch (err) {
      return { fault: err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}

/** The key of a deployment secret as the signers take it. */
export function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}
