// User tokens for the messenger: JWTs (HS256) signed with the deployment's
// TOKEN_SECRET, minted by the school's systems or by the admin API. They name
// a person, not a room: claims `sub`, `name`, `sort`, `role` (admin, teacher,
// student, parent) and `school`, with `typ: "user"` so a room's join token is
// never taken for one.
import { visibleName } from '../common/nameLook.js';
import { SignedTokens, secretKey } from '../common/signedTokens.js';
import type { TokenRevocation } from '../signaling/tokenRevocation.js';
import { ChatError, ChatErrorCode } from './errors.js';

export const USER_ROLES = ['admin', 'teacher', 'student', 'parent'] as const;
export type UserRoleName = (typeof USER_ROLES)[number];

export function isUserRole(value: unknown): value is UserRoleName {
  return typeof value === 'string' && (USER_ROLES as readonly string[]).includes(value);
}

export interface UserIdentity {
  userId: string;
  displayName: string;
  /** What lists sort by, e.g. "Иванова Мария"; the display name when absent. */
  sortName: string;
  role: UserRoleName;
  schoolId: string;
  /** The signed-in session it was minted from (claim `sid`): signing out ends the token too. */
  sessionId?: string;
}

export const MAX_USER_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const USER_TOKEN_TYPE = 'user';

export class UserTokens {
  private readonly signer: SignedTokens;

  constructor(
    secret: string,
    issuer: string,
    /** Asked on every check whether the person or session was cut off (sign-out, deactivation). */
    private readonly revocation: TokenRevocation | null = null,
  ) {
    this.signer = new SignedTokens(secretKey(secret), issuer);
  }

  mint(user: UserIdentity, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    const claims = {
      typ: USER_TOKEN_TYPE,
      name: user.displayName,
      sort: user.sortName,
      role: user.role,
      school: user.schoolId,
      ...(user.sessionId ? { sid: user.sessionId } : {}),
    };
    return this.signer.sign(user.userId, claims, ttlSeconds);
  }

  /** Verifies signature, issuer, expiry and claims; throws a typed ChatError otherwise. */
  async verify(token: string): Promise<UserIdentity & { expiresAt: Date }> {
    const opened = await this.signer.open(token);
    if ('fault' in opened) throw tokenFault(opened.fault);
    const { typ, sub, name, sort, role, school, exp, sid } = opened.payload;
    if (
      typ !== USER_TOKEN_TYPE ||
      typeof sub !== 'string' ||
      !sub ||
      sub.length > 128 ||
      typeof name !== 'string' ||
      !visibleName(name) ||
      !isUserRole(role) ||
      typeof school !== 'string' ||
      typeof exp !== 'number'
    ) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_UNAUTHENTICATED, 'not a user token');
    }
    const sessionId = typeof sid === 'string' && sid ? sid : undefined;
    if (await this.revocation?.revoked(sub, sessionId ?? null)) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_UNAUTHENTICATED, 'token was revoked');
    }
    return {
      userId: sub,
      // Names enter the messenger here and in ChatStore.saveUser: nothing invisible in them.
      displayName: visibleName(name),
      sortName: visibleName(typeof sort === 'string' && visibleName(sort) ? sort : name),
      role,
      schoolId: school,
      expiresAt: new Date(exp * 1000),
      ...(sessionId ? { sessionId } : {}),
    };
  }
}

/** The messenger's typed answer to a token that did not open. */
export function tokenFault(fault: 'expired' | 'invalid', what = 'token'): ChatError {
  return fault === 'expired'
    ? new ChatError(ChatErrorCode.CHAT_ERROR_TOKEN_EXPIRED, `${what} has expired`)
    : new ChatError(ChatErrorCode.CHAT_ERROR_UNAUTHENTICATED, 'token is not valid');
}
