// Reads one chat of release 0.1.0 from its Redis keys (the layout of that
// release's messaging/store/keys.ts, git 82e49b6; nothing in this release
// writes it): the chat's hash and every key sharing its hash tag {id}, the
// records of the files its messages hold, its invitation links.
import type { Redis } from 'ioredis';
import type { ChatContent } from './chatContent.js';

const P = 'school-call';
export const legacyKeys = {
  chat: (c: string) => `${P}:chat:{${c}}`,
  user: (u: string) => `${P}:user:${u}`,
  userChats: (u: string) => `${P}:user:${u}:chats`,
  userPrefs: (u: string) => `${P}:user:${u}:prefs`,
  file: (id: string) => `${P}:file:${id}`,
  fileChats: (id: string) => `${P}:file:${id}:chats`,
  fileRefs: (id: string) => `${P}:file:${id}:refs`,
  unsentFiles: `${P}:files:unsent`,
  invite: (code: string) => `${P}:invite:${code}`,
  /** SCAN patterns. */
  chats: `${P}:chat:{*}`,
  users: `${P}:user:*`,
  files: `${P}:file:*`,
  schoolChannels: `${P}:school:*:channels`,
};

/** 0.1.0's posts sent later (its messaging/scheduledPosts.ts): a due set, a record each, a set per chat. */
export const legacyScheduledKeys = {
  /** Sorted set: post id scored by its time. */
  due: `${P}:scheduled`,
  /** String: the post's JSON {id, chat, from, name, text, at}. */
  post: (id: string) => `${P}:scheduled:post:${id}`,
  /** Set: the chat's post ids. */
  ofChat: (c: string) => `${P}:scheduled:chat:{${c}}`,
};

export interface LegacyScheduledPost {
  id: string;
  chat: string;
  from: string;
  name: string;
  text: string;
  at: number;
}

/** The chat's posts still waiting in 0.1.0's store (a record gone since: skipped). */
export async function readLegacyScheduled(redis: Redis, chatId: string): Promise<LegacyScheduledPost[]> {
  const ids = await redis.smembers(legacyScheduledKeys.ofChat(chatId));
  const found = ids.length ? await redis.mget(...ids.map(legacyScheduledKeys.post)) : [];
  return found
    .flatMap((j) => (j ? [JSON.parse(j) as LegacyScheduledPost] : []))
    .filter((p) => p.chat === chatId)
    .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
}

/** The chat hash's fields that are columns; any other is kept in `extra`. */
const CHAT_FIELDS = new Set([
  'id',
  'kind',
  'title',
  'about',
  'createdAt',
  'createdBy',
  'settings',
  'seq',
  'rev',
  'members',
  'lastAt',
  'roomId',
  'pair',
]);

/** Every key matching a SCAN pattern. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    out.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return out;
}

const globEscape = (s: string) => s.replace(/[\\*?[\]]/g, (c) => `\\${c}`);

/** The ids of 0.1.0's chats still in Redis (a chat's own hash: the key ending in `}`). */
export async function legacyChatIds(redis: Redis): Promise<string[]> {
  return (await scanKeys(redis, legacyKeys.chats))
    .filter((k) => k.endsWith('}'))
    .map((k) => k.slice(`${P}:chat:{`.length, -1))
    .sort();
}

/** school id -> the channels it lists; read once for every chat. */
export async function legacyListedChannels(redis: Redis): Promise<Map<string, string[]>> {
  const byChat = new Map<string, string[]>();
  for (const key of await scanKeys(redis, legacyKeys.schoolChannels)) {
    const school = key.slice(`${P}:school:`.length, -':channels'.length);
    for (const chat of await redis.smembers(key)) byChat.set(chat, [...(byChat.get(chat) ?? []), school]);
  }
  return byChat;
}

export interface LegacyChat {
  content: ChatContent;
  /** Every key of the chat, to remove once it is verified in PostgreSQL. */
  keys: string[];
  /** References to files whose record is gone (not carried over). */
  missingFiles: number;
}

const num = (v: string | undefined) => Number(v ?? 0);

