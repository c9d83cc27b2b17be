import { accountsSchema } from '../accounts/pgStore.js';
import { activitySchema } from '../activity/schema.js';
import { attendanceSchema } from '../attendance/schema.js';
import { awardsSchema } from '../awards/schema.js';
// Every part that keeps tables in PostgreSQL, in the order their migrations
// run (a part whose tables refer to another's comes after it). A part adds
// itself here with its own folder of migrations; see ARCHITECTURE.md, "A
// part's tables".
import type { SchemaPart } from '../common/postgres/migrations.js';
import { documentsSchema } from '../documents/schema.js';
import { homeworkSchema } from '../homework/schema.js';
import { messagingSchema } from '../messaging/schema.js';
import { notificationsSchema } from '../notifications/schema.js';

export const schemaParts: SchemaPart[] = [
  messagingSchema,
  notificationsSchema,
  accountsSchema,
  homeworkSchema,
  awardsSchema,
  attendanceSchema,
  activitySchema,
  documentsSchema,
];
