// Messages in PostgreSQL. Every change is one transaction that takes the
// chat row's lock to number it (seq for a new message, rev for every change),
// so one chat's changes are numbered in the order they commit; the method
// resolves only after COMMIT (with synchronous_commit on: on disk), and the
// change is then published on the chat bus. A send is one statement that
// stores the message only if what its write check read (permissions.ts
// requireWrite) is unchanged, and a resend of a stored client message id
// (after a lost answer) gets the stored message back (see append).
// Over 400 lines: every statement that numbers a message change (a send, an
// edit, a reaction, a vote) under the chat's row lock is here, so the
// numbering rule is read in one place; the batching of sends is appendBatches.ts.
import { inTransaction, lostRace } from '../../common/postgres/connect.js';
import type { Postgres, PostgresClient } from '../../common/postgres/connect.js';
import type { ChatBus, FeedEvent } from '../bus.js';
import { ChatError, ChatErrorCode } from '../errors.js';
import { requireWrite } from '../permissions.js';
import { type MyFlags, type NewMessage, type StoredMessage, type StoredUser, list } from '../records.js';
import { AppendBatches, type Waiting } from './appendBatches.js';
import { CHAT_COLUMNS, MEMBER_COLUMNS, chatOfRow, memberOfRow } from './chatStore.js';
import { inChatTransaction } from './chatTransaction.js';
import { releaseFiles } from './fileStore.js';

export type CommitFlag = 'deleted' | 'pinned' | 'unpinned' | '';

const FAILURES = {
  CHAT_NOT_FOUND: [ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND, 'no such chat'],
  NOT_A_MEMBER: [ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER, 'you are not in this chat'],
  MESSAGE_NOT_FOUND: [ChatErrorCode.CHAT_ERROR_MESSAGE_NOT_FOUND, 'no such message'],
  MESSAGE_DELETED: [ChatErrorCode.CHAT_ERROR_MESSAGE_DELETED, 'the message was deleted'],
  NOT_A_POLL: [ChatErrorCode.CHAT_ERROR_NOT_A_POLL, 'the message is not a poll'],
  POLL_CLOSED: [ChatErrorCode.CHAT_ERROR_POLL_CLOSED, 'the poll is closed'],
  ALREADY_VOTED: [ChatErrorCode.CHAT_ERROR_ALREADY_VOTED, 'you have already voted in this poll'],
  INVALID_OPTIONS: [
    ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT,
    'choose existing options (one, unless multiple)',
  ],
  TOO_MANY_REACTIONS: [ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT, 'too many reactions on one message'],
} as const;

function fail(what: keyof typeof FAILURES): ChatError {
  const [code, message] = FAILURES[what];
  return new ChatError(code, message);
}

/** Reads and compare-and-set tries of one append before it is refused (see append). */
const APPEND_ATTEMPTS = 5;

/** Sends stored by one statement at most (appendTurn). */
const BATCH_MAX = 100;

/** readForAppend's row: the chat, the sender's membership, an earlier send. */
type AppendRow = Awaited<ReturnType<MessageStore['readForAppend']>>;

interface AppendJob {
  reading: Promise<AppendRow>;
  senderId: string;
  clientMessageId: string;
  message: NewMessage;
  fileIds: string[];
  guest: boolean;
}

interface AppendRead {
  kind: string;
  settings: unknown;
  role: string;
}

type Appended = { fresh: boolean; message: StoredMessage } | null;

/** The database's clock in ms: one clock for every host's messages. */
const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

interface MessageRow {
  seq: number;
  rev: number;
  at: number;
  body: NewMessage;
}

const MESSAGE_COLUMNS = 'seq, rev, at, body';

function recordOf(r: MessageRow): StoredMessage {
  return { ...r.body, seq: r.seq, rev: r.rev, at: r.at };
}

/** The record as kept in `body`: without the numbers the row has as columns. */
function bodyOf(m: StoredMessage | NewMessage): string {
  const { seq: _s, rev: _r, at: _a, ...body } = m as StoredMessage;
  return JSON.stringify(body);
}

