-- Web Push: each browser a person turned notifications on in (its endpoint
-- and the keys its payloads are encrypted to), and the server's one VAPID key
-- pair, shared by every host so that every host can send to every browser.

CREATE TABLE notifications.subscription (
  endpoint text PRIMARY KEY,
  user_id text NOT NULL,
  p256dh text NOT NULL,
  auth text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX subscription_by_user ON notifications.subscription (user_id);

CREATE TABLE notifications.vapid (
  id smallint PRIMARY KEY CHECK (id = 1),
  public_key text NOT NULL,
  private_key text NOT NULL
);
