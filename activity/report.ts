// The seeds' monitoring table from the stored counts: a school's weeks with
// its people (for the school's admin only), and a region's schools without
// people (for the region's admin). Who is a teacher comes from the school's
// directory as it is now.
import {
  ACTIVE_SCHOOL_USERS,
  type PersonFigures,
  type RegionActivity,
  type RegionSchool,
  type SchoolActivity,
  WRITING_MESSAGES,
  type WeekFigures,
} from '../common/activityView.js';
import type { ActivityStore, PersonWeekRow } from './store.js';
import { lastWeeks } from './weeks.js';

export interface SchoolPeople {
  name: string;
  people: { id: string; name: string; teacher: boolean }[];
}

export interface ReportDeps {
  store: ActivityStore;
  /** The school's name and people from its directory (null: no such school). */
  school(schoolId: string): Promise<SchoolPeople | null>;
  now: () => number;
}

export const MAX_WEEKS = 26;

export class ActivityReport {
  constructor(private readonly d: ReportDeps) {}

  async school(schoolId: string, weekCount: number): Promise<SchoolActivity> {
    const { weeks, rows, who, name } = await this.figures(schoolId, weekCount);
    const current = weeks.at(-1)!.week;
    const people: PersonFigures[] = rows
      .filter((r) => r.week === current)
      .map((r) => ({
        id: r.person,
        name: who.get(r.person)?.name ?? '',
        teacher: who.get(r.person)?.teacher ?? false,
        groupMessages: r.groupMessages,
        callsJoined: r.callsJoined,
        callsLed: r.callsLed,
        callMinutes: Math.round(r.callSeconds / 60),
      }))
      .filter((p) => p.name !== '')
      .sort((a, b) => a.name.localeCompare(b.name, 'ru'));
    return { school: { id: schoolId, name }, weeks, people };
  }

  /** The regions a person administers, by name only (no figures). */
  async regionsOfPerson(school: string, person: string): Promise<{ id: string; name: string }[]> {
    return (await this.d.store.regionsOf(school, person)).map((r) => ({ id: r.id, name: r.name }));
  }

  async regions(school: string, person: string, weekCount: number): Promise<RegionActivity> {
    const out: RegionActivity = { regions: [] };
    for (const region of await this.d.store.regionsOf(school, person)) {
      const schools: RegionSchool[] = [];
      for (const id of region.schools) {
        const f = await this.figures(id, weekCount);
        schools.push({
          id,
          name: f.name,
          weeks: f.weeks.map((w) => ({ ...w, active: w.activeUsers >= ACTIVE_SCHOOL_USERS })),
        });
      }
      const weeks = lastWeeks(this.d.now(), weekCount).map((week, i) => ({
        week,
        activeSchools: schools.filter((s) => s.weeks[i]!.active).length,
      }));
      out.regions.push({ id: region.id, name: region.name, weeks, schools });
    }
    return out;
  }

  private async figures(schoolId: string, weekCount: number) {
    const weekList = lastWeeks(this.d.now(), weekCount);
    const from = weekList[0]!;
    const to = weekList.at(-1)!;
    const [dir, rows, schoolWeeks] = await Promise.all([
      this.d.school(schoolId),
      this.d.store.personWeeks(schoolId, from, to),
      this.d.store.schoolWeeks(schoolId, from, to),
    ]);
    const who = new Map((dir?.people ?? []).map((p) => [p.id, p]));
    const teachers = (dir?.people ?? []).filter((p) => p.teacher).length;
    const byWeek = new Map<string, PersonWeekRow[]>();
    for (const r of rows) byWeek.set(r.week, [...(byWeek.get(r.week) ?? []), r]);
    const weeks: WeekFigures[] = weekList.map((week) => {
      const people = (byWeek.get(week) ?? []).filter((r) => who.has(r.person));
      const ofTeachers = people.filter((r) => who.get(r.person)!.teacher);
      const s = schoolWeeks.find((x) => x.week === week);
      return {
        week,
        teachers,
        teachersWriting: ofTeachers.filter((r) => r.groupMessages >= WRITING_MESSAGES).length,
        teachersCalling: ofTeachers.filter((r) => r.callsJoined >= 1).length,
        chatsPerTeacher: teachers === 0 ? 0 : Math.round((10 * (s?.chats ?? 0)) / teachers) / 10,
        activeUsers: people.filter((r) => r.groupMessages > 0 || r.callsJoined > 0).length,
        lessons: s?.lessons ?? 0,
        lessonMinutes: s?.lessons ? Math.round(s.lessonSeconds / 60 / s.lessons) : 0,
      };
    });
    return { weeks, rows, who, name: dir?.name ?? schoolId };
  }
}
