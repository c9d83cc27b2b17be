-- Webhook deliveries to bots (webhookQueue.ts) waiting for their next try,
-- kept here so that a restart loses none. A host claims due ones with
-- FOR UPDATE SKIP LOCKED and moves next_at past its try's timeout, so no other
-- host sends the same delivery meanwhile; done or given up, the row goes.
CREATE TABLE messaging.bot_delivery (
  id text PRIMARY KEY,
  bot text NOT NULL REFERENCES messaging.bot (id) ON DELETE CASCADE,
  chat_id text NOT NULL,
  body text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_at bigint NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX bot_delivery_due ON messaging.bot_delivery (next_at);
CREATE INDEX bot_delivery_by_bot ON messaging.bot_delivery (bot);
