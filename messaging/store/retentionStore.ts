// Retention in PostgreSQL: each school's policy (messaging.retention), the
// chats it applies to, and the removal of one batch of a chat's oldest
// messages. A chat is under a school's policy when every member with a
// profile is of that school (a chat across schools keeps everything: losing
// a message another school keeps is worse than keeping it). Removing a
// message removes, by cascade, its reactions, votes, important marks, pin and
// file holds; the holds' trigger (0005) marks a file whose last hold went for
// removal in the same transaction. Search reads the messages themselves.
import { type Postgres, inTransaction } from '../../common/postgres/connect.js';

export interface RetentionPolicy {
  /** Messages older than this many days are removed; null: everything is kept. */
  days: number | null;
  /** A chat's own shorter period (its admins') applies. */
  chatsMayShorten: boolean;
}

export const KEEP_EVERYTHING: RetentionPolicy = { days: null, chatsMayShorten: false };

export class RetentionStore {
  constructor(readonly db: Postgres) {}

  async policy(school: string): Promise<RetentionPolicy> {
    const r = await this.db.query<{ days: number | null; chats_may_shorten: boolean }>(
      'SELECT days, chats_may_shorten FROM messaging.retention WHERE school = $1',
      [school],
    );
    const row = r.rows[0];
    return row ? { days: row.days, chatsMayShorten: row.chats_may_shorten } : KEEP_EVERYTHING;
  }

  async setPolicy(school: string, p: RetentionPolicy, by: string, at: number): Promise<void> {
    await this.db.query(
      `INSERT INTO messaging.retention (school, days, chats_may_shorten, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (school) DO UPDATE SET days = $2, chats_may_shorten = $3, updated_by = $4, updated_at = $5`,
      [school, p.days, p.chatsMayShorten, by, at],
    );
  }

  /** A chat's own period (null: its school's). */
  async setChatDays(chatId: string, days: number | null): Promise<void> {
    await this.db.query('UPDATE messaging.chat SET retention_days = $2 WHERE id = $1', [chatId, days]);
  }

  /** The chats some policy applies to, with the period that applies. */
  async chatsUnderPolicy(): Promise<{ chatId: string; days: number }[]> {
    const r = await this.db.query<{ id: string; days: number }>(
      `SELECT c.id, least(r.days, CASE WHEN r.chats_may_shorten THEN c.retention_days END) AS days
       FROM messaging.chat c
       JOIN LATERAL (SELECT min(p.school) AS school, count(DISTINCT p.school) AS schools
                     FROM messaging.member m JOIN messaging.person p ON p.id = m.user_id
                     WHERE m.chat_id = c.id) s ON s.schools = 1
       JOIN messaging.retention r ON r.school = s.school
       WHERE r.days IS NOT NULL OR (r.chats_may_shorten AND c.retention_days IS NOT NULL)
       ORDER BY c.id`,
    );
    return r.rows.map((row) => ({ chatId: row.id, days: Number(row.days) }));
  }

  /**
   * Removes up to `limit` of the chat's messages sent before `cutoff` (ms),
   * oldest first, in one transaction; rows another host is removing are
   * skipped. Read marks below the last removed message move up to it, so
   * unread counts (seq minus read mark) count only messages that exist.
   * Returns how many went and the files whose holds went (their bytes go
   * after the commit, FileRecords.released).
   */
  async removeBatch(
    chatId: string,
    cutoff: number,
    limit: number,
  ): Promise<{ removed: number; fileIds: string[] }> {
    return inTransaction(this.db, async (client) => {
      // Messages before the first one that is new enough: a range of the (chat, seq) key.
      const doomed = await client.query<{ seq: string }>(
        `SELECT seq FROM messaging.message
         WHERE chat_id = $1 AND seq < coalesce(
           (SELECT seq FROM messaging.message WHERE chat_id = $1 AND at >= $2 ORDER BY seq LIMIT 1),
           9223372036854775807)
         ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [chatId, cutoff, limit],
      );
      if (doomed.rows.length === 0) return { removed: 0, fileIds: [] };
      const seqs = doomed.rows.map((r) => r.seq);
      const held = await client.query<{ file_id: string }>(
        'SELECT DISTINCT file_id FROM messaging.file_hold WHERE chat_id = $1 AND seq = ANY($2::bigint[])',
        [chatId, seqs],
      );
      await client.query('DELETE FROM messaging.message WHERE chat_id = $1 AND seq = ANY($2::bigint[])', [
        chatId,
        seqs,
      ]);
      await client.query('UPDATE messaging.member SET read_seq = $2 WHERE chat_id = $1 AND read_seq < $2', [
        chatId,
        seqs[seqs.length - 1],
      ]);
      return { removed: seqs.length, fileIds: held.rows.map((r) => r.file_id) };
    });
  }
}
