// Writes a chat read from release 0.1.0's Redis into this release's tables
// in one transaction (all of it or none: a crash midway leaves nothing to
// clean up), and reads a chat back from the tables in the same form, so the
// two sides can be compared (chatContent.ts).
import type { Postgres, PostgresClient } from '../../common/postgres/connect.js';
import { type ChatContent, sorted } from './chatContent.js';

/** Rows per INSERT: a chat of 100,000 messages goes in 100 statements, not one huge one. */
const CHUNK = 1000;

async function insertRows(client: PostgresClient, sql: string, chatId: string, rows: unknown[]) {
  for (let i = 0; i < rows.length; i += CHUNK)
    await client.query(sql, [chatId, JSON.stringify(rows.slice(i, i + CHUNK))]);
}

/** Inserts the chat; false (and nothing written) when a chat of that id is already there. */
export async function insertChat(client: PostgresClient, c: ChatContent): Promise<boolean> {
  const ch = c.chat;
  const r = await client.query(
    `INSERT INTO messaging.chat (id, kind, title, about, created_at, created_by, settings, seq, rev,
       members, last_at, room_id, pair, extra)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING`,
    [
      ch.id,
      ch.kind,
      ch.title,
      ch.about,
      ch.createdAt,
      ch.createdBy,
      JSON.stringify(ch.settings),
      ch.seq,
      ch.rev,
      ch.members,
      ch.lastAt,
      ch.roomId,
      ch.pair,
      JSON.stringify(ch.extra),
    ],
  );
  if (r.rowCount !== 1) return false;
  const id = ch.id;
  await insertRows(
    client,
    `INSERT INTO messaging.member (chat_id, user_id, role, source, joined_at, visible_from, read_seq)
     SELECT $1, x.user, x.role, x.source, x."joinedAt", x."visibleFrom", x."readSeq"
     FROM jsonb_to_recordset($2::jsonb) AS x("user" text, role text, source text, "joinedAt" bigint,
       "visibleFrom" bigint, "readSeq" bigint)`,
    id,
    c.members,
  );
  await insertRows(
    client,
    `INSERT INTO messaging.message (chat_id, seq, rev, at, sender, cmid, deleted, body)
     SELECT $1, x.seq, x.rev, x.at, x.sender, x.cmid, x.deleted, x.body
     FROM jsonb_to_recordset($2::jsonb) AS x(seq bigint, rev bigint, at bigint, sender text, cmid text,
       deleted boolean, body jsonb)`,
    id,
    c.messages,
  );
  await insertRows(
    client,
    `INSERT INTO messaging.reaction (chat_id, seq, user_id, emojis)
     SELECT $1, x.seq, x.user, ARRAY(SELECT jsonb_array_elements_text(x.emojis))
     FROM jsonb_to_recordset($2::jsonb) AS x(seq bigint, "user" text, emojis jsonb)`,
    id,
    c.reactions,
  );
  await insertRows(
    client,
    `INSERT INTO messaging.vote (chat_id, seq, user_id, options)
     SELECT $1, x.seq, x.user, ARRAY(SELECT jsonb_array_elements_text(x.options)::int)
     FROM jsonb_to_recordset($2::jsonb) AS x(seq bigint, "user" text, options jsonb)`,
    id,
    c.votes,
  );
  await insertRows(
    client,
    `INSERT INTO messaging.important (chat_id, user_id, seq)
     SELECT $1, x.user, x.seq FROM jsonb_to_recordset($2::jsonb) AS x("user" text, seq bigint)`,
    id,
    c.important,
  );
  await insertRows(
    client,
    `INSERT INTO messaging.pin (chat_id, seq, pinned_at)
     SELECT $1, x.seq, x."pinnedAt" FROM jsonb_to_recordset($2::jsonb) AS x(seq bigint, "pinnedAt" bigint)`,
    id,
    c.pins,
  );
  // A file forwarded to several chats has one record: the first chat brings it.
  await insertRows(
    client,
    `INSERT INTO messaging.file (id, owner, chat_id, name, type, size, state, posted, preview, width, height,
       created_at)
     SELECT x.id, x.owner, x.chat, x.name, x.type, x.size, x.state, true, x.preview, x.width, x.height,
       x."createdAt"
     FROM jsonb_to_recordset($2::jsonb) AS x(id text, owner text, chat text, name text, type text,
       size bigint, state text, preview boolean, width int, height int, "createdAt" bigint)
     WHERE $1::text IS NOT NULL
     ON CONFLICT (id) DO UPDATE SET posted = true`,
    id,
    c.files,
  );
  await insertRows(
    client,
    `INSERT INTO messaging.file_hold (chat_id, seq, file_id)
     SELECT $1, x.seq, x.file FROM jsonb_to_recordset($2::jsonb) AS x(seq bigint, file text)`,
    id,
    c.holds,
  );
  await insertRows(
    client,
    `INSERT INTO messaging.invite (code, chat_id, school, created_by, created_at)
     SELECT x.code, $1, x.school, x.by, ${Date.now()}
     FROM jsonb_to_recordset($2::jsonb) AS x(code text, school text, by text)`,
    id,
    c.invites,
  );
  await insertRows(
    client,
    `INSERT INTO messaging.join_request (chat_id, user_id, requested_at)
     SELECT $1, x.user, x.at FROM jsonb_to_recordset($2::jsonb) AS x("user" text, at bigint)`,
    id,
    c.joinRequests,
  );
  await insertRows(
    client,
    `INSERT INTO messaging.listed_channel (school, chat_id)
     SELECT x, $1 FROM jsonb_array_elements_text($2::jsonb) AS x`,
    id,
    c.listedIn,
  );
  return true;
}

