// Join tokens and links for the admin API, the join-by-code page and the
// demo room.
import { randomUUID } from 'node:crypto';
import { isRoleName } from '../domain/roles.js';
import type { Room } from '../domain/room.js';
import { MAX_TOKEN_TTL_SECONDS, type TokenService } from '../tokens.js';
import { HttpError } from './httpUtil.js';
import { optionalInt, optionalString } from './validate.js';

const DEFAULT_TOKEN_TTL_SECONDS = 12 * 3600;

export interface MintedToken {
  token: string;
  expiresAt: string;
  userId: string;
  role: string;
  joinUrl: string;
}

export class JoinTokens {
  constructor(
    private readonly tokens: TokenService,
    private readonly publicUrl: string,
  ) {}

  /**
   * A token for `room` from a request body ({displayName, userId?, sortName?, ttlSeconds?});
   * `admission` only from the self-service routes (security/guestAdmissions.ts).
   */
  async mint(
    room: Room,
    body: Record<string, unknown>,
    role: string,
    admission?: string,
  ): Promise<MintedToken> {
    const displayName = optionalString(body, 'displayName', 128);
    if (!displayName) throw new HttpError(400, 'displayName is required');
    if (!isRoleName(role)) throw new HttpError(400, 'role must be host, co-host, participant or guest');
    const userId = optionalString(body, 'userId', 128) ?? `guest-${randomUUID()}`;
    const ttl = optionalInt(body, 'ttlSeconds', 60, MAX_TOKEN_TTL_SECONDS) ?? DEFAULT_TOKEN_TTL_SECONDS;
    const sortName = optionalString(body, 'sortName', 128);
    const { token, expiresAt } = await this.tokens.mint(
      {
        userId,
        displayName,
        role,
        roomId: room.id,
        sortName,
        roomInstance: room.definition.instance,
        admission,
      },
      ttl,
    );
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      userId,
      role,
      joinUrl: `${this.publicUrl}/room/${encodeURIComponent(room.id)}#token=${token}`,
    };
  }
}
