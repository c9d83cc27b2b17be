-- How long a school keeps its chats' messages. No row, or days NULL: every
-- message is kept (the default). chats_may_shorten: a chat's own
-- retention_days (set by its admins) applies where it is shorter.
CREATE TABLE messaging.retention (
  school text PRIMARY KEY,
  days integer CHECK (days IS NULL OR days > 0),
  chats_may_shorten boolean NOT NULL DEFAULT false,
  updated_by text NOT NULL,
  updated_at bigint NOT NULL
);

ALTER TABLE messaging.chat ADD COLUMN retention_days integer CHECK (retention_days IS NULL OR retention_days > 0);
