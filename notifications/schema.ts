// The notifications' tables in PostgreSQL (schema `notifications`): see migrations/.
import type { SchemaPart } from '../common/postgres/migrations.js';

export const notificationsSchema: SchemaPart = {
  name: 'notifications',
  dir: new URL('./migrations/', import.meta.url),
};
