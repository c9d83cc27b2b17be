// The activity part's tables in PostgreSQL (schema `activity`): see migrations/.
import type { SchemaPart } from '../common/postgres/migrations.js';

export const activitySchema: SchemaPart = {
  name: 'activity',
  dir: new URL('./migrations/', import.meta.url),
};
