import { visibleName } from '../../common/nameLook.js';
// Chats, their members (with read marks) and people's profiles in
// PostgreSQL (messaging/migrations). A change others must see is published
// on the chat bus after it committed (bus.ts); changes to one chat's
// membership and settings take the chat row's lock, as a send does, so a
// send sees either the old or the new state, never half of it.
// Over 400 lines: one statement per change, each under the lock rule above,
// kept in one file so the rule is seen where it is kept.
import type { Postgres, PostgresClient } from '../../common/postgres/connect.js';
import { inTransaction } from '../../common/postgres/connect.js';
import type { ChatBus } from '../bus.js';
import type {
  ChatKindName,
  MemberRoleName,
  MemberSourceName,
  StoredChat,
  StoredMember,
  StoredSettings,
  StoredUser,
} from '../records.js';
import { DEFAULT_SETTINGS } from '../records.js';
import { inChatTransaction } from './chatTransaction.js';

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
  /** Unread messages that mention this person (not deleted). */
  unreadMentions: number;
  /** A direct chat: the other person's read mark. */
  peerReadSeq: number;
  /** The last message's record as JSON, if any. */
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

/** The chat table's columns as a StoredChat (qualified by `c.`). */
export const CHAT_COLUMNS =
  'c.id, c.kind, c.title, c.about, c.created_at, c.created_by, c.settings, c.seq, c.rev, c.members, c.room_id, c.pair, c.retention_days';

interface ChatRow {
  id: string;
  kind: ChatKindName;
  title: string;
  about: string;
  created_at: number;
  created_by: string;
  settings: Partial<StoredSettings>;
  seq: number;
  rev: number;
  members: number;
  room_id: string;
  pair: string[];
  retention_days: number | null;
}

export function chatOfRow(r: ChatRow): StoredChat {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    about: r.about,
    createdAt: r.created_at,
    createdBy: r.created_by,
    seq: r.seq,
    rev: r.rev,
    members: r.members,
    settings: { ...DEFAULT_SETTINGS, ...r.settings },
    roomId: r.room_id,
    pair: r.pair,
    retentionDays: r.retention_days,
  };
}

interface MemberRow {
  role: MemberRoleName;
  source: MemberSourceName;
  joined_at: number;
  visible_from: number;
}

export const MEMBER_COLUMNS = 'm.role, m.source, m.joined_at, m.visible_from';

export function memberOfRow(r: MemberRow | undefined | null): StoredMember | null {
  if (!r?.role) return null;
  return { role: r.role, source: r.source, joinedAt: r.joined_at, visibleFrom: r.visible_from };
}

type Joining = { user: StoredUser; role: MemberRoleName; source: MemberSourceName };

export class ChatStore {
  constructor(
    readonly db: Postgres,
    private readonly bus: ChatBus,
  ) {}

  // ---- people ----

  /** A person's profile (from a token, the admin API or the directory), names without invisible characters. */
  async saveUser(u: StoredUser): Promise<void> {
    await this.db.query(
      `INSERT INTO messaging.person (id, name, sort, role, school) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET name = $2, sort = $3, role = $4, school = $5`,
      [u.id, visibleName(u.name), visibleName(u.sort), u.role, u.school],
    );
  }

  /** Keeps a profile the school's systems or the person's own token gave; adds one only if none. */
  async saveUserIfNew(u: StoredUser): Promise<void> {
    await this.db.query(
      `INSERT INTO messaging.person (id, name, sort, role, school) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING`,
      [u.id, visibleName(u.name), visibleName(u.sort), u.role, u.school],
    );
  }

  async users(ids: string[]): Promise<Map<string, StoredUser>> {
    const out = new Map<string, StoredUser>();
    if (ids.length === 0) return out;
    const r = await this.db.query<StoredUser>(
      'SELECT id, name, sort, role, school FROM messaging.person WHERE id = ANY($1)',
      [ids],
    );
    for (const u of r.rows) out.set(u.id, u);
    return out;
  }

  /** One person's membership of each of their chats. */
  async memberships(userId: string): Promise<Map<string, StoredMember>> {
    const r = await this.db.query(
      `SELECT m.chat_id, ${MEMBER_COLUMNS} FROM messaging.member m WHERE m.user_id = $1`,
      [userId],
    );
    return new Map(r.rows.map((row) => [row.chat_id as string, memberOfRow(row)!]));
  }

  async userChatIds(userId: string): Promise<string[]> {
    const r = await this.db.query<{ chat_id: string }>(
      'SELECT chat_id FROM messaging.member WHERE user_id = $1',
      [userId],
    );
    return r.rows.map((x) => x.chat_id);
  }

  // ---- chats ----

