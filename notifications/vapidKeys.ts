// The server's VAPID key pair (RFC 8292): made once, kept in PostgreSQL, the
// same on every host (a browser subscribed through one host accepts pushes
// signed by any).
import webpush from 'web-push';
import type { Postgres } from '../common/postgres/connect.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export async function loadVapidKeys(db: Postgres): Promise<VapidKeys> {
  const made = webpush.generateVAPIDKeys();
  // Hosts starting together: the first insert wins and everyone reads it back.
  await db.query(
    'INSERT INTO notifications.vapid (id, public_key, private_key) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING',
    [made.publicKey, made.privateKey],
  );
  const { rows } = await db.query<{ public_key: string; private_key: string }>(
    'SELECT public_key, private_key FROM notifications.vapid WHERE id = 1',
  );
  const row = rows[0]!;
  return { publicKey: row.public_key, privateKey: row.private_key };
}
