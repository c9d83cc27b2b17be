// Redis key names of the messenger. A chat's keys share the hash tag {id}, so
// they would stay in one slot of a Redis Cluster and its scripts stay legal.
const P = 'school-call';

export const keys = {
  /** Hash: the chat's fields (kind, title, settings JSON, seq, rev, members...). */
  chat: (c: string) => `${P}:chat:{${c}}`,
  /** Hash: seq -> message JSON. */
  messages: (c: string) => `${P}:chat:{${c}}:m`,
  /** Sorted set: seq scored by the rev of its latest change. */
  changes: (c: string) => `${P}:chat:{${c}}:ch`,
  /** Sorted set: seqs of deleted messages (for unread counts). */
  deleted: (c: string) => `${P}:chat:{${c}}:del`,
  /** Hash: user id -> member JSON. */
  members: (c: string) => `${P}:chat:{${c}}:mem`,
  /** Sorted set (lexicographic): "sort name\0user id" for lists by surname. */
  names: (c: string) => `${P}:chat:{${c}}:names`,
  /** Hash: user id -> seq read up to. */
  read: (c: string) => `${P}:chat:{${c}}:rd`,
  /** Sorted set: pinned seqs scored by when they were pinned. */
  pins: (c: string) => `${P}:chat:{${c}}:pins`,
  /** Hash: user id -> JSON list of emojis, for one message. */
  reactions: (c: string, seq: number) => `${P}:chat:{${c}}:rx:${seq}`,
  /** Hash: user id -> JSON list of options, for one poll. */
  votes: (c: string, seq: number) => `${P}:chat:{${c}}:pv:${seq}`,
  /** Hash: seq -> JSON list of this user's emojis in the chat. */
  myReactions: (c: string, u: string) => `${P}:chat:{${c}}:myrx:${u}`,
  /** Hash: seq -> JSON list of this user's poll options in the chat. */
  myVotes: (c: string, u: string) => `${P}:chat:{${c}}:myv:${u}`,
  /** Sorted set: seqs this user marked important, scored by seq. */
  important: (c: string, u: string) => `${P}:chat:{${c}}:imp:${u}`,
  /** String: the seq a client message id became (resends), with a TTL. */
  clientId: (c: string, u: string, cmid: string) => `${P}:chat:{${c}}:cm:${u}:${cmid}`,
  /** Hash: the user's profile as last seen in a token or from the directory. */
  user: (u: string) => `${P}:user:${u}`,
  /** Set: the user's chat ids. */
  userChats: (u: string) => `${P}:user:${u}:chats`,
  /** Hash: an uploaded file's record. */
  file: (id: string) => `${P}:file:${id}`,
  /** Set: a school's listed channels. */
  schoolChannels: (s: string) => `${P}:school:${s}:channels`,
  /** String: an invitation link's JSON {chat, school, by}. */
  invite: (code: string) => `${P}:invite:${code}`,
  /** Set: a chat's live invitation codes. */
  chatInvites: (c: string) => `${P}:chat:{${c}}:inv`,
  /** Set: chats a file was posted in (downloads are for their members). */
  fileChats: (id: string) => `${P}:file:${id}:chats`,
  /** Set: "chat\nseq" of the messages holding a file; when the last goes, so does the file. */
  fileRefs: (id: string) => `${P}:file:${id}:refs`,
  /** Sorted set: uploads not yet in any message, scored by when they began (swept when old). */
  unsentFiles: () => `${P}:files:unsent`,
};

/** The pub/sub channel every host listens on for chat events. */
export const EVENTS_CHANNEL = `${P}:chat-events`;

/** Resends after a lost acknowledgement are recognised for this long. */
export const CLIENT_ID_TTL_SECONDS = 7 * 24 * 3600;
