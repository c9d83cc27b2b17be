// People's push subscriptions in PostgreSQL: saved when a browser turns
// notifications on, dropped when the person turns them off there or the push
// service says the browser is gone (404/410).
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
  constructor(private readonly db: Postgres) {}

  /** Saves a browser for a person; an endpoint moves to whoever saved it last (a shared computer). */
  async save(s: PushSubscriptionRecord, now = Date.now()): Promise<void> {
    await this.db.query(
      `INSERT INTO notifications.subscription (endpoint, user_id, p256dh, auth, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (endpoint) DO UPDATE
         SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
             created_at = excluded.created_at`,
      [s.endpoint, s.userId, s.p256dh, s.auth, now],
    );
    await this.db.query(
      `DELETE FROM notifications.subscription WHERE user_id = $1 AND endpoint NOT IN (
         SELECT endpoint FROM notifications.subscription WHERE user_id = $1
         ORDER BY created_at DESC LIMIT $2)`,
      [s.userId, PER_PERSON_MAX],
    );
  }

  /** Removes a browser of this person (someone else's endpoint is left alone). */
  async remove(userId: string, endpoint: string): Promise<void> {
    await this.db.query('DELETE FROM notifications.subscription WHERE endpoint = $1 AND user_id = $2', [
      endpoint,
      userId,
    ]);
  }

  /** The push service says this browser is gone. */
  async drop(endpoint: string): Promise<void> {
    await this.db.query('DELETE FROM notifications.subscription WHERE endpoint = $1', [endpoint]);
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
