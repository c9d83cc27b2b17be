// One chat's history in a form both stores can be read into (release 0.1.0's
// Redis keys, this release's PostgreSQL rows), so the migration compares the
// two by counts and a checksum instead of trusting its own writes. Every list
// is sorted and every object's keys too, so equal content gives equal bytes.
import { createHash } from 'node:crypto';

export interface ChatContent {
  chat: {
    id: string;
    kind: string;
    title: string;
    about: string;
    createdAt: number;
    createdBy: string;
    settings: unknown;
    seq: number;
    rev: number;
    members: number;
    lastAt: number;
    roomId: string;
    pair: string[];
    /** Fields the chat record does not model (e.g. `behalf`). */
    extra: Record<string, string>;
  };
  members: {
    user: string;
    role: string;
    source: string;
    joinedAt: number;
    visibleFrom: number;
    readSeq: number;
  }[];
  /** body: the record without seq, rev and at (text, edits, deletion, reaction counts, poll...). */
  messages: {
    seq: number;
    rev: number;
    at: number;
    sender: string;
    cmid: string | null;
    deleted: boolean;
    body: unknown;
  }[];
  reactions: { seq: number; user: string; emojis: string[] }[];
  votes: { seq: number; user: string; options: number[] }[];
  important: { user: string; seq: number }[];
  pins: { seq: number; pinnedAt: number }[];
  /** Messages holding a file (its bytes stay while one does). */
  holds: { seq: number; file: string }[];
  /** The records of the files held here. */
  files: {
    id: string;
    owner: string;
    chat: string;
    name: string;
    type: string;
    size: number;
    state: string;
    preview: boolean;
    width: number;
    height: number;
    createdAt: number;
  }[];
  invites: { code: string; school: string; by: string }[];
  joinRequests: { user: string; at: number }[];
  /** Schools listing this channel. */
  listedIn: string[];
}

const by =
  <T>(...keys: (keyof T)[]) =>
  (a: T, b: T): number => {
    for (const k of keys) {
      const x = a[k] as unknown as string | number;
      const y = b[k] as unknown as string | number;
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  };

/** The same content with every list in one order. */
export function sorted(c: ChatContent): ChatContent {
  return {
    chat: { ...c.chat, pair: [...c.chat.pair] },
    members: [...c.members].sort(by('user')),
    messages: [...c.messages].sort(by('seq')),
    reactions: c.reactions.map((r) => ({ ...r, emojis: [...r.emojis] })).sort(by('seq', 'user')),
    votes: [...c.votes].sort(by('seq', 'user')),
    important: [...c.important].sort(by('user', 'seq')),
    pins: [...c.pins].sort(by('seq')),
    holds: [...c.holds].sort(by('seq', 'file')),
    files: [...c.files].sort(by('id')),
    invites: [...c.invites].sort(by('code')),
    joinRequests: [...c.joinRequests].sort(by('user')),
    listedIn: [...c.listedIn].sort(),
  };
}

/** JSON with object keys sorted at every level (jsonb does not keep key order). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export type ContentCounts = Record<
  'messages' | 'members' | 'reactions' | 'votes' | 'marks' | 'pins' | 'files',
  number
>;

export function countsOf(c: ChatContent): ContentCounts {
  return {
    messages: c.messages.length,
    members: c.members.length,
    reactions: c.reactions.length,
    votes: c.votes.length,
    marks: c.important.length,
    pins: c.pins.length,
    files: c.holds.length,
  };
}

/** SHA-256 (hex) of the whole content in one order. */
export function checksumOf(c: ChatContent): string {
  return createHash('sha256')
    .update(canonicalJson(sorted(c)))
    .digest('hex');
}
