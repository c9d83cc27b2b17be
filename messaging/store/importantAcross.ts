// One person's important marks across their chats, newest message first,
// a page at a time. The caller (marks.ts) says which part of which chats
// may be read (`ReadableRange`, from the read rule in permissions.ts); this
// only finds and orders.
import type { Postgres } from '../../common/postgres/connect.js';
import type { ReadableRange } from './messageSearch.js';

/** A message in the list: where it is and when it was sent (the order and the cursor). */
export interface ImportantPlace {
  chatId: string;
  seq: number;
  at: number;
}

/** Up to `limit` marked, not deleted messages in `ranges`, sent before `after` (in list order). */
export async function importantAcross(
  db: Postgres,
  userId: string,
  ranges: ReadableRange[],
  after: ImportantPlace | null,
  limit: number,
): Promise<ImportantPlace[]> {
  if (ranges.length === 0) return [];
  const r = await db.query<{ chat_id: string; seq: number; at: number }>(
    `SELECT i.chat_id, i.seq, m.at
       FROM unnest($2::text[], $3::bigint[]) AS r(chat_id, first)
       JOIN messaging.important i ON i.chat_id = r.chat_id AND i.user_id = $1 AND i.seq >= r.first
       JOIN messaging.message m ON m.chat_id = i.chat_id AND m.seq = i.seq
      WHERE NOT m.deleted AND ($4::bigint IS NULL OR (m.at, i.chat_id, i.seq) < ($4, $5, $6))
      ORDER BY m.at DESC, i.chat_id DESC, i.seq DESC
      LIMIT $7`,
    [
      userId,
      ranges.map((x) => x.chatId),
      ranges.map((x) => x.from),
      after?.at ?? null,
      after?.chatId ?? '',
      after?.seq ?? 0,
      limit,
    ],
  );
  return r.rows.map((row) => ({ chatId: row.chat_id, seq: Number(row.seq), at: Number(row.at) }));
}
