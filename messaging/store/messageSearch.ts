// Full-text search over messages (migrations/0006_search.sql). The caller
// says which part of which chats may be searched (`ReadableRange`, from the
// read rule in permissions.ts); this only finds and ranks.
import type { Postgres } from '../../common/postgres/connect.js';
import type { NewMessage, StoredMessage } from '../records.js';

/** Messages of `chatId` numbered `from` on may be searched. */
export interface ReadableRange {
  chatId: string;
  from: number;
}

export interface FoundMessage {
  chatId: string;
  message: StoredMessage;
  snippet: string;
  /** Where the matched words are in `snippet` (UTF-16 indices). */
  marks: { start: number; length: number }[];
}

// Marks around matched words in ts_headline's output; removed from the text
// first, so a message cannot forge one.
const START = '\u0001';
const STOP = '\u0002';
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "`;

/** Splits ts_headline's output into the snippet and the marked stretches. */
export function parseHeadline(headline: string): {
  snippet: string;
  marks: { start: number; length: number }[];
} {
  let snippet = '';
  const marks: { start: number; length: number }[] = [];
  let open = -1;
  for (const ch of headline) {
    if (ch === START) open = snippet.length;
    else if (ch === STOP) {
      if (open >= 0 && snippet.length > open) marks.push({ start: open, length: snippet.length - open });
      open = -1;
    } else snippet += ch;
  }
  return { snippet, marks };
}

interface HitRow {
  chat_id: string;
  seq: number;
  rev: number;
  at: number;
  body: NewMessage;
  headline: string;
}

/**
 * The best `limit` matches of `query` (websearch syntax: words, "a phrase",
 * -left-out) in the given ranges: by rank, then newest. The rank and the
 * snippet are computed for the page only.
 */
export async function searchMessages(
  db: Postgres,
  query: string,
  ranges: ReadableRange[],
  limit: number,
): Promise<FoundMessage[]> {
  if (ranges.length === 0) return [];
  const r = await db.query<HitRow>(
    `WITH q AS (SELECT websearch_to_tsquery('russian', $1) AS q),
     page AS (
       SELECT m.chat_id, m.seq, m.rev, m.at, m.body,
         ts_rank(to_tsvector('russian', messaging.searchable_text(m.body)), q.q) AS rank
       FROM q, unnest($2::text[], $3::bigint[]) AS r(chat_id, first)
       JOIN messaging.message m ON m.chat_id = r.chat_id AND m.seq >= r.first
       WHERE NOT m.deleted AND to_tsvector('russian', messaging.searchable_text(m.body)) @@ q.q
       ORDER BY rank DESC, m.at DESC, m.chat_id, m.seq DESC
       LIMIT $4
     )
     SELECT page.chat_id, page.seq, page.rev, page.at, page.body,
       ts_headline('russian', translate(messaging.searchable_text(page.body), $5, '  '), q.q, $6) AS headline
     FROM page, q
     ORDER BY page.rank DESC, page.at DESC, page.chat_id, page.seq DESC`,
    [query, ranges.map((x) => x.chatId), ranges.map((x) => x.from), limit, START + STOP, HEADLINE],
  );
  return r.rows.map((row) => ({
    chatId: row.chat_id,
    message: { ...row.body, seq: row.seq, rev: row.rev, at: row.at },
    ...parseHeadline(row.headline),
  }));
}
