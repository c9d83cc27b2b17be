// Retention in PostgreSQL: each school's policy (messaging.retention), the
// chats it applies to, and the removal of one batch of a chat's oldest
// messages. A chat is under a school's policy when every member with a
// profile is of that school (a chat across schools keeps everything: losing
// a message another school keeps is worse than keeping it); a chat's own
// period (its admins', 0008) applies unless a member's school refuses it. Removing a
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

/** A school without a row: keeps everything, and its chats may set a period of their own. */
export const KEEP_EVERYTHING: RetentionPolicy = { days: null, chatsMayShorten: true };

/** One batch of removed messages, as the job tells the chat's followers. */
export interface RemovedBatch {
  removed: number;
  /** Every seq up to this one is gone. */
  upToSeq: number;
  /** Unread now for a member whose read mark was below upToSeq (moved up to it). */
  unread: number;
  /** The chat's last seq when `unread` was counted. */
  lastSeq: number;
  fileIds: string[];
}

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

  /**
   * The chats some period applies to, with the period that applies: the
   * stricter of the school's (where every member with a profile is of that
   * school) and the chat's own (where no member's school refuses chats a
   * shorter period; a school with no row lets them).
   */
  async chatsUnderPolicy(): Promise<{ chatId: string; days: number }[]> {
    const r = await this.db.query<{ id: string; days: number }>(
      `SELECT id, days FROM (
         SELECT c.id, least(CASE WHEN s.schools = 1 THEN s.school_days END,
                            CASE WHEN s.may_shorten THEN c.retention_days END) AS days
         FROM messaging.chat c
         JOIN LATERAL (SELECT count(DISTINCT p.school) AS schools, min(r.days) AS school_days,
                              bool_and(coalesce(r.chats_may_shorten, true)) AS may_shorten
                       FROM messaging.member m JOIN messaging.person p ON p.id = m.user_id
                       LEFT JOIN messaging.retention r ON r.school = p.school
                       WHERE m.chat_id = c.id) s ON s.schools > 0
         WHERE c.retention_days IS NOT NULL
            OR EXISTS (SELECT 1 FROM messaging.retention r WHERE r.days IS NOT NULL)
       ) under WHERE days IS NOT NULL
       ORDER BY id`,
    );
    return r.rows.map((row) => ({ chatId: row.id, days: Number(row.days) }));
  }

  /**
   * Removes up to `limit` of the chat's messages sent before `cutoff` (ms),
   * oldest first, in one transaction; rows another host is removing are
   * skipped. Read marks below the last removed message move up to it, so
   * unread counts (seq minus read mark) count only messages that exist.
   * Returns how many went, the last seq that went (every seq up to it is
   * gone: the doomed are a prefix of the chat), what a member whose mark
   * moved has unread now (at the chat's last seq then), and the files whose
   * holds went (their bytes go after the commit, FileRecords.released).
   */
  async removeBatch(chatId: string, cutoff: number, limit: number): Promise<RemovedBatch> {
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
      if (doomed.rows.length === 0) return { removed: 0, upToSeq: 0, unread: 0, lastSeq: 0, fileIds: [] };
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
      const upToSeq = Number(seqs[seqs.length - 1]);
      // As the chat list counts it (ChatStore.summaries): seqs after the mark, less deleted ones.
      const count = await client.query<{ last: string; unread: string }>(
        `SELECT c.seq AS last, c.seq - $2 - (SELECT count(*) FROM messaging.message d
           WHERE d.chat_id = $1 AND d.deleted AND d.seq > $2) AS unread
         FROM messaging.chat c WHERE c.id = $1`,
        [chatId, upToSeq],
      );
      return {
        removed: seqs.length,
        upToSeq,
        unread: Math.max(0, Number(count.rows[0]?.unread ?? 0)),
        lastSeq: Number(count.rows[0]?.last ?? upToSeq),
        fileIds: held.rows.map((r) => r.file_id),
      };
    });
  }
}
