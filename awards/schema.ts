// The awards' tables in PostgreSQL (schema `awards`): see migrations/.
import type { SchemaPart } from '../common/postgres/migrations.js';

export const awardsSchema: SchemaPart = {
  name: 'awards',
  dir: new URL('./migrations/', import.meta.url),
};
