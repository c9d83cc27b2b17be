// Signed download links: a member asks over the chat socket, the server
// checks they are in a chat the file was posted in, and answers with a link
// for them that expires. The link works in <img src> and <video src> (no
// headers needed) and with HTTP Range.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { ChatService } from './chats.js';
import { ChatError, ChatErrorCode } from './errors.js';
import type { FileRecords } from './files/fileRecords.js';
import { type Caller, mayReadSeq } from './permissions.js';

import cpb = schoolcall.chat.v1;

export const FILE_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface SignedFile {
  fileId: string;
  preview: boolean;
  userId: string;
}

export class FileLinks {
  private readonly key: Buffer;

  constructor(
    tokenSecret: string,
    private readonly ttlSeconds: number,
    private readonly chats: () => ChatService | null,
    private readonly files: () => FileRecords | null,
  ) {
    // A key of its own, derived so a file link is never a token and back.
    this.key = createHash('sha256').update(`chat-file-links\n${tokenSecret}`).digest();
  }

  async urlFor(caller: Caller, req: cpb.IGetFileUrlRequest): Promise<cpb.IFileUrl> {
    const chats = this.chats();
    const files = this.files();
    if (!chats || !files) throw new ChatError(ChatErrorCode.CHAT_ERROR_UNAVAILABLE, 'files are unavailable');
    const { chat, member } = await chats.access(req.chatId ?? '', caller);
    const fileId = req.fileId ?? '';
    // A message of this chat that the caller may see holds it.
    const seqs = FILE_ID_PATTERN.test(fileId) ? await files.holdersIn(fileId, chat.id) : [];
    if (!seqs.some((seq) => mayReadSeq(member, seq))) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, 'no such file in this chat');
    }
    const f = await files.get(fileId);
    if (!f) throw new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, 'no such file in this chat');
    if (req.preview && !f.preview)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, 'the file has no preview');
    return this.signed(fileId, caller.user.id, !!req.preview);
  }

  /**
   * A link for `userId` to a file, without asking which chat holds it: for a
   * part that checked the person's access by its own rules (homework/).
   */
  signed(fileId: string, userId: string, preview = false): cpb.IFileUrl {
    const expires = Math.floor(Date.now() / 1000) + this.ttlSeconds;
    const p = preview ? '1' : '0';
    const u = encodeURIComponent(userId);
    const sig = this.sign(fileId, p, userId, expires);
    return {
      url: `/api/chat/files/${fileId}?p=${p}&u=${u}&e=${expires}&s=${sig}`,
      expiresAt: expires * 1000,
    };
  }

  /** The file a link grants, or null if it is forged or expired. */
  verify(fileId: string, query: URLSearchParams): SignedFile | null {
    const p = query.get('p') === '1' ? '1' : '0';
    const userId = query.get('u') ?? '';
    const expires = Number(query.get('e'));
    const sig = Buffer.from(query.get('s') ?? '', 'base64url');
    if (!Number.isInteger(expires) || expires < Date.now() / 1000) return null;
    const want = Buffer.from(this.sign(fileId, p, userId, expires), 'base64url');
    if (sig.length !== want.length || !timingSafeEqual(sig, want)) return null;
    return { fileId, preview: p === '1', userId };
  }

  private sign(fileId: string, preview: string, userId: string, expires: number): string {
    return createHmac('sha256', this.key)
      .update(`${fileId}\n${preview}\n${userId}\n${expires}`)
      .digest('base64url');
  }
}
