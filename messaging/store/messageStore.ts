// Messages in Redis: appended and changed only through the Lua scripts, which
// number, store and publish in one atomic step. A send resolves only once
// Redis has answered, and with the shipped configuration (appendfsync
// always) Redis answers only after the write is on disk.
import type { Redis } from 'ioredis';
import { type MyFlags, type NewMessage, type StoredMessage, list, parseMessage } from '../records.js';
import { CLIENT_ID_TTL_SECONDS, EVENTS_CHANNEL, keys } from './keys.js';
import { scripts } from './scripts.js';

export type CommitFlag = 'deleted' | 'pinned' | 'unpinned' | '';

function parseFlags(json: string): MyFlags {
  const raw = JSON.parse(json) as { rx: unknown; v: unknown; imp: boolean };
  return {
    reactions: list(raw.rx as string[]),
    votes: list(raw.v as number[]),
    important: raw.imp,
  };
}

export class MessageStore {
  constructor(private readonly redis: Redis) {}

  /**
   * Appends a message if the sender may write in the chat (checked in the
   * same atomic step); `fresh` is false when this client message id was sent
   * before, and the earlier message is returned instead of a new one. An
   * empty sender is the chat's own note.
   */
  async append(
    chatId: string,
    senderId: string,
    clientMessageId: string,
    message: NewMessage,
    guest = false,
  ): Promise<{ fresh: boolean; message: StoredMessage }> {
    const [fresh, json] = (await scripts.send.run(
      this.redis,
      [
        keys.chat(chatId),
        keys.messages(chatId),
        keys.changes(chatId),
        keys.clientId(chatId, senderId, clientMessageId),
        keys.read(chatId),
        keys.members(chatId),
      ],
      [JSON.stringify(message), senderId, CLIENT_ID_TTL_SECONDS, EVENTS_CHANNEL, chatId, guest ? '1' : '0'],
    )) as [number, string];
    return { fresh: fresh === 1, message: parseMessage(json) };
  }

  async get(chatId: string, seq: number): Promise<StoredMessage | null> {
    const json = await this.redis.hget(keys.messages(chatId), String(seq));
    return json ? parseMessage(json) : null;
  }

  async getMany(chatId: string, seqs: number[]): Promise<(StoredMessage | null)[]> {
    if (seqs.length === 0) return [];
    const values = await this.redis.hmget(keys.messages(chatId), ...seqs.map(String));
    return values.map((v) => (v ? parseMessage(v) : null));
  }

  /**
   * Replaces a message if its rev is still `expected.rev`; null on a
   * conflict (someone changed it meanwhile: read again and retry).
   */
  async commit(chatId: string, expected: StoredMessage, next: StoredMessage, flag: CommitFlag) {
    const { rev: _rev, ...rest } = next;
    const json = (await scripts.commit.run(
      this.redis,
      [
        keys.chat(chatId),
        keys.messages(chatId),
        keys.changes(chatId),
        keys.deleted(chatId),
        keys.pins(chatId),
      ],
      [next.seq, expected.rev, JSON.stringify(rest), EVENTS_CHANNEL, chatId, flag],
    )) as string | 0;
    return json === 0 ? null : parseMessage(json);
  }

  async react(
    chatId: string,
    seq: number,
    userId: string,
    emoji: string,
    add: boolean,
    maxPerPerson: number,
  ) {
    const r = (await scripts.react.run(
      this.redis,
      [
        keys.chat(chatId),
        keys.messages(chatId),
        keys.changes(chatId),
        keys.reactions(chatId, seq),
        keys.myReactions(chatId, userId),
        keys.myVotes(chatId, userId),
        keys.important(chatId, userId),
      ],
      [seq, userId, emoji, add ? '1' : '0', maxPerPerson, EVENTS_CHANNEL, chatId],
    )) as [number, string, string];
    return { message: parseMessage(r[1]), mine: parseFlags(r[2]) };
  }

  async vote(chatId: string, seq: number, userId: string, options: number[]) {
    const r = (await scripts.vote.run(
      this.redis,
      [
        keys.chat(chatId),
        keys.messages(chatId),
        keys.changes(chatId),
        keys.votes(chatId, seq),
        keys.myVotes(chatId, userId),
        keys.myReactions(chatId, userId),
        keys.important(chatId, userId),
      ],
      [seq, userId, JSON.stringify(options), EVENTS_CHANNEL, chatId],
    )) as [string, string];
    return { message: parseMessage(r[0]), mine: parseFlags(r[1]) };
  }

  async setImportant(chatId: string, seq: number, userId: string, important: boolean): Promise<MyFlags> {
    const json = (await scripts.important.run(
      this.redis,
      [
        keys.messages(chatId),
        keys.important(chatId, userId),
        keys.myReactions(chatId, userId),
        keys.myVotes(chatId, userId),
      ],
      [seq, important ? '1' : '0', EVENTS_CHANNEL, chatId, userId],
    )) as string;
    return parseFlags(json);
  }

  /** One person's flags on several messages, in one round trip. */
  async flags(chatId: string, userId: string, seqs: number[]): Promise<MyFlags[]> {
    if (seqs.length === 0) return [];
    const fields = seqs.map(String);
    const results = (await this.redis
      .pipeline()
      .hmget(keys.myReactions(chatId, userId), ...fields)
      .hmget(keys.myVotes(chatId, userId), ...fields)
      .zmscore(keys.important(chatId, userId), ...fields)
      .exec()) as [[unknown, (string | null)[]], [unknown, (string | null)[]], [unknown, (string | null)[]]];
    const [rx, votes, important] = results.map((r) => r[1]) as [
      (string | null)[],
      (string | null)[],
      (string | null)[],
    ];
    return seqs.map((_, i) => ({
      reactions: rx[i] ? (JSON.parse(rx[i]!) as string[]) : [],
      votes: votes[i] ? (JSON.parse(votes[i]!) as number[]) : [],
      important: important[i] !== null,
    }));
  }

  /** Changes after `afterRev` (messages from `visibleFrom` on), or 'reset' past `limit`. */
  async changesAfter(
    chatId: string,
    afterRev: number,
    limit: number,
    visibleFrom: number,
  ): Promise<{ reset: boolean; rev: number; messages: StoredMessage[] }> {
    const r = (await scripts.changes.run(
      this.redis,
      [keys.chat(chatId), keys.changes(chatId), keys.messages(chatId)],
      [afterRev, limit, visibleFrom],
    )) as [string, number, ...string[]];
    const [status, rev, ...rest] = r;
    return { reset: status === 'reset', rev: Number(rev), messages: rest.map(parseMessage) };
  }

  async reactionsOf(chatId: string, seq: number): Promise<Map<string, string[]>> {
    const hash = await this.redis.hgetall(keys.reactions(chatId, seq));
    return new Map(Object.entries(hash).map(([u, json]) => [u, list(JSON.parse(json) as string[])]));
  }

  async votesOf(chatId: string, seq: number): Promise<Map<string, number[]>> {
    const hash = await this.redis.hgetall(keys.votes(chatId, seq));
    return new Map(Object.entries(hash).map(([u, json]) => [u, list(JSON.parse(json) as number[])]));
  }

  async importantSeqs(chatId: string, userId: string, limit: number): Promise<number[]> {
    return (await this.redis.zrevrange(keys.important(chatId, userId), 0, limit - 1)).map(Number).reverse();
  }
}
