// Chats, their members and people's profiles in Redis. Changes that others
// must see are published on the events channel inside the same MULTI as the
// change, so every host hears of them in the order they happened.
import type { Redis } from 'ioredis';
import {
  type ChatKindName,
  type MemberRoleName,
  type MemberSourceName,
  type StoredChat,
  type StoredMember,
  type StoredSettings,
  type StoredUser,
  parseChat,
} from '../records.js';
import { EVENTS_CHANNEL, keys } from './keys.js';
import { scripts } from './scripts.js';

export interface NewChat {
  id: string;
  kind: ChatKindName;
  title: string;
  about: string;
  createdBy: string;
  settings: StoredSettings;
  roomId?: string;
  pair?: string[];
}

export interface NewMember {
  userId: string;
  role: MemberRoleName;
  source: MemberSourceName;
}

/** A chat as one member sees it in their list. */
export interface ChatSummary {
  chat: StoredChat;
  member: StoredMember | null;
  readSeq: number;
  unread: number;
  lastMessage: string | null;
  pins: number[];
}

/**
 * Sort key of a name in a chat's list: case-folded, ё as е (Cyrillic is in
 * alphabetical order by code point but for ё), then the id to keep keys unique.
 */
export function nameKey(user: StoredUser): string {
  return `${user.sort.toLocaleLowerCase('ru').replace(/ё/g, 'е')}\u0000${user.id}`;
}

export function userIdOfNameKey(key: string): string {
  return key.slice(key.indexOf('\u0000') + 1);
}

function parseMember(json: string | null | undefined): StoredMember | null {
  return json ? (JSON.parse(json) as StoredMember) : null;
}

export class ChatStore {
  constructor(private readonly redis: Redis) {}

  // ---- people ----

  async saveUser(u: StoredUser): Promise<void> {
    await this.redis.hset(keys.user(u.id), {
      id: u.id,
      name: u.name,
      sort: u.sort,
      role: u.role,
      school: u.school,
    });
  }

  /** Keeps a profile the school's systems or the person's own token gave; adds one only if none. */
  async saveUserIfNew(u: StoredUser): Promise<void> {
    if (await this.redis.hsetnx(keys.user(u.id), 'id', u.id)) {
      await this.redis.hset(keys.user(u.id), { name: u.name, sort: u.sort, role: u.role, school: u.school });
    }
  }

  async users(ids: string[]): Promise<Map<string, StoredUser>> {
    const out = new Map<string, StoredUser>();
    if (ids.length === 0) return out;
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(keys.user(id));
    const results = (await pipe.exec()) ?? [];
    results.forEach(([err, hash], i) => {
      const h = hash as Record<string, string> | null;
      if (!err && h?.id) out.set(ids[i]!, h as unknown as StoredUser);
    });
    return out;
  }

  async userChatIds(userId: string): Promise<string[]> {
    return this.redis.smembers(keys.userChats(userId));
  }

  // ---- chats ----

  async exists(chatId: string): Promise<boolean> {
    return (await this.redis.exists(keys.chat(chatId))) === 1;
  }

  /** The chat and one person's membership of it, in one round trip. */
  async access(
    chatId: string,
    userId: string,
  ): Promise<{ chat: StoredChat | null; member: StoredMember | null }> {
    const [[, hash], [, member]] = (await this.redis
      .pipeline()
      .hgetall(keys.chat(chatId))
      .hget(keys.members(chatId), userId)
      .exec()) as [[unknown, Record<string, string>], [unknown, string | null]];
    return { chat: parseChat(hash ?? {}), member: parseMember(member) };
  }

  /** One field of a chat's hash that parseChat does not read (e.g. `behalf`). */
  async field(chatId: string, name: string): Promise<string | null> {
    return this.redis.hget(keys.chat(chatId), name);
  }

  async setField(chatId: string, name: string, value: string): Promise<void> {
    await this.redis.hset(keys.chat(chatId), name, value);
  }

  async chat(chatId: string): Promise<StoredChat | null> {
    return parseChat(await this.redis.hgetall(keys.chat(chatId)));
  }

  async pins(chatId: string, count = 10): Promise<number[]> {
    return (await this.redis.zrevrange(keys.pins(chatId), 0, count - 1)).map(Number);
  }

  /**
   * Creates a chat with its first members. Fails (false) if the id is taken,
   * which makes creating a direct chat or a room's chat idempotent.
   */
  async create(
    chat: NewChat,
    members: { user: StoredUser; role: MemberRoleName; source: MemberSourceName }[],
  ) {
    const now = Date.now();
    const created = await this.redis.hsetnx(keys.chat(chat.id), 'id', chat.id);
    // A creator that died between the two steps left only the id: finish its work.
    if (!created && (await this.redis.hexists(keys.chat(chat.id), 'kind'))) return false;
    const multi = this.redis.multi();
    multi.hset(keys.chat(chat.id), {
      kind: chat.kind,
      title: chat.title,
      about: chat.about,
      createdAt: now,
      createdBy: chat.createdBy,
      settings: JSON.stringify(chat.settings),
      seq: 0,
      rev: 0,
      members: 0,
      lastAt: now,
      roomId: chat.roomId ?? '',
      pair: (chat.pair ?? []).join('\n'),
    });
    this.addMembersTo(multi, chat.id, 1, 0, members, now);
    await multi.exec();
    return true;
  }