export async function readLegacyChat(
  redis: Redis,
  chatId: string,
  listed: Map<string, string[]>,
): Promise<LegacyChat | null> {
  const base = legacyKeys.chat(chatId);
  const hash = await redis.hgetall(base);
  if (!hash.kind) return null;
  const keys = await scanKeys(redis, `${globEscape(base)}*`);
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(hash)) if (!CHAT_FIELDS.has(k)) extra[k] = v;
  const [memberHash, readHash, messageHash, pinScores, requestHash, inviteCodes] = await Promise.all([
    redis.hgetall(`${base}:mem`),
    redis.hgetall(`${base}:rd`),
    redis.hgetall(`${base}:m`),
    redis.zrange(`${base}:pins`, 0, -1, 'WITHSCORES'),
    redis.hgetall(`${base}:jr`),
    redis.smembers(`${base}:inv`),
  ]);
  const content: ChatContent = {
    chat: {
      id: chatId,
      kind: hash.kind,
      title: hash.title ?? '',
      about: hash.about ?? '',
      createdAt: num(hash.createdAt),
      createdBy: hash.createdBy ?? '',
      settings: JSON.parse(hash.settings ?? '{}'),
      seq: num(hash.seq),
      rev: num(hash.rev),
      members: num(hash.members),
      lastAt: num(hash.lastAt ?? hash.createdAt),
      roomId: hash.roomId ?? '',
      pair: hash.pair ? hash.pair.split('\n') : [],
      extra,
    },
    members: Object.entries(memberHash).map(([user, json]) => {
      const m = JSON.parse(json) as { role: string; source: string; joinedAt: number; visibleFrom: number };
      return {
        user,
        role: m.role,
        source: m.source,
        joinedAt: m.joinedAt,
        visibleFrom: m.visibleFrom,
        readSeq: num(readHash[user]),
      };
    }),
    messages: [],
    reactions: [],
    votes: [],
    important: [],
    pins: [],
    holds: [],
    files: [],
    invites: [],
    joinRequests: Object.entries(requestHash).map(([user, at]) => ({ user, at: Number(at) })),
    listedIn: listed.get(chatId) ?? [],
  };
  for (let i = 0; i < pinScores.length; i += 2)
    content.pins.push({ seq: Number(pinScores[i]), pinnedAt: Number(pinScores[i + 1]) });

  // A client message id is in the message or, for notes, only in its resend key (`:cm:<sender>:<id>` -> seq).
  const senders = new Map<number, string>();
  for (const [seq, json] of Object.entries(messageHash)) {
    const { seq: _s, rev, at, ...body } = JSON.parse(json) as Record<string, unknown>;
    const sender = String(body.from ?? '');
    senders.set(Number(seq), sender);
    content.messages.push({
      seq: Number(seq),
      rev: Number(rev),
      at: Number(at),
      sender,
      cmid: typeof body.cmid === 'string' ? body.cmid : null,
      deleted: body.deleted === true,
      body,
    });
  }
  const bySeq = new Map(content.messages.map((m) => [m.seq, m]));
  const cmPrefix = `${base}:cm:`;
  for (const key of keys.filter((k) => k.startsWith(cmPrefix))) {
    const seq = Number(await redis.get(key));
    const m = bySeq.get(seq);
    const sender = senders.get(seq);
    if (m && m.cmid === null && sender !== undefined && key.startsWith(`${cmPrefix}${sender}:`))
      m.cmid = key.slice(`${cmPrefix}${sender}:`.length);
  }

  for (const key of keys) {
    const rest = key.slice(base.length);
    const rx = rest.match(/^:rx:(\d+)$/);
    const pv = rest.match(/^:pv:(\d+)$/);
    if (rx) {
      for (const [user, json] of Object.entries(await redis.hgetall(key))) {
        const emojis = JSON.parse(json) as string[];
        if (emojis.length) content.reactions.push({ seq: Number(rx[1]), user, emojis });
      }
    } else if (pv) {
      for (const [user, json] of Object.entries(await redis.hgetall(key)))
        content.votes.push({ seq: Number(pv[1]), user, options: JSON.parse(json) as number[] });
    } else if (rest.startsWith(':imp:')) {
      const user = rest.slice(':imp:'.length);
      for (const seq of await redis.zrange(key, 0, -1)) content.important.push({ user, seq: Number(seq) });
    }
  }

  // Files: the messages holding each one are its `refs` ("chat\nseq").
  let missingFiles = 0;
  const fileIds = new Set<string>();
  for (const m of content.messages)
    for (const f of (m.body as { files?: { id: string }[] }).files ?? []) fileIds.add(f.id);
  for (const id of fileIds) {
    const [record, refs] = await Promise.all([
      redis.hgetall(legacyKeys.file(id)),
      redis.smembers(legacyKeys.fileRefs(id)),
    ]);
    const held = refs
      .filter((r) => r.startsWith(`${chatId}\n`))
      .map((r) => Number(r.slice(chatId.length + 1)))
      .filter((seq) => bySeq.has(seq));
    if (!record.id) {
      missingFiles += held.length;
      continue;
    }
    if (held.length === 0) continue;
    for (const seq of held) content.holds.push({ seq, file: id });
    content.files.push({
      id,
      owner: record.owner ?? '',
      chat: record.chat ?? '',
      name: record.name ?? '',
      type: record.type ?? 'application/octet-stream',
      size: num(record.size),
      state: record.state === 'ready' ? 'ready' : 'uploading',
      preview: record.preview === '1',
      width: num(record.width),
      height: num(record.height),
      createdAt: num(record.createdAt),
    });
  }

  for (const code of inviteCodes) {
    const json = await redis.get(legacyKeys.invite(code));
    if (!json) continue;
    const inv = JSON.parse(json) as { chat: string; school: string; by: string };
    content.invites.push({ code, school: inv.school, by: inv.by });
    keys.push(legacyKeys.invite(code));
  }
  return { content, keys, missingFiles };
}
