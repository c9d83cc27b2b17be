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

/** The statement searchMessages runs, with its values (the search load test EXPLAINs this one). */
export function searchStatement(
  query: string,
  ranges: ReadableRange[],
  limit: number,
): { text: string; values: unknown[] } {
  return {
    // The query is written out where it is used, not in a WITH: a WITH used twice is computed
    // apart, so the planner cannot use the words index with it and would compute every readable
    // message's words (a teacher's 40 chats: seconds); written out, it ANDs the words index with
    // each chat's range.
    text: `SELECT page.chat_id, page.seq, page.rev, page.at, page.body,
       ts_headline('russian', translate(messaging.searchable_text(page.body), $5, '  '),
         websearch_to_tsquery('russian', $1), $6) AS headline
     FROM (
       SELECT m.chat_id, m.seq, m.rev, m.at, m.body,
         ts_rank(to_tsvector('russian', messaging.searchable_text(m.body)), websearch_to_tsquery('russian', $1)) AS rank
       FROM unnest($2::text[], $3::bigint[]) AS r(chat_id, first)
       JOIN messaging.message m ON m.chat_id = r.chat_id AND m.seq >= r.first
       WHERE NOT m.deleted
         AND to_tsvector('russian', messaging.searchable_text(m.body)) @@ websearch_to_tsquery('russian', $1)
       ORDER BY rank DESC, m.at DESC, m.chat_id, m.seq DESC
       LIMIT $4
     ) page
     ORDER BY page.rank DESC, page.at DESC, page.chat_id, page.seq DESC`,
    values: [query, ranges.map((x) => x.chatId), ranges.map((x) => x.from), limit, START + STOP, HEADLINE],
  };
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
  const statement = searchStatement(query, ranges, limit);
  const r = await db.query<HitRow>(statement.text, statement.values);
  return r.rows.map((row) => ({
    chatId: row.chat_id,
    message: { ...row.body, seq: row.seq, rev: row.rev, at: row.at },
    ...parseHeadline(row.headline),
  }));
}
