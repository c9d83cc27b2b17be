// Signed, expiring join tokens (JWT, HS256). Another system, such as the
// school messenger's backend, can mint them with any JWT library and the
// shared secret.
import { visibleName } from '../common/nameLook.js';
import { SignedTokens, secretKey } from '../common/signedTokens.js';
import { type RoleName, isRoleName } from './domain/roles.js';
import { ErrorCode, SignalingError } from './errors.js';
import type { TokenRevocation } from './tokenRevocation.js';

export interface TokenClaims {
  userId: string;
  displayName: string;
  role: RoleName;
  roomId: string;
  /** Optional roster sort key, e.g. the family name. */
  sortName?: string;
  /** The room instance the token was minted for (claim `ri`); absent in tokens other systems mint. */
  roomInstance?: string;
  /** The signed-in session it was minted from (claim `sid`): signing out ends the token too. */
  sessionId?: string;
  /** Where a self-service token (guest by code, demo) was asked from (claim `adm`, security/guestAdmissions.ts). */
  admission?: string;
}

/** How far another system's clock may lag ours when it mints a token right after creating a room. */
export const TOKEN_CLOCK_SKEW_SECONDS = 5;

export const MAX_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

export class TokenService {
  private readonly signer: SignedTokens;

  constructor(
    secret: string,
    issuer: string,
    /** Asked on every check whether the person or session was cut off (sign-out, deactivation). */
    private readonly revocation: TokenRevocation | null = null,
  ) {
    this.signer = new SignedTokens(secretKey(secret), issuer);
  }

  mint(claims: TokenClaims, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    const payload: Record<string, string> = {
      name: claims.displayName,
      role: claims.role,
      room: claims.roomId,
    };
    if (claims.sortName) payload.sort = claims.sortName;
    if (claims.roomInstance) payload.ri = claims.roomInstance;
    if (claims.sessionId) payload.sid = claims.sessionId;
    if (claims.admission) payload.adm = claims.admission;
    return this.signer.sign(claims.userId, payload, ttlSeconds);
  }

  /** Verifies signature, issuer and expiry; throws a SignalingError otherwise. */
  async verify(token: string): Promise<VerifiedClaims> {
    const opened = await this.signer.open(token);
    if ('fault' in opened) {
      throw opened.fault === 'expired'
        ? new SignalingError(ErrorCode.ERROR_CODE_TOKEN_EXPIRED, 'token has expired')
        : new SignalingError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'token is not valid');
    }
    const { sub, name, role, room, exp, sort, iat, ri, sid, adm } = opened.payload;
    if (
      typeof sub !== 'string' ||
      !sub ||
      typeof name !== 'string' ||
      !visibleName(name) ||
      !isRoleName(role) ||
      typeof room !== 'string' ||
      typeof exp !== 'number'
    ) {
      throw new SignalingError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'token lacks required claims');
    }
    const claims: VerifiedClaims = {
      userId: sub,
      // Names enter the call here, from whoever minted the token: nothing invisible in them.
      displayName: visibleName(name),
      role,
      roomId: room,
      expiresAt: new Date(exp * 1000),
      issuedAt: typeof iat === 'number' ? new Date(iat * 1000) : null,
    };
    if (typeof sort === 'string' && visibleName(sort)) claims.sortName = visibleName(sort);
    if (typeof ri === 'string' && ri) claims.roomInstance = ri;
    if (typeof sid === 'string' && sid) claims.sessionId = sid;
    if (typeof adm === 'string' && adm) claims.admission = adm;
    if (await this.revocation?.revoked(sub, claims.sessionId ?? null)) {
      throw new SignalingError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'token was revoked');
    }
    return claims;
  }
}

export interface VerifiedClaims extends TokenClaims {
  expiresAt: Date;
  issuedAt: Date | null;
}

/**
 * Whether a token was meant for this instance of its room: ours name the
 * instance; a token another system minted must at least be younger than the
 * room (a room deleted and created again with the same id is a new room).
 * A foreign token without `iat` cannot be told apart and is taken as it is.
 */
export function tokenFitsRoom(claims: VerifiedClaims, room: { instance: string; createdAt: Date }): boolean {
  if (claims.roomInstance) return claims.roomInstance === room.instance;
  if (!claims.issuedAt) return true;
  return claims.issuedAt.getTime() >= room.createdAt.getTime() - TOKEN_CLOCK_SKEW_SECONDS * 1000;
}
