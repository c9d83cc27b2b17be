// Upload grants for the lesson's chat. A call participant holds a room token,
// not a messenger user token; to attach a file in the call they ask the call
// for a grant: a short-lived JWT for one chat with their identity (user id,
// name, whether a guest), which the tus upload endpoint accepts in place of
// a user token for that chat only. Signed with a key of its own (derived
// from TOKEN_SECRET), so a grant is never a room or user token and back.
import { createHash } from 'node:crypto';
import { SignJWT, decodeJwt, jwtVerify } from 'jose';
import { ChatError, ChatErrorCode } from '../errors.js';
import type { Caller } from '../permissions.js';

const GRANT_TYPE = 'chat-upload';
/** Long enough for a large file over a school's line; every tus request carries it. */
export const UPLOAD_GRANT_TTL_SECONDS = 12 * 3600;

/** Whether a token claims to be an upload grant (unverified: it only picks the verifier). */
export function isUploadGrant(token: string): boolean {
  try {
    return decodeJwt(token).typ === GRANT_TYPE;
  } catch {
    return false;
  }
}

export interface UploadGrant {
  caller: Caller;
  chatId: string;
}

export class UploadGrants {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly issuer: string,
  ) {
    this.key = createHash('sha256').update(`chat-upload-grants\n${secret}`).digest();
  }

  async mint(grant: UploadGrant): Promise<{ token: string; expiresAt: number }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + UPLOAD_GRANT_TTL_SECONDS;
    const u = grant.caller.user;
    const token = await new SignJWT({
      typ: GRANT_TYPE,
      chat: grant.chatId,
      name: u.name,
      sort: u.sort,
      guest: grant.caller.guest,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(u.id)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: exp * 1000 };
  }

  /** The grant a token carries; a typed UNAUTHENTICATED or TOKEN_EXPIRED otherwise. */
  async verify(token: string): Promise<UploadGrant> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, { issuer: this.issuer, algorithms: ['HS256'] }));
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_JWT_EXPIRED') {
        throw new ChatError(ChatErrorCode.CHAT_ERROR_TOKEN_EXPIRED, 'the upload grant has expired');
      }
      throw new ChatError(ChatErrorCode.CHAT_ERROR_UNAUTHENTICATED, 'token is not valid');
    }
    const { typ, sub, chat, name, sort, guest } = payload;
    if (
      typ !== GRANT_TYPE ||
      typeof sub !== 'string' ||
      !sub ||
      typeof chat !== 'string' ||
      typeof name !== 'string' ||
      typeof guest !== 'boolean'
    ) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_UNAUTHENTICATED, 'not an upload grant');
    }
    return {
      chatId: chat,
      caller: {
        user: {
          id: sub,
          name,
          sort: typeof sort === 'string' && sort ? sort : name,
          role: 'guest',
          school: '',
        },
        guest,
      },
    };
  }
}
