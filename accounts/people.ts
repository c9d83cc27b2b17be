// Who a signed-in person is, from the directory (name, role, classes,
// children) or, for a school's first administrator, from the accounts store.
// This is what the rest of the server reads as "the signed-in person": see
// SignedInPerson. A school's directory is read from Redis once and kept for
// a few seconds, so a page load does not parse the whole school each time.
import type { Directory } from '../directory/model.js';
import type { DirectoryStore } from '../directory/store.js';
import type { AccountRole, AccountStore } from './model.js';

export interface ClassRef {
  id: string;
  name: string;
}

export interface ChildRef {
  id: string;
  name: string;
  classId: string;
  className: string;
}

export interface SignedInPerson {
  id: string;
  schoolId: string;
  schoolName: string;
  /** "Мария Петровна Иванова". */
  name: string;
  /** "Иванова Мария Петровна". */
  sort: string;
  role: AccountRole;
  /** Pupils: their class; teachers: classes they lead or teach; parents: their children's classes. */
  classes: ClassRef[];
  /** Classes whose class teacher this person is. */
  leads: string[];
  /** Parents: each child with their class (a parent of two children in two classes has both). */
  children: ChildRef[];
  /** A teacher whose status the school's admin approved. */
  verified: boolean;
  /** A person of the demo school. */
  demo: boolean;
}

const CACHE_MS = 3000;

export class People {
  private readonly cache = new Map<string, { at: number; d: Promise<Directory | null> }>();

  constructor(
    private readonly directory: DirectoryStore,
    private readonly accounts: AccountStore,
    private readonly demoSchoolId: string | null,
  ) {}

  /** The school's directory, read at most every few seconds. */
  async school(schoolId: string): Promise<Directory | null> {
    const hit = this.cache.get(schoolId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.d;
    const d = this.directory.load(schoolId);
    this.cache.set(schoolId, { at: Date.now(), d });
    if (this.cache.size > 1000) this.cache.delete(this.cache.keys().next().value!);
    return d;
  }

  /** After an import or an admin's change: read the directory again next time. */
  forget(schoolId: string): void {
    this.cache.delete(schoolId);
  }

  async find(personId: string, schoolId: string): Promise<SignedInPerson | null> {
    const [d, verified] = await Promise.all([this.school(schoolId), this.accounts.verified(schoolId)]);
    if (d) {
      const p = personIn(d, personId);
      if (p) return { ...p, verified: verified.has(personId), demo: schoolId === this.demoSchoolId };
    }
    const staff = await this.accounts.staffMember(personId);
    if (!staff || staff.schoolId !== schoolId) return null;
    const school = d?.school.name ?? (await this.accounts.schools()).find((s) => s.id === schoolId)?.name;
    return {
      id: personId,
      schoolId,
      schoolName: school ?? schoolId,
      name: staff.name,
      sort: staff.sort,
      role: 'admin',
      classes: [],
      leads: [],
      children: [],
      verified: verified.has(personId),
      demo: false,
    };
  }
}

/** A person's place in a directory, or null when it does not list them. */
export function personIn(d: Directory, id: string): Omit<SignedInPerson, 'verified' | 'demo'> | null {
  const className = new Map(d.classes.map((c) => [c.id, c.name]));
  const ref = (classId: string): ClassRef => ({ id: classId, name: className.get(classId) ?? classId });
  const base = { schoolId: d.school.id, schoolName: d.school.name };
  const teacher = d.teachers.find((t) => t.id === id);
  if (teacher) {
    const leads = d.classes.filter((c) => c.teacher === id).map((c) => c.id);
    const classes = [...new Set([...leads, ...teacher.lessons.map((l) => l.classId)])].sort();
    return {
      ...base,
      id,
      name: teacher.name,
      sort: teacher.sort,
      role: teacher.admin ? 'admin' : 'teacher',
      classes: classes.map(ref),
      leads,
      children: [],
    };
  }
  const pupil = d.pupils.find((p) => p.id === id);
  if (pupil) {
    return {
      ...base,
      id,
      name: pupil.name,
      sort: pupil.sort,
      role: 'student',
      classes: [ref(pupil.classId)],
      leads: [],
      children: [],
    };
  }
  const parent = d.parents.find((p) => p.id === id);
  if (parent) {
    const children: ChildRef[] = [];
    for (const childId of parent.children) {
      const child = d.pupils.find((p) => p.id === childId);
      if (child) {
        children.push({
          id: child.id,
          name: child.name,
          classId: child.classId,
          className: className.get(child.classId) ?? child.classId,
        });
      }
    }
    const classes = [...new Set(children.map((c) => c.classId))].sort();
    return {
      ...base,
      id,
      name: parent.name,
      sort: parent.sort,
      role: 'parent',
      classes: classes.map(ref),
      leads: [],
      children,
    };
  }
  return null;
}