export class MessageStore {
  /**
   * Called after a commit that released files (their last hold may have
   * gone): removes the bytes of those marked for removal (Messenger wires it).
   */
  filesReleased: ((fileIds: string[]) => Promise<void>) | null = null;

  private readonly appends: AppendBatches<AppendJob, Appended>;

  constructor(
    readonly db: Postgres,
    private readonly bus: ChatBus,
  ) {
    this.appends = new AppendBatches(db, (chatId, turn) => this.appendTurn(chatId, turn));
  }

  /**
   * Appends a message if the sender may write in the chat; `fresh` is false
   * when this client message id was sent before, and the earlier message is
   * returned instead of a new one. An empty sender is the chat's own note.
   *
   * The write rule is decided here in TypeScript (permissions.ts) on a read
   * without a lock, then the message is stored by one statement that takes
   * the chat's row lock itself and stores nothing unless what the decision
   * read is unchanged (the chat's kind and settings, the sender's role, every
   * attached file still a finished upload): compare-and-set, read again on a
   * conflict. So the row lock is held inside PostgreSQL for one statement
   * and its commit, never across a round trip to this process (it was held
   * across three, which bounded one chat's send rate by the event loop).
   */
  async append(
    chatId: string,
    senderId: string,
    clientMessageId: string,
    message: NewMessage,
    guest = false,
  ): Promise<{ fresh: boolean; message: StoredMessage }> {
    const fileIds = [...new Set(list(message.files).map((f) => f.id))];
    for (let attempt = 1; ; attempt++) {
      // The read starts now, beside the queue; the send keeps its place in
      // the chat's queue from its arrival, so one person's sends keep their order.
      const reading = this.readForAppend(chatId, senderId, clientMessageId);
      reading.catch(() => undefined);
      const done = await this.appends.add(chatId, {
        reading,
        senderId,
        clientMessageId,
        message,
        fileIds,
        guest,
      });
      if (done) {
        if (done.fresh) await this.bus.publish({ t: 'm', c: chatId, r: done.message });
        return done;
      }
      if (attempt >= APPEND_ATTEMPTS)
        throw new ChatError(
          ChatErrorCode.CHAT_ERROR_RATE_LIMITED,
          'the chat is changing too fast; try again',
        );
    }
  }

  /**
   * One turn of a chat's sends (appendBatches.ts): each is decided on its own
   * read; those that may be stored go in one statement where they can (text,
   * no files, the same chat settings read), else one by one. A send answered
   * null is read and tried again by append().
   */
  private async appendTurn(chatId: string, turn: Waiting<AppendJob, Appended>[]): Promise<void> {
    const decided: { w: Waiting<AppendJob, Appended>; read: AppendRead }[] = [];
    for (const w of turn) {
      try {
        const { reading, senderId, message, guest } = w.job;
        const row = await reading;
        if (!row) throw fail('CHAT_NOT_FOUND');
        if (row.earlier) {
          w.resolve({ fresh: false, message: recordOf(row.earlier as MessageRow) });
          continue;
        }
        const member = memberOfRow(row);
        if (senderId !== '') {
          if (!member) throw fail('NOT_A_MEMBER');
          const caller = { user: { id: senderId } as StoredUser, guest };
          requireWrite(chatOfRow(row), member, caller, message.reply !== undefined);
        }
        decided.push({
          w,
          read: { kind: row.kind as string, settings: row.settings, role: member?.role ?? '' },
        });
      } catch (err) {
        w.reject(err);
      }
    }
    for (let i = 0; i < decided.length; ) {
      let j = i;
      const first = decided[i]!;
      const settings = JSON.stringify(first.read.settings);
      // A client id repeated in the turn (a resend before the first answer)
      // starts the next group, where it finds the stored one.
      const ids = new Set<string>();
      while (j < decided.length && j - i < BATCH_MAX) {
        const d = decided[j]!;
        const id = `${d.w.job.senderId}\n${d.w.job.clientMessageId}`;
        if (d.w.job.fileIds.length > 0 || ids.has(id)) break;
        if (d.read.kind !== first.read.kind || JSON.stringify(d.read.settings) !== settings) break;
        ids.add(id);
        j++;
      }
      const group = j - i >= 2 ? decided.slice(i, j) : [];
      const stored = group.length > 0 ? await this.storeManyIfUnchanged(chatId, group) : null;
      if (stored) {
        group.forEach((d, k) => d.w.resolve({ fresh: true, message: stored[k]! }));
        i = j;
        continue;
      }
      // One by one: a send with files, or a group that did not hold together.
      for (const d of group.length > 0 ? group : [first]) {
        const { senderId, clientMessageId, message, fileIds } = d.w.job;
        try {
          const one = await this.storeIfUnchanged(
            chatId,
            senderId,
            clientMessageId,
            message,
            fileIds,
            d.read,
          );
          d.w.resolve(one && { fresh: true, message: one });
        } catch (err) {
          d.w.reject(err);
        }
      }
      i = group.length > 0 ? j : i + 1;
    }
  }

