// "Join after approval": someone with an invitation link to a chat that asks
// for approval is put on the chat's request list; an admin accepts (they join
// as having come by themselves) or declines. The school's rules are checked
// when asking and again when accepting.
import type { Postgres } from '../common/postgres/connect.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { ChatService } from './chats.js';
import { ChatError, ChatErrorCode, forbidden } from './errors.js';
import { type Caller, isChatAdmin } from './permissions.js';
import { type StoredChat, userToWire } from './records.js';
import type { ChatStore } from './store/chatStore.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

const REQUESTS_MAX = 1000;

export class JoinRequests {
  constructor(
    private readonly db: Postgres,
    private readonly chats: ChatService,
    private readonly chatStore: ChatStore,
  ) {}

  /** Records the caller's request (again: the same request). */
  async ask(caller: Caller, chat: StoredChat): Promise<cpb.IJoinRequest> {
    await this.chats.policy?.mayEnter(chat.id, [caller.user]);
    const at = Date.now();
    const r = await this.db.query<{ requested_at: number }>(
      `WITH ins AS (
         INSERT INTO messaging.join_request (chat_id, user_id, requested_at)
         SELECT $1, $2, $3 WHERE (SELECT count(*) FROM messaging.join_request WHERE chat_id = $1) < $4
         ON CONFLICT DO NOTHING RETURNING requested_at)
       SELECT requested_at FROM ins
       UNION ALL SELECT requested_at FROM messaging.join_request WHERE chat_id = $1 AND user_id = $2`,
      [chat.id, caller.user.id, at, REQUESTS_MAX],
    );
    if (!r.rows[0]) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'too many pending requests in this chat');
    }
    return { chatId: chat.id, user: userToWire(caller.user), requestedAt: r.rows[0].requested_at };
  }

  async list(caller: Caller, req: cpb.IListJoinRequestsRequest): Promise<cpb.IJoinRequestList> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    if (!isChatAdmin(member.role)) throw forbidden("only the chat's admins see join requests");
    const pending = await this.db.query<{ user_id: string; requested_at: number }>(
      'SELECT user_id, requested_at FROM messaging.join_request WHERE chat_id = $1 ORDER BY requested_at, user_id',
      [chat.id],
    );
    const users = await this.chatStore.users(pending.rows.map((p) => p.user_id));
    const requests = pending.rows.flatMap((p) => {
      const u = users.get(p.user_id);
      return u ? [{ chatId: chat.id, user: userToWire(u), requestedAt: p.requested_at }] : [];
    });
    return { requests };
  }

  async decide(caller: Caller, req: cpb.IDecideJoinRequestRequest): Promise<void> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    if (!isChatAdmin(member.role)) throw forbidden("only the chat's admins decide on join requests");
    const userId = check.userId(req.userId);
    const user = (await this.chatStore.users([userId])).get(userId);
    const asked = await this.db.query(
      'SELECT 1 FROM messaging.join_request WHERE chat_id = $1 AND user_id = $2',
      [chat.id, userId],
    );
    if (!user || !asked.rowCount) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_NO_JOIN_REQUEST, 'no request from that person');
    }
    if (req.accept) {
      await this.chats.mayJoin(chat, [user], caller.user.id);
      await this.chats.addPeople(chat, [user], 'self', { user, guest: false });
    }
    await this.db.query('DELETE FROM messaging.join_request WHERE chat_id = $1 AND user_id = $2', [
      chat.id,
      userId,
    ]);
  }
}
