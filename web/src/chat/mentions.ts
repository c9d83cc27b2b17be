// Mentions in a message's text: what the composer's "@" picker is looking
// for, inserting a chosen person, which chosen people are still named when
// the message is sent, and the "@Name" spans a message shows highlighted.
// The server keeps the mentioned user ids (messages.ts checks each may be
// seen by the writer); the text only names them.

/** The "@..." being typed just before the caret, if any. */
export interface MentionQuery {
  /** Where the "@" is. */
  start: number;
  query: string;
}

export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const m = /(?:^|\s)@([^\s@]{0,32})$/u.exec(before);
  if (!m) return null;
  const query = m[1] ?? '';
  return { start: before.length - query.length - 1, query };
}

/** The text with the "@query" replaced by "@Name ", and where the caret goes. */
export function insertMention(text: string, at: MentionQuery, name: string): { text: string; caret: number } {
  const mention = `@${name} `;
  const end = at.start + 1 + at.query.length;
  return { text: text.slice(0, at.start) + mention + text.slice(end), caret: at.start + mention.length };
}

/** Ids of the chosen people whose "@Name" is still in the text. */
export function mentionedIds(text: string, chosen: ReadonlyMap<string, string>): string[] {
  return [...chosen].filter(([, name]) => text.includes(`@${name}`)).map(([id]) => id);
}

/** "@" and a name of up to three capitalised words. */
const MENTION = /@\p{Lu}[\p{L}-]*(?: \p{Lu}[\p{L}-]*){0,2}/gu;

/** The text cut into plain parts and "@Name" parts (strings starting with "@"). */
export function mentionParts(text: string): { text: string; mention: boolean }[] {
  const parts: { text: string; mention: boolean }[] = [];
  let from = 0;
  for (const m of text.matchAll(MENTION)) {
    const at = m.index ?? 0;
    if (at > 0 && !/\s/u.test(text[at - 1] ?? '')) continue;
    if (at > from) parts.push({ text: text.slice(from, at), mention: false });
    parts.push({ text: m[0], mention: true });
    from = at + m[0].length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), mention: false });
  return parts;
}
