// The school's structure as the directory keeps it: one school, its classes,
// teachers (the subjects they teach to which class or group), pupils and
// parents linked to their children. Person ids are the e-journal's; they are
// also the messenger's user ids, so the school's sign-in puts them in tokens.

export type SchoolRole = 'admin' | 'teacher' | 'student' | 'parent';

export interface SchoolClass {
  id: string;
  /** As the school writes it: "5А". */
  name: string;
  /** The class teacher's id, or '' while there is none. */
  teacher: string;
}

export interface Lesson {
  subject: string;
  classId: string;
  /** A group within the class ("англ-1"), or '' for the whole class. */
  group: string;
}

export interface Person {
  id: string;
  /** How others see the name: "Мария Петровна Иванова". */
  name: string;
  /** What lists sort by: "Иванова Мария Петровна". */
  sort: string;
  /** What the school's single sign-on may match: e-mail (lower case), phone (+7...), a document number's hash. */
  email?: string;
  phone?: string;
  document?: string;
}

export interface Teacher extends Person {
  /** A school administrator (also a teacher in the teachers' room). */
  admin: boolean;
  lessons: Lesson[];
}

export interface Pupil extends Person {
  classId: string;
  /** Groups within the class the pupil belongs to (for split subjects). */
  groups: string[];
}

export interface Parent extends Person {
  children: string[];
}

export interface Directory {
  school: { id: string; name: string };
  classes: SchoolClass[];
  teachers: Teacher[];
  pupils: Pupil[];
  parents: Parent[];
}

/** One person's place in the school, what role checks read. */
export interface Placement {
  role: SchoolRole;
  /** Pupils: their class; parents: their children's classes; teachers: classes they teach. */
  classes: string[];
  /** Parents: their children. */
  children?: string[];
}

export function placements(d: Directory): Map<string, Placement> {
  const out = new Map<string, Placement>();
  const pupilClass = new Map(d.pupils.map((p) => [p.id, p.classId]));
  for (const t of d.teachers) {
    const classes = new Set(t.lessons.map((l) => l.classId));
    for (const c of d.classes) if (c.teacher === t.id) classes.add(c.id);
    out.set(t.id, { role: t.admin ? 'admin' : 'teacher', classes: [...classes].sort() });
  }
  for (const p of d.pupils) out.set(p.id, { role: 'student', classes: [p.classId] });
  for (const p of d.parents) {
    const classes = new Set(p.children.map((c) => pupilClass.get(c) ?? '').filter(Boolean));
    out.set(p.id, { role: 'parent', classes: [...classes].sort(), children: [...p.children] });
  }
  return out;
}