  async exists(chatId: string): Promise<boolean> {
    const r = await this.db.query('SELECT 1 FROM messaging.chat WHERE id = $1', [chatId]);
    return r.rowCount === 1;
  }

  /** The chat and one person's membership of it, in one round trip. */
  async access(
    chatId: string,
    userId: string,
  ): Promise<{ chat: StoredChat | null; member: StoredMember | null }> {
    const r = await this.db.query(
      `SELECT ${CHAT_COLUMNS}, ${MEMBER_COLUMNS} FROM messaging.chat c
       LEFT JOIN messaging.member m ON m.chat_id = c.id AND m.user_id = $2 WHERE c.id = $1`,
      [chatId, userId],
    );
    const row = r.rows[0];
    return { chat: row ? chatOfRow(row) : null, member: memberOfRow(row) };
  }

  /** One field the chat record does not model (e.g. `behalf`). */
  async field(chatId: string, name: string): Promise<string | null> {
    const r = await this.db.query<{ v: string | null }>(
      'SELECT extra ->> $2 AS v FROM messaging.chat WHERE id = $1',
      [chatId, name],
    );
    return r.rows[0]?.v ?? null;
  }

  async setField(chatId: string, name: string, value: string): Promise<void> {
    await this.db.query(
      'UPDATE messaging.chat SET extra = extra || jsonb_build_object($2::text, $3::text) WHERE id = $1',
      [chatId, name, value],
    );
  }

  async chat(chatId: string): Promise<StoredChat | null> {
    const r = await this.db.query(`SELECT ${CHAT_COLUMNS} FROM messaging.chat c WHERE c.id = $1`, [chatId]);
    return r.rows[0] ? chatOfRow(r.rows[0]) : null;
  }

  async pins(chatId: string, count = 10): Promise<number[]> {
    const r = await this.db.query<{ seq: number }>(
      'SELECT seq FROM messaging.pin WHERE chat_id = $1 ORDER BY pinned_at DESC, seq DESC LIMIT $2',
      [chatId, count],
    );
    return r.rows.map((x) => x.seq);
  }

  /**
   * Creates a chat with its first members. Fails (false) if the id is taken,
   * which makes creating a direct chat or a room's chat idempotent.
   */
  async create(chat: NewChat, members: Joining[]): Promise<boolean> {
    const now = Date.now();
    const created = await inTransaction(this.db, async (client) => {
      const r = await client.query(
        `INSERT INTO messaging.chat (id, kind, title, about, created_at, created_by, settings, last_at, room_id, pair)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $5, $8, $9) ON CONFLICT (id) DO NOTHING`,
        [
          chat.id,
          chat.kind,
          chat.title,
          chat.about,
          now,
          chat.createdBy,
          JSON.stringify(chat.settings),
          chat.roomId ?? '',
          chat.pair ?? [],
        ],
      );
      if (r.rowCount !== 1) return false;
      await this.insertMembers(client, chat.id, 1, 0, members, now);
      return true;
    });
    if (created && members.length)
      await this.bus.publish({ t: 'ca', c: chat.id, u: members.map((m) => m.user.id) });
    return created;
  }

  /**
   * Adds people (those already in are skipped). They see messages from
   * `visibleFrom` on and start with everything up to `readSeq` read.
   */
  async addMembers(
    chatId: string,
    members: Joining[],
    visibleFrom: number,
    readSeq: number,
  ): Promise<StoredUser[]> {
    if (members.length === 0) return [];
    const fresh = await inChatTransaction(this.db, chatId, async (client) => {
      const lock = await client.query('SELECT 1 FROM messaging.chat WHERE id = $1 FOR UPDATE', [chatId]);
      if (lock.rowCount !== 1) return [];
      return this.insertMembers(client, chatId, visibleFrom, readSeq, members, Date.now());
    });
    if (fresh.length) await this.bus.publish({ t: 'ca', c: chatId, u: fresh.map((u) => u.id) });
    return fresh;
  }

