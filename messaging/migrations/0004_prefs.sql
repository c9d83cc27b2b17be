-- One's own organisation of the messenger: folders, pinned chats, quiet
-- hours, the "Saved messages" chat (messaging/prefs.ts StoredPrefs).
CREATE TABLE messaging.prefs (
  user_id text PRIMARY KEY,
  prefs jsonb NOT NULL
);
