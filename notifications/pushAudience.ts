// Who a chat's pushes may go to, read once and kept a short while: the chat,
// its members, their mutes of it and quiet hours, their browsers. A chat with
// 50 messages a second would otherwise cost four PostgreSQL reads each.
// Kept until the first of:
// - TTL_MS has passed;
// - this host hears a membership or chat change on the feed (forget());
// - the chat's generation in Redis (`push:gen:<chat>`) moved: a mute, quiet
//   hours or a browser saved or dropped, on any host, bumps it (changed())
//   before that request is answered, and the notifier reads it with each
//   batch's claims, so a change counts from the next message on.
// Mutes' ends and quiet hours are kept as settings and judged at each message's time.
import type { Redis } from 'ioredis';
import type client from 'prom-client';
import type { PrefsService, PushSettings } from '../messaging/prefs.js';
import type { StoredChat, StoredMember } from '../messaging/records.js';
import type { ChatStore } from '../messaging/store/chatStore.js';
import type { PushSubscriptionRecord, PushSubscriptions } from './subscriptions.js';

export interface Audience {
  chat: StoredChat;
  members: Map<string, StoredMember>;
  settings: Map<string, PushSettings>;
  browsers: Map<string, PushSubscriptionRecord[]>;
}

interface Held {
  audience: Audience;
  gen: string | null;
  until: number;
}

const TTL_MS = 10_000;
/** Chats kept at most (the oldest goes first). */
const CHATS_MAX = 200;
/** A generation key lives this long after its last change (longer than any cache). */
const GEN_SECONDS = 24 * 3600;

export const genKey = (chatId: string) => `push:gen:${chatId}`;

export class PushAudiences {
  private readonly held = new Map<string, Held>();
  /** Bumped by forget(): a read that began before it is used once, not kept. */
  private readonly epochs = new Map<string, number>();

  constructor(
    private readonly d: {
      redis: Redis;
      chats: ChatStore;
      prefs: PrefsService;
      subscriptions: PushSubscriptions;
      /** kept (served from the cache) or read (from PostgreSQL). */
      audienceReads: client.Counter<'result'>;
    },
  ) {}

  /** The chat's audience, kept if still of generation `gen`; null if the chat is gone. */
  async get(chatId: string, gen: string | null): Promise<Audience | null> {
    const h = this.held.get(chatId);
    if (h && h.gen === gen && h.until > Date.now()) {
      this.d.audienceReads.inc({ result: 'kept' });
      return h.audience;
    }
    this.held.delete(chatId);
    this.d.audienceReads.inc({ result: 'read' });
    const epoch = this.epochs.get(chatId) ?? 0;
    const audience = await this.read(chatId);
    if (audience && (this.epochs.get(chatId) ?? 0) === epoch) {
      if (this.held.size >= CHATS_MAX) this.held.delete(this.held.keys().next().value!);
      this.held.set(chatId, { audience, gen, until: Date.now() + TTL_MS });
    }
    return audience;
  }

  /** This host heard the chat's members or settings change. */
  forget(chatId: string): void {
    this.held.delete(chatId);
    this.epochs.set(chatId, (this.epochs.get(chatId) ?? 0) + 1);
    // Only reads in flight look at an epoch; a bounded map is enough.
    if (this.epochs.size > CHATS_MAX * 4) this.epochs.delete(this.epochs.keys().next().value!);
  }

  /** Someone's push settings changed for these chats: every host reads them again. */
  async changed(chatIds: string[]): Promise<void> {
    if (chatIds.length === 0) return;
    const pipe = this.d.redis.pipeline();
    for (const c of chatIds) pipe.incr(genKey(c)).expire(genKey(c), GEN_SECONDS);
    const results = (await pipe.exec()) ?? [];
    for (const c of chatIds) this.forget(c);
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
  }

  /** A person's settings changed for one chat (chatId) or all of theirs (null). */
  async personChanged(userId: string, chatId: string | null): Promise<void> {
    await this.changed(chatId ? [chatId] : await this.d.chats.userChatIds(userId));
  }

  private async read(chatId: string): Promise<Audience | null> {
    const chat = await this.d.chats.chat(chatId);
    if (!chat) return null;
    const members = await this.d.chats.allMembers(chatId);
    const ids = [...members.keys()];
    const [settings, subs] = await Promise.all([
      this.d.prefs.pushSettings(ids, chatId),
      this.d.subscriptions.forUsers(ids),
    ]);
    const browsers = new Map<string, PushSubscriptionRecord[]>();
    for (const s of subs) {
      const list = browsers.get(s.userId) ?? [];
      list.push(s);
      browsers.set(s.userId, list);
    }
    return { chat, members, settings, browsers };
  }
}
