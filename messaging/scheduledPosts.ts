// Posts sent later: stored in Redis (a sorted set by time, one JSON record
// each), sent by whichever host's timer takes a due one first (ZREM decides,
// so each goes out once), in the author's name and only if they may still
// write in the chat then (the send script checks, as for any message).
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { ChatService } from './chats.js';
import type { MessagingConfig } from './config.js';
import { ChatError, ChatErrorCode, forbidden } from './errors.js';
import { type Caller, isChatAdmin, requireWrite } from './permissions.js';
import type { MessageStore } from './store/messageStore.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

const P = 'school-call:scheduled';
const DUE = P;
const post = (id: string) => `${P}:post:${id}`;
const ofChat = (chatId: string) => `${P}:chat:{${chatId}}`;

const AHEAD_MAX_MS = 90 * 24 * 3600 * 1000;
const PER_CHAT_MAX = 100;
const BATCH = 100;

interface StoredPost {
  id: string;
  chat: string;
  from: string;
  name: string;
  text: string;
  at: number;
}

const toWire = (p: StoredPost): cpb.IScheduledPost => ({
  id: p.id,
  chatId: p.chat,
  sendAt: p.at,
  text: p.text,
  senderId: p.from,
});

export class ScheduledPosts {
  private timer: ReturnType<typeof setInterval> | null = null;
  private ticking = false;
  private lastComplaint = 0;

  constructor(
    private readonly redis: Redis,
    private readonly chats: ChatService,
    private readonly messages: MessageStore,
    private readonly config: MessagingConfig,
    private readonly log: Logger,
  ) {}

  async schedule(caller: Caller, req: cpb.ISchedulePostRequest): Promise<cpb.IScheduledPost> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    requireWrite(chat, member, caller);
    const text = check.messageText(req.text, this.config.maxMessageChars, false);
    const at = req.sendAt ?? 0;
    const now = Date.now();
    if (!Number.isFinite(at) || at <= now || at > now + AHEAD_MAX_MS) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_BAD_SCHEDULE, 'send_at must be in the next 90 days');
    }
    if ((await this.redis.scard(ofChat(chat.id))) >= PER_CHAT_MAX) {
      throw new ChatError(
        ChatErrorCode.CHAT_ERROR_BAD_SCHEDULE,
        `at most ${PER_CHAT_MAX} scheduled posts a chat`,
      );
    }
    const p: StoredPost = {
      id: randomBytes(9).toString('base64url'),
      chat: chat.id,
      from: caller.user.id,
      name: caller.user.name,
      text,
      at,
    };
    await this.redis
      .multi()
      .set(post(p.id), JSON.stringify(p))
      .sadd(ofChat(chat.id), p.id)
      .zadd(DUE, at, p.id)
      .exec();
    return toWire(p);
  }

  async list(caller: Caller, req: cpb.IListScheduledRequest): Promise<cpb.IScheduledList> {
    const { chat } = await this.chats.access(req.chatId ?? '', caller);
    const ids = await this.redis.smembers(ofChat(chat.id));
    const found = ids.length ? await this.redis.mget(...ids.map(post)) : [];
    const posts = found
      .flatMap((j) => (j ? [JSON.parse(j) as StoredPost] : []))
      .filter((p) => p.from === caller.user.id)
      .sort((a, b) => a.at - b.at);
    return { posts: posts.map(toWire) };
  }

  async cancel(caller: Caller, req: cpb.ICancelScheduledRequest): Promise<void> {
    const { chat, member } = await this.chats.access(req.chatId ?? '', caller);
    const id = req.id ?? '';
    const json = /^[A-Za-z0-9_-]{1,32}$/.test(id) ? await this.redis.get(post(id)) : null;
    const p = json ? (JSON.parse(json) as StoredPost) : null;
    if (!p || p.chat !== chat.id)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_NOT_FOUND, 'no such post');
    if (p.from !== caller.user.id && !isChatAdmin(member.role)) throw forbidden('not your post');
    await this.redis.multi().zrem(DUE, id).del(post(id)).srem(ofChat(chat.id), id).exec();
  }

  start(intervalMs = 500): void {
    this.timer ??= setInterval(() => void this.tick(), intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sends what is due; each post by the one host whose ZREM took it. */
  async tick(now = Date.now()): Promise<number> {
    // Nothing is sent while the store is away (or closing); the next tick after it is back sends.
    if (this.ticking || this.redis.status !== 'ready') return 0;
    this.ticking = true;
    let sent = 0;
    try {
      const due = await this.redis.zrangebyscore(DUE, 0, now, 'LIMIT', 0, BATCH);
      for (const id of due) {
        if ((await this.redis.zrem(DUE, id)) !== 1) continue;
        const json = await this.redis.get(post(id));
        if (!json) continue;
        const p = JSON.parse(json) as StoredPost;
        try {
          await this.messages.append(p.chat, p.from, `sched-${p.id}`, {
            kind: 'text',
            from: p.from,
            name: p.name,
            text: p.text,
            cmid: `sched-${p.id}`,
          });
          sent++;
        } catch (err) {
          this.log.warn({ err, chat: p.chat, post: p.id }, 'scheduled post not sent');
        }
        await this.redis.multi().del(post(id)).srem(ofChat(p.chat), id).exec();
      }
    } catch (err) {
      // Said once a minute while the store is away, not twice a second.
      if (now - this.lastComplaint > 60_000) {
        this.lastComplaint = now;
        this.log.warn({ err }, 'scheduled posts: cannot read what is due');
      }
    } finally {
      this.ticking = false;
    }
    return sent;
  }
}
