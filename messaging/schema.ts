// The messenger's tables in PostgreSQL (schema `messaging`): see migrations/.
import type { SchemaPart } from '../common/postgres/migrations.js';

export const messagingSchema: SchemaPart = {
  name: 'messaging',
  dir: new URL('./migrations/', import.meta.url),
};
