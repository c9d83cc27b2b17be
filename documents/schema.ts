// A person's «Документы»: tables in PostgreSQL (schema `documents`), see migrations/.
import type { SchemaPart } from '../common/postgres/migrations.js';

export const documentsSchema: SchemaPart = {
  name: 'documents',
  dir: new URL('./migrations/', import.meta.url),
};