  /**
   * Several text sends of one turn in one statement, numbered in turn order;
   * null (nothing stored) unless every one's decision still holds (the
   * chat's kind and settings, each sender's role) and no client id repeats.
   */
  private async storeManyIfUnchanged(
    chatId: string,
    group: { w: Waiting<AppendJob, Appended>; read: AppendRead }[],
  ): Promise<StoredMessage[] | null> {
    const k = group.length;
    let r: { rows: { seq: number; rev: number; at: number }[] };
    try {
      r = await this.db.query(
        `WITH b AS (
             SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])
               WITH ORDINALITY AS b(sender, cmid, body, role, i)),
           n AS (
             UPDATE messaging.chat c SET seq = seq + $8, rev = rev + $8, last_at = ${NOW_MS}
             WHERE c.id = $1 AND c.kind = $6 AND c.settings = $7::jsonb
               AND (SELECT count(*) FROM b WHERE b.sender = '' OR EXISTS (
                 SELECT 1 FROM messaging.member m
                 WHERE m.chat_id = $1 AND m.user_id = b.sender AND m.role = b.role)) = $8
             RETURNING seq, rev, last_at),
           ins AS (
             INSERT INTO messaging.message (chat_id, seq, rev, at, sender, cmid, body)
             SELECT $1, n.seq - $8 + b.i, n.rev - $8 + b.i, n.last_at, b.sender, b.cmid, b.body::jsonb
             FROM n, b RETURNING seq, rev, at),
           rd AS (
             UPDATE messaging.member m SET read_seq = x.seq
             FROM (SELECT b.sender, max(n.seq - $8 + b.i) AS seq FROM n, b
                   WHERE b.sender <> '' GROUP BY b.sender) x
             WHERE m.chat_id = $1 AND m.user_id = x.sender)
           SELECT seq, rev, at FROM ins ORDER BY seq`,
        [
          chatId,
          group.map((d) => d.w.job.senderId),
          group.map((d) => d.w.job.clientMessageId),
          group.map((d) => bodyOf(d.w.job.message)),
          group.map((d) => d.read.role),
          group[0]!.read.kind,
          JSON.stringify(group[0]!.read.settings),
          k,
        ],
      );
    } catch (err) {
      // A client id stored meanwhile or twice in the group, or a lost race:
      // nothing was stored; the sends go one by one.
      if ((err as { constraint?: string }).constraint === 'message_by_client_id') return null;
      if (lostRace(err)) return null;
      throw err;
    }
    if (r.rows.length !== k) return null;
    return group.map((d, idx) => {
      const row = r.rows[idx]!;
      return {
        ...d.w.job.message,
        seq: Number(row.seq),
        rev: Number(row.rev),
        at: Number(row.at),
      } as StoredMessage;
    });
  }