  private async insertMembers(
    client: PostgresClient,
    chatId: string,
    visibleFrom: number,
    readSeq: number,
    members: Joining[],
    now: number,
  ): Promise<StoredUser[]> {
    if (members.length === 0) return [];
    const r = await client.query<{ user_id: string }>(
      `INSERT INTO messaging.member (chat_id, user_id, role, source, joined_at, visible_from, read_seq)
       SELECT $1, u, r, s, $5, $6, $7 FROM unnest($2::text[], $3::text[], $4::text[]) AS x(u, r, s)
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [
        chatId,
        members.map((m) => m.user.id),
        members.map((m) => m.role),
        members.map((m) => m.source),
        now,
        visibleFrom,
        readSeq,
      ],
    );
    if (r.rowCount) {
      await client.query('UPDATE messaging.chat SET members = members + $2 WHERE id = $1', [
        chatId,
        r.rowCount,
      ]);
    }
    const added = new Set(r.rows.map((x) => x.user_id));
    return members.filter((m) => added.has(m.user.id)).map((m) => m.user);
  }

  async removeMember(chatId: string, user: StoredUser, reason: string): Promise<boolean> {
    const removed = await inChatTransaction(this.db, chatId, async (client) => {
      await client.query('SELECT 1 FROM messaging.chat WHERE id = $1 FOR UPDATE', [chatId]);
      const r = await client.query('DELETE FROM messaging.member WHERE chat_id = $1 AND user_id = $2', [
        chatId,
        user.id,
      ]);
      if (r.rowCount !== 1) return false;
      await client.query('UPDATE messaging.chat SET members = members - 1 WHERE id = $1', [chatId]);
      return true;
    });
    if (removed)
      await this.bus.publish({ t: 'cr', c: chatId, u: [user.id], why: reason }, { t: 'cc', c: chatId });
    return removed;
  }

  async setMemberRole(
    chatId: string,
    userId: string,
    _member: StoredMember,
    role: MemberRoleName,
  ): Promise<void> {
    await inChatTransaction(this.db, chatId, async (client) => {
      await client.query('SELECT 1 FROM messaging.chat WHERE id = $1 FOR UPDATE', [chatId]);
      await client.query('UPDATE messaging.member SET role = $3 WHERE chat_id = $1 AND user_id = $2', [
        chatId,
        userId,
        role,
      ]);
    });
    await this.bus.publish({ t: 'ru', c: chatId, u: userId });
  }

  async updateChat(chatId: string, fields: { title?: string; about?: string; settings?: StoredSettings }) {
    await this.db.query(
      `UPDATE messaging.chat SET title = coalesce($2, title), about = coalesce($3, about),
         settings = coalesce($4::jsonb, settings) WHERE id = $1`,
      [
        chatId,
        fields.title ?? null,
        fields.about ?? null,
        fields.settings ? JSON.stringify(fields.settings) : null,
      ],
    );
    await this.bus.publish({ t: 'cc', c: chatId });
  }

  /** The chat's own auto-deletion period (null: off); its members hear of it as of a settings change. */
  async setRetentionDays(chatId: string, days: number | null): Promise<void> {
    await this.db.query('UPDATE messaging.chat SET retention_days = $2 WHERE id = $1', [chatId, days]);
    await this.bus.publish({ t: 'cc', c: chatId });
  }

  async summary(chatId: string, userId: string): Promise<ChatSummary | null> {
    return (await this.summaries([chatId], userId))[0] ?? null;
  }

  /** Summaries of many chats for one person, in one query. */
  async summaries(chatIds: string[], userId: string): Promise<ChatSummary[]> {
    if (chatIds.length === 0) return [];
    const r = await this.db.query(
      `SELECT ${CHAT_COLUMNS}, ${MEMBER_COLUMNS}, coalesce(m.read_seq, 0) AS read_seq,
         c.seq - coalesce(m.read_seq, 0) - (SELECT count(*) FROM messaging.message d
           WHERE d.chat_id = c.id AND d.deleted AND d.seq > coalesce(m.read_seq, 0)) AS unread,
         (SELECT count(*) FROM messaging.message x WHERE x.chat_id = c.id AND NOT x.deleted
           AND x.seq > greatest(coalesce(m.read_seq, 0), coalesce(m.visible_from, 0) - 1)
           AND x.body->'mentions' ? $2::text) AS unread_mentions,
         CASE WHEN c.kind = 'direct' THEN (SELECT max(o.read_seq) FROM messaging.member o
           WHERE o.chat_id = c.id AND o.user_id <> $2) END AS peer_read_seq,
         (SELECT l.body || jsonb_build_object('seq', l.seq, 'rev', l.rev, 'at', l.at)
           FROM messaging.message l WHERE l.chat_id = c.id AND l.seq = c.seq) AS last,
         ARRAY(SELECT p.seq FROM messaging.pin p WHERE p.chat_id = c.id
           ORDER BY p.pinned_at DESC, p.seq DESC LIMIT 10) AS pins
       FROM messaging.chat c LEFT JOIN messaging.member m ON m.chat_id = c.id AND m.user_id = $2
       WHERE c.id = ANY($1)`,
      [chatIds, userId],
    );
    const byId = new Map(
      r.rows.map((row) => [
        row.id as string,
        {
          chat: chatOfRow(row),
          member: memberOfRow(row),
          readSeq: row.read_seq as number,
          unread: Math.max(0, row.unread as number),
          unreadMentions: Number(row.unread_mentions),
          peerReadSeq: Number(row.peer_read_seq ?? 0),
          lastMessage: row.last ? JSON.stringify(row.last) : null,
          pins: row.pins as number[],
        },
      ]),
    );
    return chatIds.flatMap((id) => byId.get(id) ?? []);
  }

  async member(chatId: string, userId: string): Promise<StoredMember | null> {
    const r = await this.db.query(
      `SELECT ${MEMBER_COLUMNS} FROM messaging.member m WHERE m.chat_id = $1 AND m.user_id = $2`,
      [chatId, userId],
    );
    return memberOfRow(r.rows[0]);
  }

  async allMembers(chatId: string): Promise<Map<string, StoredMember>> {
    const r = await this.db.query(
      `SELECT m.user_id, ${MEMBER_COLUMNS} FROM messaging.member m WHERE m.chat_id = $1`,
      [chatId],
    );
    return new Map(r.rows.map((row) => [row.user_id as string, memberOfRow(row)!]));
  }

  /** Member ids sorted by sort name (nameKey); all of them (chats are bounded by CHAT_MAX_MEMBERS). */
  async memberIdsByName(chatId: string): Promise<string[]> {
    const r = await this.db.query<{ id: string; sort: string | null }>(
      `SELECT m.user_id AS id, p.sort FROM messaging.member m
       LEFT JOIN messaging.person p ON p.id = m.user_id WHERE m.chat_id = $1`,
      [chatId],
    );
    return r.rows
      .map((row) => nameKey({ id: row.id, sort: row.sort ?? '', name: '', role: '', school: '' }))
      .sort()
      .map(userIdOfNameKey);
  }

  async readMarks(chatId: string): Promise<Map<string, number>> {
    const r = await this.db.query<{ user_id: string; read_seq: number }>(
      'SELECT user_id, read_seq FROM messaging.member WHERE chat_id = $1',
      [chatId],
    );
    return new Map(r.rows.map((row) => [row.user_id, row.read_seq]));
  }

  /**
   * Hides the chat's messages so far from one member (their first readable
   * message moves past the chat's last, never back): "clear history" for
   * oneself. Returns the chat's last seq then and the member's first
   * readable seq now, or null when not a member.
   */
  async hideHistoryFrom(
    chatId: string,
    userId: string,
  ): Promise<{ last: number; visibleFrom: number } | null> {
    const r = await this.db.query<{ last: number; from: number }>(
      `UPDATE messaging.member m SET visible_from = greatest(m.visible_from, c.seq + 1)
       FROM messaging.chat c WHERE c.id = m.chat_id AND m.chat_id = $1 AND m.user_id = $2
       RETURNING c.seq AS last, m.visible_from AS from`,
      [chatId, userId],
    );
    const row = r.rows[0];
    return row ? { last: Number(row.last), visibleFrom: Number(row.from) } : null;
  }

  /** Tells every device of the person that they cleared the chat's history (feed.ts drops it there). */
  async historyCleared(chatId: string, userId: string, visibleFrom: number): Promise<void> {
    await this.bus.publish({ t: 'hc', c: chatId, u: userId, v: visibleFrom });
  }

  /** Moves one person's read mark forward (never back) and tells them (in a direct chat, both). */
  async markRead(chatId: string, userId: string, seq: number): Promise<{ readSeq: number; unread: number }> {
    const r = await this.db.query<{ read_seq: number; moved: boolean; unread: number; kind: string }>(
      `WITH cur AS (
         SELECT m.read_seq AS before, least($3::bigint, c.seq) AS want, c.seq AS last, c.kind
         FROM messaging.member m JOIN messaging.chat c ON c.id = m.chat_id
         WHERE m.chat_id = $1 AND m.user_id = $2),
       up AS (
         UPDATE messaging.member m SET read_seq = cur.want FROM cur
         WHERE m.chat_id = $1 AND m.user_id = $2 AND cur.want > cur.before RETURNING m.read_seq)
       SELECT coalesce((SELECT read_seq FROM up), cur.before) AS read_seq,
         EXISTS (SELECT 1 FROM up) AS moved, cur.kind,
         cur.last - coalesce((SELECT read_seq FROM up), cur.before) - (SELECT count(*) FROM messaging.message d
           WHERE d.chat_id = $1 AND d.deleted AND d.seq > coalesce((SELECT read_seq FROM up), cur.before)) AS unread
       FROM cur`,
      [chatId, userId, seq],
    );
    const row = r.rows[0];
    if (!row) return { readSeq: 0, unread: 0 };
    const unread = Math.max(0, row.unread);
    if (row.moved) {
      await this.bus.publish({
        t: 'rd',
        c: chatId,
        u: userId,
        s: row.read_seq,
        n: unread,
        d: row.kind === 'direct',
      });
    }
    return { readSeq: row.read_seq, unread };
  }
}
