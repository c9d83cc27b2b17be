// Attendance and «Итоги урока» (#24): a part above the messenger. It listens
// to every room (tracker.ts) and keeps, per lesson, who came, when, for how
// long, hands raised, chat messages and poll answers (schema `attendance`);
// when a lesson ends it posts the recap card to the class chat (recap.ts);
// the lesson's page is one request on the messenger's socket
// (get_lesson_recap, registered like notifications/ and homework/), with
// its files (get_lesson_file) and the teacher's share switch
// (share_lesson_recording).
import type { Logger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import { invalid } from '../messaging/errors.js';
import { type ChatHandler, registerChatHandlers } from '../messaging/handlers.js';
import { lessonChatId } from '../messaging/lesson/lessonChats.js';
import type { Messenger } from '../messaging/messenger.js';
import type { Feature } from '../signaling/requests/features.js';
import { type LessonFiles, NO_LESSON_FILES } from './lessonFiles.js';
import { RecapPages, postRecap } from './recap.js';
import { AttendanceStore, type AttendeeRow, type LessonRow } from './store.js';
import { AttendanceTracker } from './tracker.js';

export interface AttendanceDeps {
  messenger: Messenger;
  store: AttendanceStore;
  /** The chat a scheduled lesson's room belongs to (the meetings book), if any. */
  scheduledChatOf(roomId: string): string | null | Promise<string | null>;
  /** Told of each lesson that ended, with who came (the activity figures count it). */
  lessonEnded?(lesson: LessonRow, attendees: AttendeeRow[]): Promise<void>;
  /** The recordings, transcripts and boards the lesson's page offers (app/lessonFiles.ts). */
  files?: LessonFiles;
  now?: () => number;
  log: Logger;
}

export interface Attendance {
  feature: Feature<never>;
  tracker: AttendanceTracker;
}

/** The part's store, made before the messenger so it can hear which chat a call was started in. */
export function attendanceStore(db: Postgres): AttendanceStore {
  return new AttendanceStore(db);
}

const byMessenger = new WeakMap<Messenger, RecapPages>();

export function createAttendance(deps: AttendanceDeps): Attendance {
  const log = deps.log.child({ part: 'attendance' });
  const { messenger, store } = deps;
  const tracker = new AttendanceTracker({
    store,
    classChatOf: async (roomId) =>
      (await deps.scheduledChatOf(roomId)) ?? (await store.chatOfRoom(roomId)) ?? '',
    lessonChatSeq: async (roomId) => (await messenger.chatStore.chat(lessonChatId(roomId)))?.seq ?? 0,
    ended: async (lesson) => {
      log.info({ lesson: lesson.id, room: lesson.roomId, chat: lesson.classChat }, 'lesson ended');
      const counted = deps.lessonEnded
        ? store.attendees(lesson.id).then((people) => deps.lessonEnded?.(lesson, people))
        : undefined;
      await Promise.all([postRecap(messenger, lesson), counted]);
    },
    now: deps.now ?? Date.now,
    log,
  });
  byMessenger.set(messenger, new RecapPages(store, messenger, deps.files ?? NO_LESSON_FILES, deps.now));
  registerChatHandlers(HANDLERS);
  return {
    tracker,
    feature: {
      name: 'attendance',
      handlers: {},
      attach: (room) => tracker.attach(room),
      close: () => tracker.idle(),
    },
  };
}

const pagesOf = (messenger: Messenger): RecapPages => {
  const pages = byMessenger.get(messenger);
  if (!pages) throw invalid('lesson pages are not set up on this server');
  return pages;
};

const HANDLERS: Record<'getLessonRecap' | 'getLessonFile' | 'shareLessonRecording', ChatHandler> = {
  getLessonRecap: async ({ caller, messenger }, m) => ({
    lessonRecap: await pagesOf(messenger).view(caller, m.getLessonRecap!),
  }),
  getLessonFile: async ({ caller, messenger }, m) => ({
    lessonFile: await pagesOf(messenger).file(caller, m.getLessonFile!),
  }),
  shareLessonRecording: async ({ caller, messenger }, m) => ({
    lessonRecap: await pagesOf(messenger).share(caller, m.shareLessonRecording!),
  }),
};
