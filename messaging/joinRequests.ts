// "Join after approval": someone with an invitation link to a chat that asks
// for approval is put on the chat's request list; an admin accepts (they join
// as having come by themselves) or declines. The school's rules are checked
// when asking and again when accepting.
import type { Redis } from 'ioredis';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { ChatService } from './chats.js';
import { ChatError, ChatErrorCode, forbidden } from './errors.js';
import { type Caller, isChatAdmin } from './permissions.js';
import { type StoredChat, userToWire } from './records.js';
import type { ChatStore } from './store/chatStore.js';
import { keys } from './store/keys.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

const REQUESTS_MAX = 1000;
const requestsKey = (chatId: string) => `${keys.chat(chatId)}:jr`;

export class JoinRequests {
  constructor(
    private readonly redis: Redis,
    private readonly chats: ChatService,
    private readonly chatStore: ChatStore,
  ) {}

  /** Records the caller's request (again: the same request). */
  async ask(caller: Caller, chat: StoredChat): Promise<cpb.IJoinRequest> {
    await this.chats.policy?.mayEnter(chat.id, [caller.user]);
    const at = Date.now();
    const key = requestsKey(chat.id);
    if ((await this.redis.hlen(key)) >= REQUESTS_MAX) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'too many pending requests in this chat');
    }
    await this.redis.hsetnx(key, caller.user.id, String(at));
    return { chatId: chat.id, user: userToWire(caller.user), requestedAt: at };
  }

  async list(caller: Caller, req: cpb.IListJoinRequestsRequest): Promise<cpb.IJoinRequestList> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    if (!isChatAdmin(member.role)) throw forbidden("only the chat's admins see join requests");
    const pending = await this.redis.hgetall(requestsKey(chat.id));
    const users = await this.chatStore.users(Object.keys(pending));
    const requests = Object.entries(pending)
      .flatMap(([id, at]) => {
        const u = users.get(id);
        return u ? [{ chatId: chat.id, user: userToWire(u), requestedAt: Number(at) }] : [];
      })
      .sort((a, b) => a.requestedAt - b.requestedAt);
    return { requests };
  }

  async decide(caller: Caller, req: cpb.IDecideJoinRequestRequest): Promise<void> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    if (!isChatAdmin(member.role)) throw forbidden("only the chat's admins decide on join requests");
    const userId = check.userId(req.userId);
    const user = (await this.chatStore.users([userId])).get(userId);
    if (!user || !(await this.redis.hexists(requestsKey(chat.id), userId))) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_NO_JOIN_REQUEST, 'no request from that person');
    }
    if (req.accept) {
      await this.chats.policy?.mayEnter(chat.id, [user]);
      await this.chats.addPeople(chat, [user], 'self', { user, guest: false });
    }
    await this.redis.hdel(requestsKey(chat.id), userId);
  }
}
