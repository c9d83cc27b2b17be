// Redis key names of what the messenger still keeps in Redis (moving to
// PostgreSQL, issue #26): file records.
// Chats and their history are in PostgreSQL (messaging/migrations).
const P = 'school-call';

export const keys = {
  /** Hash: an uploaded file's record. */
  file: (id: string) => `${P}:file:${id}`,
  /** Set: chats a file was posted in (downloads are for their members). */
  fileChats: (id: string) => `${P}:file:${id}:chats`,
  /** Set: "chat\nseq" of the messages holding a file; when the last goes, so does the file. */
  fileRefs: (id: string) => `${P}:file:${id}:refs`,
  /** Sorted set: uploads not yet in any message, scored by when they began (swept when old). */
  unsentFiles: () => `${P}:files:unsent`,
};
