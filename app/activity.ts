// Assembles the activity figures with the parts they hear from: the
// messenger's feed, the attendance part's lesson ends (handed over here, so
// neither part imports the other), the directory's people, and the accounts
// part's edge for the admin screens' routes.
import type { AccountsFeature } from '../accounts/feature.js';
import { type Activity, type LessonHeld, createActivity } from '../activity/feature.js';
import type { AttendeeRow, LessonRow } from '../attendance/store.js';
import type { Logger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import type { DirectoryStore } from '../directory/store.js';
import type { Messenger } from '../messaging/messenger.js';

export function assembleActivity(d: {
  messenger: Messenger | null;
  database: Postgres | null;
  directory: DirectoryStore | null;
  accounts: AccountsFeature;
  now?: () => number;
  log: Logger;
}): Activity | null {
  const { directory } = d;
  if (!d.messenger || !d.database || !directory) return null;
  const activity = createActivity({
    messenger: d.messenger,
    db: d.database,
    school: async (schoolId) => {
      const dir = await directory.load(schoolId);
      if (!dir) return null;
      return {
        name: dir.school.name,
        people: [
          ...dir.teachers.map((p) => ({ id: p.id, name: p.name, teacher: true })),
          ...dir.pupils.map((p) => ({ id: p.id, name: p.name, teacher: false })),
          ...dir.parents.map((p) => ({ id: p.id, name: p.name, teacher: false })),
        ],
      };
    },
    ...(d.now ? { now: d.now } : {}),
    log: d.log,
  });
  d.accounts.personRoutes((http) => activity.accountRoutes(http));
  return activity;
}

/** A lesson as the attendance part ends it, as the activity figures count it. */
export function lessonHeld(lesson: LessonRow, attendees: AttendeeRow[]): LessonHeld {
  return {
    id: lesson.id,
    school: lesson.school,
    startedAt: lesson.startedAt,
    endedAt: lesson.endedAt ?? lesson.startedAt,
    people: attendees.map((a) => ({
      person: a.userId,
      led: a.role <= 2,
      guest: a.guest,
      seconds: a.seconds,
    })),
  };
}
