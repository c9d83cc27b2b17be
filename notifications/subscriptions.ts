// People's push subscriptions in PostgreSQL: saved when a browser turns
// notifications on, dropped when the person turns them off there or the push
// service says the browser is gone (404/410). Each change is told to the
// listeners (the notifier's cache of who has which browser).
import type { Postgres } from '../common/postgres/connect.js';

export interface PushSubscriptionRecord {
  endpoint: string;
  userId: string;
  p256dh: string;
  auth: string;
}

/** One person keeps at most this many browsers (the oldest goes). */
const PER_PERSON_MAX = 10;

export class PushSubscriptions {
  /** Told whose browsers changed, before the change is answered (the notifier's cache). */
  private readonly listeners: ((userIds: string[]) => Promise<void>)[] = [];

  constructor(private readonly db: Postgres) {}

  onChange(listener: (userIds: string[]) => Promise<void>): void {
    this.listeners.push(listener);
  }

  private async changed(userIds: (string | null | undefined)[]): Promise<void> {
    const ids = [...new Set(userIds.filter((u): u is string => !!u))];
    if (ids.length > 0) await Promise.all(this.listeners.map((l) => l(ids)));
  }

  /** Saves a browser for a person; an endpoint moves to whoever saved it last (a shared computer). */
  async save(s: PushSubscriptionRecord, now = Date.now()): Promise<void> {
    const saved = await this.db.query<{ was: string | null }>(
      `WITH before AS (SELECT user_id FROM notifications.subscription WHERE endpoint = $1)
       INSERT INTO notifications.subscription (endpoint, user_id, p256dh, auth, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (endpoint) DO UPDATE
         SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
             created_at = excluded.created_at
       RETURNING (SELECT user_id FROM before) AS was`,
      [s.endpoint, s.userId, s.p256dh, s.auth, now],
    );
    await this.db.query(
      `DELETE FROM notifications.subscription WHERE user_id = $1 AND endpoint NOT IN (
         SELECT endpoint FROM notifications.subscription WHERE user_id = $1
         ORDER BY created_at DESC LIMIT $2)`,
      [s.userId, PER_PERSON_MAX],
    );
    await this.changed([s.userId, saved.rows[0]?.was]);
  }

  /** Removes a browser of this person (someone else's endpoint is left alone). */
  async remove(userId: string, endpoint: string): Promise<void> {
    const r = await this.db.query<{ user_id: string }>(
      'DELETE FROM notifications.subscription WHERE endpoint = $1 AND user_id = $2 RETURNING user_id',
      [endpoint, userId],
    );
    await this.changed(r.rows.map((row) => row.user_id));
  }

  /** The push service says this browser is gone. */
  async drop(endpoint: string): Promise<void> {
    const r = await this.db.query<{ user_id: string }>(
      'DELETE FROM notifications.subscription WHERE endpoint = $1 RETURNING user_id',
      [endpoint],
    );
    await this.changed(r.rows.map((row) => row.user_id));
  }

  async forUsers(userIds: string[]): Promise<PushSubscriptionRecord[]> {
    if (userIds.length === 0) return [];
    const { rows } = await this.db.query<{ endpoint: string; user_id: string; p256dh: string; auth: string }>(
      'SELECT endpoint, user_id, p256dh, auth FROM notifications.subscription WHERE user_id = ANY($1)',
      [userIds],
    );
    return rows.map((r) => ({ endpoint: r.endpoint, userId: r.user_id, p256dh: r.p256dh, auth: r.auth }));
  }
}
