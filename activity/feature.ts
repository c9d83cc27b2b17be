// Activity figures («Активность», #27): a part above the messenger. It
// listens to the chat feed and hears from the attendance part each lesson
// that ended (counter.ts), keeps counts per person-week, school-week and
// group-chat-week (store.ts, schema `activity`), and answers the school's
// admin and a region's admins (report.ts, routes.ts; the routes go through
// the accounts part's edge, which says who is signed in and their role).
import type { AccountHttp } from '../accounts/http.js';
import type { Logger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import type { Messenger } from '../messaging/messenger.js';
import type { Feature } from '../signaling/requests/features.js';
import { ActivityCounter, type LessonHeld } from './counter.js';
import { ActivityReport, type SchoolPeople } from './report.js';
import { registerActivityRoutes, registerRegionRoutes } from './routes.js';
import { ActivityStore } from './store.js';

export type { LessonHeld } from './counter.js';
export type { SchoolPeople } from './report.js';

export interface ActivityDeps {
  messenger: Messenger;
  db: Postgres;
  /** A school's name and people (who is a teacher) from its directory. */
  school(schoolId: string): Promise<SchoolPeople | null>;
  now?: () => number;
  /** How often heard messages are written (ms). */
  everyMs?: number;
  log: Logger;
}

export interface Activity {
  feature: Feature<never>;
  /** The attendance part's lesson ends go here. */
  lessonEnded(l: LessonHeld): Promise<void>;
  /** The school's and the region's routes, on the accounts part's edge. */
  accountRoutes(http: AccountHttp): void;
}

export function createActivity(deps: ActivityDeps): Activity {
  const log = deps.log.child({ part: 'activity' });
  const now = deps.now ?? Date.now;
  const store = new ActivityStore(deps.db);
  const chats = deps.messenger.chatStore;
  const counter = new ActivityCounter({
    store,
    chat: (id) => chats.chat(id),
    users: (ids) => chats.users(ids),
    now,
    log,
    ...(deps.everyMs ? { everyMs: deps.everyMs } : {}),
  });
  deps.messenger.feed.listen((e) => counter.onEvent(e));
  const report = new ActivityReport({ store, school: deps.school, now });
  return {
    lessonEnded: (l) => counter.lessonEnded(l),
    accountRoutes: (http) => registerActivityRoutes(http, () => report),
    feature: {
      name: 'activity',
      handlers: {},
      routes: (router) => registerRegionRoutes(router, () => store),
      close: () => counter.close(),
    },
  };
}
