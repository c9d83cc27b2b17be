// Homework collections' tables in PostgreSQL (schema `homework`): see migrations/.
import type { SchemaPart } from '../common/postgres/migrations.js';

export const homeworkSchema: SchemaPart = {
  name: 'homework',
  dir: new URL('./migrations/', import.meta.url),
};
