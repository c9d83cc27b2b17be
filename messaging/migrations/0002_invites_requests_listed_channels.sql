-- Invitation links, requests to join a chat that asks its admins first, and
-- the channels a school lists for its people to find.

CREATE TABLE messaging.invite (
  code text PRIMARY KEY,
  chat_id text NOT NULL REFERENCES messaging.chat (id) ON DELETE CASCADE,
  school text NOT NULL,
  created_by text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX invite_by_chat ON messaging.invite (chat_id);

CREATE TABLE messaging.join_request (
  chat_id text NOT NULL REFERENCES messaging.chat (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  requested_at bigint NOT NULL,
  PRIMARY KEY (chat_id, user_id)
);

CREATE TABLE messaging.listed_channel (
  school text NOT NULL,
  chat_id text NOT NULL REFERENCES messaging.chat (id) ON DELETE CASCADE,
  PRIMARY KEY (school, chat_id)
);
