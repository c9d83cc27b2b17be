-- The messenger's system of record: chats, their members (with read marks),
-- people's profiles, messages (the record as JSON, keyed by chat and seq,
-- indexed by the rev of their latest change), each person's reactions, poll
-- votes and important marks, and pins. Times are milliseconds since the
-- epoch, as in the records the code and the wire use.

CREATE TABLE messaging.person (
  id text PRIMARY KEY,
  name text NOT NULL,
  sort text NOT NULL,
  role text NOT NULL,
  school text NOT NULL
);

CREATE TABLE messaging.chat (
  id text PRIMARY KEY,
  kind text NOT NULL,
  title text NOT NULL DEFAULT '',
  about text NOT NULL DEFAULT '',
  created_at bigint NOT NULL,
  created_by text NOT NULL DEFAULT '',
  settings jsonb NOT NULL,
  -- The last message's number and the last change's number; a send takes
  -- this row's lock to number the next one.
  seq bigint NOT NULL DEFAULT 0,
  rev bigint NOT NULL DEFAULT 0,
  members integer NOT NULL DEFAULT 0,
  last_at bigint NOT NULL,
  room_id text NOT NULL DEFAULT '',
  pair text[] NOT NULL DEFAULT '{}',
  -- Fields the chat record does not model (e.g. `behalf`), by name.
  extra jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE messaging.member (
  chat_id text NOT NULL REFERENCES messaging.chat (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  role text NOT NULL,
  source text NOT NULL,
  joined_at bigint NOT NULL,
  -- The first message seq this member may see.
  visible_from bigint NOT NULL,
  read_seq bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX member_by_user ON messaging.member (user_id);

CREATE TABLE messaging.message (
  chat_id text NOT NULL REFERENCES messaging.chat (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  rev bigint NOT NULL,
  at bigint NOT NULL,
  sender text NOT NULL,
  -- The client's message id: a resend of the same id is the same message.
  cmid text,
  deleted boolean NOT NULL DEFAULT false,
  -- The message record without seq, rev and at (records.ts StoredMessage).
  body jsonb NOT NULL,
  PRIMARY KEY (chat_id, seq)
);
-- What a reconnecting client asks for: every change after its rev.
CREATE INDEX message_by_rev ON messaging.message (chat_id, rev);
CREATE UNIQUE INDEX message_by_client_id ON messaging.message (chat_id, sender, cmid) WHERE cmid IS NOT NULL;
-- Unread counts leave deleted messages out.
CREATE INDEX message_deleted ON messaging.message (chat_id, seq) WHERE deleted;

CREATE TABLE messaging.reaction (
  chat_id text NOT NULL,
  seq bigint NOT NULL,
  user_id text NOT NULL,
  emojis text[] NOT NULL,
  PRIMARY KEY (chat_id, seq, user_id),
  FOREIGN KEY (chat_id, seq) REFERENCES messaging.message (chat_id, seq) ON DELETE CASCADE
);
CREATE INDEX reaction_by_user ON messaging.reaction (chat_id, user_id, seq);

CREATE TABLE messaging.vote (
  chat_id text NOT NULL,
  seq bigint NOT NULL,
  user_id text NOT NULL,
  options integer[] NOT NULL,
  PRIMARY KEY (chat_id, seq, user_id),
  FOREIGN KEY (chat_id, seq) REFERENCES messaging.message (chat_id, seq) ON DELETE CASCADE
);
CREATE INDEX vote_by_user ON messaging.vote (chat_id, user_id, seq);

CREATE TABLE messaging.important (
  chat_id text NOT NULL,
  user_id text NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (chat_id, user_id, seq),
  FOREIGN KEY (chat_id, seq) REFERENCES messaging.message (chat_id, seq) ON DELETE CASCADE
);

CREATE TABLE messaging.pin (
  chat_id text NOT NULL,
  seq bigint NOT NULL,
  pinned_at bigint NOT NULL,
  PRIMARY KEY (chat_id, seq),
  FOREIGN KEY (chat_id, seq) REFERENCES messaging.message (chat_id, seq) ON DELETE CASCADE
);
