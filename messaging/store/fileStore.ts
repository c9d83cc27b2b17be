// Uploaded files' records in PostgreSQL (migrations/0005_files.sql): who
// uploaded what for which chat, and which messages hold it. A message's holds
// are written by the send's own statement (`MessageStore.append`: each file a
// finished upload, locked FOR SHARE so its last hold cannot be released
// meanwhile), so a message is never stored without them; the last hold going marks the file 'removing'
// (a trigger, whatever removed the hold), and `files/fileRecords.ts` removes
// the bytes after the commit.
import type { Postgres, PostgresClient } from '../../common/postgres/connect.js';
import { ChatError, ChatErrorCode } from '../errors.js';

export interface FileRecord {
  id: string;
  owner: string;
  chat: string;
  name: string;
  type: string;
  size: number;
  state: 'uploading' | 'ready' | 'removing';
  preview: boolean;
  width: number;
  height: number;
  createdAt: number;
}

export type NewFile = Pick<FileRecord, 'id' | 'owner' | 'chat' | 'name' | 'type' | 'size'>;

interface FileRow {
  id: string;
  owner: string;
  chat_id: string;
  name: string;
  type: string;
  size: number;
  state: FileRecord['state'];
  preview: boolean;
  width: number;
  height: number;
  created_at: number;
}

const FILE_COLUMNS = 'id, owner, chat_id, name, type, size, state, preview, width, height, created_at';

function fileOfRow(r: FileRow): FileRecord {
  return {
    id: r.id,
    owner: r.owner,
    chat: r.chat_id,
    name: r.name,
    type: r.type,
    size: r.size,
    state: r.state,
    preview: r.preview,
    width: r.width,
    height: r.height,
    createdAt: r.created_at,
  };
}

/** Inside a delete's transaction: the message no longer holds its files; their ids. */
export async function releaseFiles(client: PostgresClient, chatId: string, seq: number): Promise<string[]> {
  const r = await client.query<{ file_id: string }>(
    'DELETE FROM messaging.file_hold WHERE chat_id = $1 AND seq = $2 RETURNING file_id',
    [chatId, seq],
  );
  return r.rows.map((row) => row.file_id);
}

export class FileStore {
  constructor(readonly db: Postgres) {}

  async create(f: NewFile): Promise<void> {
    await this.db.query(
      `INSERT INTO messaging.file (id, owner, chat_id, name, type, size, state, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'uploading', $7)`,
      [f.id, f.owner, f.chat, f.name, f.type, f.size, Date.now()],
    );
  }

  async finish(id: string, preview: { width: number; height: number } | null, type: string): Promise<void> {
    await this.db.query(
      `UPDATE messaging.file SET state = 'ready', type = $2, preview = $3, width = $4, height = $5
       WHERE id = $1 AND state = 'uploading'`,
      [id, type, preview !== null, preview?.width ?? 0, preview?.height ?? 0],
    );
  }

  async get(id: string): Promise<FileRecord | null> {
    const r = await this.db.query<FileRow>(`SELECT ${FILE_COLUMNS} FROM messaging.file WHERE id = $1`, [id]);
    return r.rows[0] ? fileOfRow(r.rows[0]) : null;
  }

  async getMany(ids: string[]): Promise<Map<string, FileRecord>> {
    const r = await this.db.query<FileRow>(`SELECT ${FILE_COLUMNS} FROM messaging.file WHERE id = ANY($1)`, [
      ids,
    ]);
    return new Map(r.rows.map((row) => [row.id, fileOfRow(row)]));
  }

  /** The messages holding a file: (chat, seq) pairs. */
  async holders(fileId: string): Promise<{ chatId: string; seq: number }[]> {
    const r = await this.db.query<{ chat_id: string; seq: number }>(
      'SELECT chat_id, seq FROM messaging.file_hold WHERE file_id = $1 ORDER BY chat_id, seq',
      [fileId],
    );
    return r.rows.map((row) => ({ chatId: row.chat_id, seq: row.seq }));
  }

  /** The messages of one chat holding a file (their seqs). */
  async holdersIn(fileId: string, chatId: string): Promise<number[]> {
    const r = await this.db.query<{ seq: number }>(
      'SELECT seq FROM messaging.file_hold WHERE file_id = $1 AND chat_id = $2 ORDER BY seq',
      [fileId, chatId],
    );
    return r.rows.map((row) => row.seq);
  }

  /**
   * Marks for removal uploads begun before `olderThan` (ms) and never
   * attached (abandoned halfway, or finished and never sent); a row locked
   * by a send attaching it right now is skipped and stays.
   */
  async claimUnsent(olderThan: number, limit: number): Promise<number> {
    const r = await this.db.query(
      `UPDATE messaging.file SET state = 'removing'
       WHERE id IN (SELECT id FROM messaging.file WHERE NOT posted AND created_at < $1 AND state <> 'removing'
         ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         AND NOT posted AND state <> 'removing'`,
      [olderThan, limit],
    );
    return r.rowCount ?? 0;
  }

  /** Files marked for removal (their bytes are to go, then their rows). */
  async removing(limit: number, ids: string[] | null = null): Promise<string[]> {
    const r = await this.db.query<{ id: string }>(
      `SELECT id FROM messaging.file WHERE state = 'removing' AND ($2::text[] IS NULL OR id = ANY($2))
       ORDER BY id LIMIT $1`,
      [limit, ids],
    );
    return r.rows.map((row) => row.id);
  }

  /**
   * Another part (homework/) keeps these finished uploads of `owner` for
   * `chatId`: they are never swept as unsent. Resolves with the records of
   * those kept; a file not ready, not the owner's or not for that chat is not.
   */
  async keep(ids: string[], owner: string, chatId: string): Promise<FileRecord[]> {
    if (ids.length === 0) return [];
    const r = await this.db.query<FileRow>(
      `UPDATE messaging.file SET posted = true
       WHERE id = ANY($1) AND owner = $2 AND chat_id = $3 AND state = 'ready'
       RETURNING ${FILE_COLUMNS}`,
      [ids, owner, chatId],
    );
    return r.rows.map(fileOfRow);
  }

  /** Files another part no longer keeps: marked for removal unless a message holds them. */
  async discard(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      `UPDATE messaging.file f SET state = 'removing'
       WHERE f.id = ANY($1) AND f.state <> 'removing'
         AND NOT EXISTS (SELECT 1 FROM messaging.file_hold h WHERE h.file_id = f.id)`,
      [ids],
    );
  }

  /** A file marked for removal that its place still keeps (a document): ready again. */
  async restore(id: string): Promise<void> {
    await this.db.query(`UPDATE messaging.file SET state = 'ready' WHERE id = $1 AND state = 'removing'`, [
      id,
    ]);
  }

  /** The row of a file whose bytes are gone. */
  async forget(id: string): Promise<void> {
    await this.db.query(`DELETE FROM messaging.file WHERE id = $1 AND state = 'removing'`, [id]);
  }
}
