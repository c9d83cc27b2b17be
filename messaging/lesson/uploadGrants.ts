// Upload grants for the lesson's chat. A call participant holds a room token,
// not a messenger user token; to attach a file in the call they ask the call
// for a grant: a short-lived JWT for one chat with their identity (user id,
// name, whether a guest), which the tus upload endpoint accepts in place of
// a user token for that chat only. Signed with a key of its own (derived
// from TOKEN_SECRET), so a grant is never a room or user token and back.
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { SignedTokens } from '../../common/signedTokens.js';
import { ChatError, ChatErrorCode } from '../errors.js';
import type { Caller } from '../permissions.js';
import { tokenFault } from '../userTokens.js';

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
  private readonly signer: SignedTokens;

  constructor(secret: string, issuer: string) {
    this.signer = new SignedTokens(
      createHash('sha256').update(`chat-upload-grants\n${secret}`).digest(),
      issuer,
    );
  }

  async mint(grant: UploadGrant): Promise<{ token: string; expiresAt: number }> {
    const u = grant.caller.user;
    const claims = {
      typ: GRANT_TYPE,
      chat: grant.chatId,
      name: u.name,
      sort: u.sort,
      guest: grant.caller.guest,
    };
    const { token, expiresAt } = await this.signer.sign(u.id, claims, UPLOAD_GRANT_TTL_SECONDS);
    return { token, expiresAt: expiresAt.getTime() };
  }

  /** The grant a token carries; a typed UNAUTHENTICATED or TOKEN_EXPIRED otherwise. */
  async verify(token: string): Promise<UploadGrant> {
    const opened = await this.signer.open(token);
    if ('fault' in opened) throw tokenFault(opened.fault, 'the upload grant');
    const { typ, sub, chat, name, sort, guest } = opened.payload;
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