const n = (v: unknown) => Number(v);

/** The chat as its tables hold it; null when there is no such chat. */
export async function readPostgresChat(db: Postgres, chatId: string): Promise<ChatContent | null> {
  const q = async (sql: string) => (await db.query(sql, [chatId])).rows as Record<string, unknown>[];
  const [chat] = await q('SELECT * FROM messaging.chat WHERE id = $1');
  if (!chat) return null;
  const [members, messages, reactions, votes, important, pins, holds, files, invites, requests, listed] =
    await Promise.all([
      q('SELECT * FROM messaging.member WHERE chat_id = $1'),
      q('SELECT * FROM messaging.message WHERE chat_id = $1'),
      q('SELECT * FROM messaging.reaction WHERE chat_id = $1'),
      q('SELECT * FROM messaging.vote WHERE chat_id = $1'),
      q('SELECT * FROM messaging.important WHERE chat_id = $1'),
      q('SELECT * FROM messaging.pin WHERE chat_id = $1'),
      q('SELECT * FROM messaging.file_hold WHERE chat_id = $1'),
      q(`SELECT * FROM messaging.file
         WHERE id IN (SELECT file_id FROM messaging.file_hold WHERE chat_id = $1)`),
      q('SELECT * FROM messaging.invite WHERE chat_id = $1'),
      q('SELECT * FROM messaging.join_request WHERE chat_id = $1'),
      q('SELECT * FROM messaging.listed_channel WHERE chat_id = $1'),
    ]);
  return sorted({
    chat: {
      id: String(chat.id),
      kind: String(chat.kind),
      title: String(chat.title),
      about: String(chat.about),
      createdAt: n(chat.created_at),
      createdBy: String(chat.created_by),
      settings: chat.settings,
      seq: n(chat.seq),
      rev: n(chat.rev),
      members: n(chat.members),
      lastAt: n(chat.last_at),
      roomId: String(chat.room_id),
      pair: chat.pair as string[],
      extra: chat.extra as Record<string, string>,
    },
    members: members.map((m) => ({
      user: String(m.user_id),
      role: String(m.role),
      source: String(m.source),
      joinedAt: n(m.joined_at),
      visibleFrom: n(m.visible_from),
      readSeq: n(m.read_seq),
    })),
    messages: messages.map((m) => ({
      seq: n(m.seq),
      rev: n(m.rev),
      at: n(m.at),
      sender: String(m.sender),
      cmid: (m.cmid as string | null) ?? null,
      deleted: m.deleted === true,
      body: m.body,
    })),
    reactions: reactions.map((r) => ({
      seq: n(r.seq),
      user: String(r.user_id),
      emojis: r.emojis as string[],
    })),
    votes: votes.map((v) => ({ seq: n(v.seq), user: String(v.user_id), options: v.options as number[] })),
    important: important.map((i) => ({ user: String(i.user_id), seq: n(i.seq) })),
    pins: pins.map((p) => ({ seq: n(p.seq), pinnedAt: n(p.pinned_at) })),
    holds: holds.map((h) => ({ seq: n(h.seq), file: String(h.file_id) })),
    files: files.map((f) => ({
      id: String(f.id),
      owner: String(f.owner),
      chat: String(f.chat_id),
      name: String(f.name),
      type: String(f.type),
      size: n(f.size),
      state: String(f.state),
      preview: f.preview === true,
      width: n(f.width),
      height: n(f.height),
      createdAt: n(f.created_at),
    })),
    invites: invites.map((i) => ({
      code: String(i.code),
      school: String(i.school),
      by: String(i.created_by),
    })),
    joinRequests: requests.map((r) => ({ user: String(r.user_id), at: n(r.requested_at) })),
    listedIn: listed.map((l) => String(l.school)),
  });
}
