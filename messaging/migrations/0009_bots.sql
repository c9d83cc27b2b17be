-- Bots of the school's systems (bots.ts): made by the school's admin, each
-- with the chats it was given; it posts and hears only there. Only a hash of
-- its token is kept; the webhook secret signs what is sent to the bot, so it
-- is kept as it is.
CREATE TABLE messaging.bot (
  id text PRIMARY KEY,
  school text NOT NULL,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  secret text NOT NULL,
  webhook_url text NOT NULL DEFAULT '',
  chats text[] NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL,
  created_by text NOT NULL
);
CREATE INDEX bot_by_school ON messaging.bot (school);
-- Which bots hear a chat (every message of a person there asks this).
CREATE INDEX bot_by_chat ON messaging.bot USING gin (chats);
