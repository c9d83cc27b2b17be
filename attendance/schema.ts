// The attendance part's tables in PostgreSQL (schema `attendance`): see migrations/.
import type { SchemaPart } from '../common/postgres/migrations.js';

export const attendanceSchema: SchemaPart = {
  name: 'attendance',
  dir: new URL('./migrations/', import.meta.url),
};