  /**
   * Adds people (those already in are skipped). They see messages from
   * `visibleFrom` on and start with everything up to `readSeq` read.
   */
  async addMembers(
    chatId: string,
    members: { user: StoredUser; role: MemberRoleName; source: MemberSourceName }[],
    visibleFrom: number,
    readSeq: number,
  ): Promise<StoredUser[]> {
    const existing = await this.redis.hmget(keys.members(chatId), ...members.map((m) => m.user.id));
    const fresh = members.filter((_, i) => existing[i] === null);
    if (fresh.length === 0) return [];
    const multi = this.redis.multi();
    this.addMembersTo(multi, chatId, visibleFrom, readSeq, fresh, Date.now());
    await multi.exec();
    return fresh.map((m) => m.user);
  }

  private addMembersTo(
    multi: ReturnType<Redis['multi']>,
    chatId: string,
    visibleFrom: number,
    readSeq: number,
    members: { user: StoredUser; role: MemberRoleName; source: MemberSourceName }[],
    now: number,
  ): void {
    if (members.length === 0) return;
    const entries: Record<string, string> = {};
    const names: (string | number)[] = [];
    for (const m of members) {
      const record: StoredMember = { role: m.role, source: m.source, joinedAt: now, visibleFrom };
      entries[m.user.id] = JSON.stringify(record);
      names.push(0, nameKey(m.user));
      multi.sadd(keys.userChats(m.user.id), chatId);
      multi.hset(keys.read(chatId), m.user.id, readSeq);
    }
    multi.hset(keys.members(chatId), entries);
    multi.zadd(keys.names(chatId), ...names);
    multi.hincrby(keys.chat(chatId), 'members', members.length);
    multi.publish(EVENTS_CHANNEL, JSON.stringify({ t: 'ca', c: chatId, u: members.map((m) => m.user.id) }));
  }

  async removeMember(chatId: string, user: StoredUser, reason: string): Promise<boolean> {
    const removed = await this.redis.hdel(keys.members(chatId), user.id);
    if (!removed) return false;
    await this.redis
      .multi()
      .zrem(keys.names(chatId), nameKey(user))
      .srem(keys.userChats(user.id), chatId)
      .hdel(keys.read(chatId), user.id)
      .hincrby(keys.chat(chatId), 'members', -1)
      .publish(EVENTS_CHANNEL, JSON.stringify({ t: 'cr', c: chatId, u: [user.id], why: reason }))
      .publish(EVENTS_CHANNEL, JSON.stringify({ t: 'cc', c: chatId }))
      .exec();
    return true;
  }

  async setMemberRole(
    chatId: string,
    userId: string,
    member: StoredMember,
    role: MemberRoleName,
  ): Promise<void> {
    await this.redis
      .multi()
      .hset(keys.members(chatId), userId, JSON.stringify({ ...member, role }))
      .publish(EVENTS_CHANNEL, JSON.stringify({ t: 'ru', c: chatId, u: userId }))
      .exec();
  }

  async updateChat(chatId: string, fields: { title?: string; about?: string; settings?: StoredSettings }) {
    const hash: Record<string, string> = {};
    if (fields.title !== undefined) hash.title = fields.title;
    if (fields.about !== undefined) hash.about = fields.about;
    if (fields.settings) hash.settings = JSON.stringify(fields.settings);
    await this.redis
      .multi()
      .hset(keys.chat(chatId), hash)
      .publish(EVENTS_CHANNEL, JSON.stringify({ t: 'cc', c: chatId }))
      .exec();
  }

  async summary(chatId: string, userId: string): Promise<ChatSummary | null> {
    const r = (await scripts.summary.run(
      this.redis,
      [
        keys.chat(chatId),
        keys.members(chatId),
        keys.read(chatId),
        keys.deleted(chatId),
        keys.messages(chatId),
        keys.pins(chatId),
      ],
      [userId],
    )) as [string[], string, number, number, string, string[]] | null;
    if (!r) return null;
    const [flat, member, readSeq, unread, lastMessage, pins] = r;
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
    const chat = parseChat(hash);
    if (!chat) return null;
    return {
      chat,
      member: parseMember(member),
      readSeq: Number(readSeq),
      unread: Math.max(0, Number(unread)),
      lastMessage: lastMessage || null,
      pins: pins.map(Number),
    };
  }

  /** Summaries of many chats for one person (auto-pipelined into few round trips). */
  async summaries(chatIds: string[], userId: string): Promise<ChatSummary[]> {
    const all = await Promise.all(chatIds.map((id) => this.summary(id, userId)));
    return all.filter((s): s is ChatSummary => s !== null);
  }

  async member(chatId: string, userId: string): Promise<StoredMember | null> {
    return parseMember(await this.redis.hget(keys.members(chatId), userId));
  }

  async allMembers(chatId: string): Promise<Map<string, StoredMember>> {
    const hash = await this.redis.hgetall(keys.members(chatId));
    return new Map(Object.entries(hash).map(([id, json]) => [id, JSON.parse(json) as StoredMember]));
  }

  /** Member ids sorted by sort name; all of them (chats are bounded by CHAT_MAX_MEMBERS). */
  async memberIdsByName(chatId: string): Promise<string[]> {
    return (await this.redis.zrange(keys.names(chatId), 0, -1)).map(userIdOfNameKey);
  }

  async readMarks(chatId: string): Promise<Map<string, number>> {
    const hash = await this.redis.hgetall(keys.read(chatId));
    return new Map(Object.entries(hash).map(([id, seq]) => [id, Number(seq)]));
  }

  async markRead(chatId: string, userId: string, seq: number): Promise<{ readSeq: number; unread: number }> {
    const [readSeq, unread] = (await scripts.markRead.run(
      this.redis,
      [keys.chat(chatId), keys.read(chatId), keys.deleted(chatId)],
      [userId, seq, EVENTS_CHANNEL, chatId],
    )) as [number, number];
    return { readSeq: Number(readSeq), unread: Math.max(0, Number(unread)) };
  }
}
