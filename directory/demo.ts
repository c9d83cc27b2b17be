// The demo school: loaded when the server starts with DEMO_SCHOOL on and no
// school has a directory yet, with a lesson for 5А and a parents' meeting
// already announced in their chats, so a newcomer finds the messenger and a
// call working at once (the /school-demo page signs them in as anyone).
import type { Logger } from '../common/log.js';
import { type Meeting, type MeetingBook, invitationText } from '../signaling/domain/meetings.js';
import type { RoomRegistry } from '../signaling/domain/roomRegistry.js';
import type { ClassMeetings } from './classMeetings.js';
import type { DirectoryImporter } from './importer.js';
import type { Directory } from './model.js';
import { demoSchool } from './sampleSchool.js';
import type { DirectoryStore } from './store.js';

export const DEMO_SCHOOL_ID = 'demo';

/** Schedules a meeting for a class and announces it in the class's chat. */
export type ScheduleForClass = (
  title: string,
  classId: string,
  audience: 'class' | 'parents',
) => Promise<void>;

export async function loadDemoSchool(
  deps: { importer: DirectoryImporter; store: DirectoryStore; log: Logger; page: string },
  schedule: ScheduleForClass,
): Promise<boolean> {
  if ((await deps.store.schools()).length > 0) return false;
  const d = demoSchool();
  const report = await deps.importer.import(d, { dryRun: false });
  const first = d.classes[0]!;
  await schedule(`Урок: ${d.teachers[0]!.lessons[0]!.subject}, ${first.name}`, first.id, 'class');
  await schedule(`Родительское собрание ${first.name}`, first.id, 'parents');
  deps.log.info({ school: d.school.id, chats: report.chats.created, page: deps.page }, 'demo school loaded');
  return true;
}

const ZONE = 'Europe/Moscow';

/** The next whole hour in Moscow, as a meeting's local start "YYYY-MM-DDTHH:00". */
function nextHourLocal(now = Date.now()): string {
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(now + 3600_000));
  const [date, hour] = parts.split(' ');
  return `${date}T${hour}:00`;
}

/** A real scheduled meeting (own room, in the meeting book) for a class, announced in its chat. */
export function classMeetingScheduler(deps: {
  registry: RoomRegistry;
  meetings: MeetingBook;
  classMeetings: ClassMeetings;
  publicUrl: string;
}): ScheduleForClass {
  return async (title, classId, audience) => {
    const target = await deps.classMeetings.resolve({
      class: { schoolId: DEMO_SCHOOL_ID, classId, audience },
    });
    const room = await deps.registry.createStored({ title, owner: await deps.classMeetings.ownerOf(target) });
    const meeting: Meeting = {
      id: room.id,
      roomId: room.id,
      createdAt: new Date(),
      title,
      startsAtLocal: nextHourLocal(),
      timeZone: ZONE,
      durationMinutes: 45,
      weeklyCount: 1,
      language: 'ru',
    };
    await deps.meetings.add(meeting);
    const { code, password } = room.definition;
    const invitation = invitationText(meeting, { shortLink: `${deps.publicUrl}/j/${code}`, code, password });
    await deps.classMeetings.announce(target, meeting, room, invitation);
  };
}

export interface DemoPerson {
  id: string;
  name: string;
  role: 'admin' | 'teacher' | 'student' | 'parent';
  /** What the page says about them: "классный руководитель 5А", "5Б", "мама: Анна Иванова". */
  about: string;
  classId: string;
}

/** The demo school's people as the demo page lists them. */
export function demoPeople(d: Directory): DemoPerson[] {
  const className = new Map(d.classes.map((c) => [c.id, c.name]));
  const pupil = new Map(d.pupils.map((p) => [p.id, p]));
  const out: DemoPerson[] = [];
  for (const t of d.teachers) {
    const own = d.classes.find((c) => c.teacher === t.id);
    const subjects = [...new Set(t.lessons.map((l) => l.subject))].join(', ');
    out.push({
      id: t.id,
      name: t.name,
      role: t.admin ? 'admin' : 'teacher',
      about: [own ? `классный руководитель ${own.name}` : '', subjects, t.admin ? 'администратор' : '']
        .filter(Boolean)
        .join(' · '),
      classId: own?.id ?? '',
    });
  }
  for (const p of d.pupils) {
    out.push({
      id: p.id,
      name: p.name,
      role: 'student',
      about: className.get(p.classId) ?? '',
      classId: p.classId,
    });
  }
  for (const p of d.parents) {
    const child = pupil.get(p.children[0] ?? '');
    out.push({
      id: p.id,
      name: p.name,
      role: 'parent',
      about: child ? `${child.name}, ${className.get(child.classId) ?? ''}` : '',
      classId: child?.classId ?? '',
    });
  }
  return out;
}