  /** What append() decides on: the chat, the sender's membership, an earlier message with this client id. */
  private async readForAppend(chatId: string, senderId: string, clientMessageId: string) {
    const r = await this.db.query(
      `SELECT ${CHAT_COLUMNS}, ${MEMBER_COLUMNS},
         (SELECT to_jsonb(p) FROM (SELECT ${MESSAGE_COLUMNS} FROM messaging.message
           WHERE chat_id = $1 AND sender = $2 AND cmid = $3) p) AS earlier
       FROM messaging.chat c LEFT JOIN messaging.member m ON m.chat_id = c.id AND m.user_id = $2
       WHERE c.id = $1`,
      [chatId, senderId, clientMessageId],
    );
    return r.rows[0];
  }

  /**
   * append()'s one statement, run in the chat's queue on this host
   * (chatTransaction.ts); null when what the decision read has changed (or a
   * resend of the same client message id was stored meanwhile).
   */
  private async storeIfUnchanged(
    chatId: string,
    senderId: string,
    clientMessageId: string,
    message: NewMessage,
    fileIds: string[],
    read: { kind: string; settings: unknown; role: string },
  ): Promise<StoredMessage | null> {
    let r: { rows: { ready: number; seq: number | null; rev: number; at: number }[] };
    try {
      r = await this.db.query(
        // held: the attached files that are finished uploads, locked FOR SHARE
        // so their last hold cannot be released meanwhile (fileStore.ts).
        `WITH held AS (
             SELECT id FROM messaging.file WHERE id = ANY($5::text[]) AND state = 'ready' ORDER BY id FOR SHARE),
           n AS (
             UPDATE messaging.chat c SET seq = seq + 1, rev = rev + 1, last_at = ${NOW_MS}
             WHERE c.id = $1 AND c.kind = $6 AND c.settings = $7::jsonb
               AND ($2 = '' OR EXISTS (SELECT 1 FROM messaging.member m
                 WHERE m.chat_id = $1 AND m.user_id = $2 AND m.role = $8))
               AND (SELECT count(*) FROM held) = cardinality($5::text[])
             RETURNING seq, rev, last_at),
           ins AS (
             INSERT INTO messaging.message (chat_id, seq, rev, at, sender, cmid, body)
             SELECT $1, n.seq, n.rev, n.last_at, $2, $3, $4 FROM n RETURNING seq, rev, at),
           rd AS (
             UPDATE messaging.member SET read_seq = n.seq FROM n
             WHERE chat_id = $1 AND user_id = $2 AND $2 <> ''),
           hold AS (
             INSERT INTO messaging.file_hold (chat_id, seq, file_id)
             SELECT $1, ins.seq, held.id FROM ins, held ON CONFLICT DO NOTHING),
           posted AS (
             UPDATE messaging.file f SET posted = true FROM n
             WHERE f.id IN (SELECT id FROM held) AND NOT f.posted)
           SELECT (SELECT count(*) FROM held)::int AS ready, ins.seq, ins.rev, ins.at
           FROM (SELECT 1) one LEFT JOIN ins ON true`,
        [
          chatId,
          senderId,
          clientMessageId,
          bodyOf(message),
          fileIds,
          read.kind,
          JSON.stringify(read.settings),
          read.role,
        ],
      );
    } catch (err) {
      // A resend of the same message stored meanwhile: read again to answer with it.
      if ((err as { constraint?: string }).constraint === 'message_by_client_id') return null;
      // A deadlock (this statement locks the files before the chat; a delete
      // that releases a file's last hold locks them the other way) did nothing.
      if (lostRace(err)) return null;
      throw err;
    }
    const n = r.rows[0]!;
    if (n.seq !== null) return { ...message, seq: n.seq, rev: n.rev, at: n.at } as StoredMessage;
    if (n.ready !== fileIds.length)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND, 'an attached file is gone');
    return null;
  }

  async get(chatId: string, seq: number): Promise<StoredMessage | null> {
    return (await this.getMany(chatId, [seq]))[0] ?? null;
  }

  async getMany(chatId: string, seqs: number[]): Promise<(StoredMessage | null)[]> {
    if (seqs.length === 0) return [];
    const r = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messaging.message WHERE chat_id = $1 AND seq = ANY($2::bigint[])`,
      [chatId, seqs],
    );
    const bySeq = new Map(r.rows.map((row) => [row.seq, recordOf(row)]));
    return seqs.map((s) => bySeq.get(s) ?? null);
  }

  /** Locks one message for a change; its record. */
  private async lockMessage(client: PostgresClient, chatId: string, seq: number): Promise<StoredMessage> {
    const r = await client.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messaging.message WHERE chat_id = $1 AND seq = $2 FOR UPDATE`,
      [chatId, seq],
    );
    if (!r.rows[0]) throw fail('MESSAGE_NOT_FOUND');
    return recordOf(r.rows[0]);
  }

  /** Stores a message's new version under the chat's next rev. */
  private async store(client: PostgresClient, chatId: string, rec: StoredMessage): Promise<StoredMessage> {
    const r = await client.query<{ rev: number }>(
      `WITH n AS (UPDATE messaging.chat SET rev = rev + 1 WHERE id = $1 RETURNING rev)
       UPDATE messaging.message SET rev = n.rev, body = $3, deleted = $4 FROM n
       WHERE chat_id = $1 AND seq = $2 RETURNING n.rev`,
      [chatId, rec.seq, bodyOf(rec), rec.deleted === true],
    );
    return { ...rec, rev: r.rows[0]!.rev };
  }

  /**
   * Replaces a message if its rev is still `expected.rev`; null on a
   * conflict (someone changed it meanwhile: read again and retry).
   */
  async commit(
    chatId: string,
    expected: StoredMessage,
    next: StoredMessage,
    flag: CommitFlag,
  ): Promise<StoredMessage | null> {
    const done = await inChatTransaction(this.db, chatId, async (client) => {
      const current = await this.lockMessage(client, chatId, next.seq);
      if (current.rev !== expected.rev) return null;
      const saved = await this.store(client, chatId, next);
      const released = flag === 'deleted' ? await releaseFiles(client, chatId, next.seq) : [];
      let pinsChanged = false;
      if (flag === 'deleted' || flag === 'unpinned') {
        const d = await client.query('DELETE FROM messaging.pin WHERE chat_id = $1 AND seq = $2', [
          chatId,
          next.seq,
        ]);
        pinsChanged = d.rowCount === 1;
      } else if (flag === 'pinned') {
        await client.query(
          `INSERT INTO messaging.pin (chat_id, seq, pinned_at) VALUES ($1, $2, ${NOW_MS})
           ON CONFLICT (chat_id, seq) DO UPDATE SET pinned_at = excluded.pinned_at`,
          [chatId, next.seq],
        );
        pinsChanged = true;
      }
      return { saved, pinsChanged, released };
    });
    if (!done) return null;
    const events: FeedEvent[] = [{ t: 'm', c: chatId, r: done.saved }];
    if (done.pinsChanged) events.push({ t: 'cc', c: chatId });
    await this.bus.publish(...events);
    if (done.released.length) await this.filesReleased?.(done.released);
    return done.saved;
  }

  async react(
    chatId: string,
    seq: number,
    userId: string,
    emoji: string,
    add: boolean,
    maxPerPerson: number,
  ): Promise<{ message: StoredMessage; mine: MyFlags }> {
    const done = await inChatTransaction(this.db, chatId, async (client) => {
      const rec = await this.lockMessage(client, chatId, seq);
      if (rec.deleted) throw fail('MESSAGE_DELETED');
      const r = await client.query<{ emojis: string[] }>(
        'SELECT emojis FROM messaging.reaction WHERE chat_id = $1 AND seq = $2 AND user_id = $3',
        [chatId, seq, userId],
      );
      const mine = r.rows[0]?.emojis ?? [];
      const has = mine.includes(emoji);
      if (add === has)
        return { changed: false, message: rec, mine: await this.flagsIn(client, chatId, userId, seq) };
      if (add && mine.length >= maxPerPerson) throw fail('TOO_MANY_REACTIONS');
      const next = add ? [...mine, emoji] : mine.filter((e) => e !== emoji);
      const rx = { ...(rec.rx && !Array.isArray(rec.rx) ? rec.rx : {}) };
      const n = (rx[emoji] ?? 0) + (add ? 1 : -1);
      if (n > 0) rx[emoji] = n;
      else delete rx[emoji];
      if (next.length) {
        await client.query(
          `INSERT INTO messaging.reaction (chat_id, seq, user_id, emojis) VALUES ($1, $2, $3, $4)
           ON CONFLICT (chat_id, seq, user_id) DO UPDATE SET emojis = excluded.emojis`,
          [chatId, seq, userId, next],
        );
      } else {
        await client.query(
          'DELETE FROM messaging.reaction WHERE chat_id = $1 AND seq = $2 AND user_id = $3',
          [chatId, seq, userId],
        );
      }
      const saved = await this.store(client, chatId, { ...rec, rx });
      return { changed: true, message: saved, mine: await this.flagsIn(client, chatId, userId, seq) };
    });
    if (done.changed)
      await this.bus.publish(
        { t: 'm', c: chatId, r: done.message },
        flagsEvent(chatId, userId, seq, done.mine),
      );
    return { message: done.message, mine: done.mine };
  }

  async vote(
    chatId: string,
    seq: number,
    userId: string,
    options: number[],
  ): Promise<{ message: StoredMessage; mine: MyFlags }> {
    const done = await inChatTransaction(this.db, chatId, async (client) => {
      const rec = await this.lockMessage(client, chatId, seq);
      if (rec.deleted) throw fail('MESSAGE_DELETED');
      const poll = rec.poll;
      if (!poll || typeof poll !== 'object') throw fail('NOT_A_POLL');
      if (poll.closed || (poll.closesAt > 0 && Date.now() >= poll.closesAt)) throw fail('POLL_CLOSED');
      const voted = await client.query(
        'SELECT 1 FROM messaging.vote WHERE chat_id = $1 AND seq = $2 AND user_id = $3',
        [chatId, seq, userId],
      );
      if (voted.rowCount) throw fail('ALREADY_VOTED');
      const opts = list(poll.opts);
      if (options.length === 0 || (options.length > 1 && !poll.multi)) throw fail('INVALID_OPTIONS');
      if (new Set(options).size !== options.length || options.some((i) => !opts[i]))
        throw fail('INVALID_OPTIONS');
      const nextOpts = opts.map((o, i) => (options.includes(i) ? { ...o, n: (o.n ?? 0) + 1 } : o));
      const next = { ...rec, poll: { ...poll, opts: nextOpts, voters: (poll.voters ?? 0) + 1 } };
      await client.query(
        'INSERT INTO messaging.vote (chat_id, seq, user_id, options) VALUES ($1, $2, $3, $4)',
        [chatId, seq, userId, options],
      );
      const saved = await this.store(client, chatId, next);
      return { message: saved, mine: await this.flagsIn(client, chatId, userId, seq) };
    });
    await this.bus.publish(
      { t: 'm', c: chatId, r: done.message },
      flagsEvent(chatId, userId, seq, done.mine),
    );
    return done;
  }

  async setImportant(chatId: string, seq: number, userId: string, important: boolean): Promise<MyFlags> {
    const done = await inTransaction(this.db, async (client) => {
      const exists = await client.query('SELECT 1 FROM messaging.message WHERE chat_id = $1 AND seq = $2', [
        chatId,
        seq,
      ]);
      if (!exists.rowCount) throw fail('MESSAGE_NOT_FOUND');
      const r = important
        ? await client.query(
            'INSERT INTO messaging.important (chat_id, user_id, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
            [chatId, userId, seq],
          )
        : await client.query(
            'DELETE FROM messaging.important WHERE chat_id = $1 AND user_id = $2 AND seq = $3',
            [chatId, userId, seq],
          );
      return { changed: r.rowCount === 1, mine: await this.flagsIn(client, chatId, userId, seq) };
    });
    if (done.changed) await this.bus.publish(flagsEvent(chatId, userId, seq, done.mine));
    return done.mine;
  }

  private async flagsIn(
    client: PostgresClient,
    chatId: string,
    userId: string,
    seq: number,
  ): Promise<MyFlags> {
    return (await flagsOf(client, chatId, userId, [seq]))[0]!;
  }

  /** One person's flags on several messages, in one query. */
  async flags(chatId: string, userId: string, seqs: number[]): Promise<MyFlags[]> {
    if (seqs.length === 0) return [];
    return flagsOf(this.db, chatId, userId, seqs);
  }

  /** Changes after `afterRev` (messages from `visibleFrom` on), or 'reset' past `limit`. */
  async changesAfter(
    chatId: string,
    afterRev: number,
    limit: number,
    visibleFrom: number,
  ): Promise<{ reset: boolean; rev: number; messages: StoredMessage[] }> {
    const r = await this.db.query<MessageRow & { chat_rev: number }>(
      `SELECT c.rev AS chat_rev, m.seq, m.rev, m.at, m.body FROM messaging.chat c
       LEFT JOIN LATERAL (SELECT seq, rev, at, body FROM messaging.message
         WHERE chat_id = c.id AND rev > $2 ORDER BY rev LIMIT $3) m ON true
       WHERE c.id = $1`,
      [chatId, afterRev, limit + 1],
    );
    const rev = r.rows[0]?.chat_rev ?? 0;
    const rows = r.rows.filter((row) => row.seq !== null);
    if (rows.length > limit) return { reset: true, rev, messages: [] };
    return { reset: false, rev, messages: rows.filter((row) => row.seq >= visibleFrom).map(recordOf) };
  }

  async reactionsOf(chatId: string, seq: number): Promise<Map<string, string[]>> {
    const r = await this.db.query<{ user_id: string; emojis: string[] }>(
      'SELECT user_id, emojis FROM messaging.reaction WHERE chat_id = $1 AND seq = $2',
      [chatId, seq],
    );
    return new Map(r.rows.map((row) => [row.user_id, row.emojis]));
  }

  async votesOf(chatId: string, seq: number): Promise<Map<string, number[]>> {
    const r = await this.db.query<{ user_id: string; options: number[] }>(
      'SELECT user_id, options FROM messaging.vote WHERE chat_id = $1 AND seq = $2',
      [chatId, seq],
    );
    return new Map(r.rows.map((row) => [row.user_id, row.options]));
  }

  async importantSeqs(chatId: string, userId: string, limit: number): Promise<number[]> {
    const r = await this.db.query<{ seq: number }>(
      'SELECT seq FROM messaging.important WHERE chat_id = $1 AND user_id = $2 ORDER BY seq DESC LIMIT $3',
      [chatId, userId, limit],
    );
    return r.rows.map((row) => row.seq).reverse();
  }
}

