// What /api/activity/school and /api/activity/region answer (JSON): the
// seeds' monitoring table. One definition for the server (activity/) and the
// browser (web/src/admin/ActivityPanel.tsx).

/** The thresholds of the region's monitoring. */
export const WRITING_MESSAGES = 10;
export const ACTIVE_SCHOOL_USERS = 2;

/** A school's figures for one week (Monday, "YYYY-MM-DD"). */
export interface WeekFigures {
  week: string;
  teachers: number;
  /** Teachers with at least WRITING_MESSAGES group-chat messages that week. */
  teachersWriting: number;
  /** Teachers who were in at least one call (led or joined) that week. */
  teachersCalling: number;
  /** Group chats written in that week, per teacher (one decimal). */
  chatsPerTeacher: number;
  /** People who wrote in a group chat or were in a call that week. */
  activeUsers: number;
  lessons: number;
  /** Lessons' average length in minutes (0 without lessons). */
  lessonMinutes: number;
}

/** One person's week: only the school's admin gets these. */
export interface PersonFigures {
  id: string;
  name: string;
  teacher: boolean;
  groupMessages: number;
  callsJoined: number;
  callsLed: number;
  callMinutes: number;
}

export interface SchoolActivity {
  school: { id: string; name: string };
  /** Oldest first; the last is the current week. */
  weeks: WeekFigures[];
  /** The current week's people with anything counted, by name. */
  people: PersonFigures[];
}

export interface RegionSchool {
  id: string;
  name: string;
  /** Oldest first, the same weeks for every school. */
  weeks: (WeekFigures & { active: boolean })[];
}

export interface RegionActivity {
  regions: {
    id: string;
    name: string;
    weeks: { week: string; activeSchools: number }[];
    schools: RegionSchool[];
  }[];
}

/** A share in whole percent (0 when there is nobody to share among). */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((100 * part) / whole);
}
