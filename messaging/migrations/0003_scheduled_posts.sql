-- Posts sent later, in their author's name, when due.
CREATE TABLE messaging.scheduled_post (
  id text PRIMARY KEY,
  chat_id text NOT NULL REFERENCES messaging.chat (id) ON DELETE CASCADE,
  sender text NOT NULL,
  name text NOT NULL,
  text text NOT NULL,
  send_at bigint NOT NULL
);
CREATE INDEX scheduled_post_due ON messaging.scheduled_post (send_at);
CREATE INDEX scheduled_post_by_chat ON messaging.scheduled_post (chat_id, send_at);