function flagsEvent(chatId: string, userId: string, seq: number, f: MyFlags): FeedEvent {
  return { t: 'my', c: chatId, u: userId, s: seq, f: { rx: f.reactions, v: f.votes, imp: f.important } };
}

async function flagsOf(
  q: Pick<Postgres, 'query'>,
  chatId: string,
  userId: string,
  seqs: number[],
): Promise<MyFlags[]> {
  const r = await q.query<{ seq: number; emojis: string[] | null; options: number[] | null; imp: boolean }>(
    `SELECT s.seq, r.emojis, v.options, i.seq IS NOT NULL AS imp
     FROM unnest($3::bigint[]) AS s(seq)
     LEFT JOIN messaging.reaction r ON r.chat_id = $1 AND r.seq = s.seq AND r.user_id = $2
     LEFT JOIN messaging.vote v ON v.chat_id = $1 AND v.seq = s.seq AND v.user_id = $2
     LEFT JOIN messaging.important i ON i.chat_id = $1 AND i.seq = s.seq AND i.user_id = $2`,
    [chatId, userId, seqs],
  );
  const bySeq = new Map(r.rows.map((row) => [row.seq, row]));
  return seqs.map((s) => {
    const row = bySeq.get(s);
    return {
      reactions: row?.emojis ?? [],
      votes: row?.options ?? [],
      important: row?.imp ?? false,
      reader: userId,
    };
  });
}
