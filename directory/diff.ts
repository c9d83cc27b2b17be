// What changed between the stored directory and a new file: people added,
// removed, moved to another class, renamed or given other links; classes
// added, removed or renamed. Pure, so a dry run shows exactly what an import
// would do.
import { type Directory, type Person, type SchoolRole, placements } from './model.js';

export interface PersonChange {
  id: string;
  name: string;
  role: SchoolRole;
  /** For a move: the old and new class. */
  from?: string;
  to?: string;
  /** For a change: what changed ("name", "children", "lessons", "groups", "role"). */
  what?: string[];
}

export interface DirectoryDiff {
  added: PersonChange[];
  removed: PersonChange[];
  moved: PersonChange[];
  changed: PersonChange[];
  classes: { added: string[]; removed: string[]; renamed: string[]; teacherChanged: string[] };
}

interface Flat {
  person: Person;
  role: SchoolRole;
  classId: string;
  /** Everything else that shapes chats, compared as text. */
  links: Record<string, string>;
}

function flatten(d: Directory | null): Map<string, Flat> {
  const out = new Map<string, Flat>();
  if (!d) return out;
  const roles = placements(d);
  for (const t of d.teachers) {
    const lessons = t.lessons.map((l) => `${l.subject}:${l.classId}/${l.group}`).sort();
    out.set(t.id, {
      person: t,
      role: roles.get(t.id)!.role,
      classId: '',
      links: { lessons: lessons.join('|') },
    });
  }
  for (const p of d.pupils) {
    out.set(p.id, {
      person: p,
      role: 'student',
      classId: p.classId,
      links: { groups: [...p.groups].sort().join(' ') },
    });
  }
  for (const p of d.parents) {
    out.set(p.id, {
      person: p,
      role: 'parent',
      classId: '',
      links: { children: [...p.children].sort().join(' ') },
    });
  }
  return out;
}

export function diffDirectories(before: Directory | null, after: Directory): DirectoryDiff {
  const old = flatten(before);
  const now = flatten(after);
  const diff: DirectoryDiff = {
    added: [],
    removed: [],
    moved: [],
    changed: [],
    classes: { added: [], removed: [], renamed: [], teacherChanged: [] },
  };
  const brief = (f: Flat): PersonChange => ({ id: f.person.id, name: f.person.name, role: f.role });
  for (const [id, n] of now) {
    const o = old.get(id);
    if (!o) {
      diff.added.push({ ...brief(n), ...(n.classId ? { to: n.classId } : {}) });
      continue;
    }
    if (o.classId !== n.classId) diff.moved.push({ ...brief(n), from: o.classId, to: n.classId });
    const what: string[] = [];
    if (o.person.name !== n.person.name || o.person.sort !== n.person.sort) what.push('name');
    if (o.role !== n.role) what.push('role');
    if (contacts(o.person) !== contacts(n.person)) what.push('contacts');
    for (const k of Object.keys(n.links)) if (o.links[k] !== n.links[k]) what.push(k);
    if (what.length) diff.changed.push({ ...brief(n), what });
  }
  for (const [id, o] of old) if (!now.has(id)) diff.removed.push(brief(o));

  const oldClasses = new Map((before?.classes ?? []).map((c) => [c.id, c]));
  const newClasses = new Map(after.classes.map((c) => [c.id, c]));
  for (const [id, c] of newClasses) {
    const o = oldClasses.get(id);
    if (!o) diff.classes.added.push(id);
    else {
      if (o.name !== c.name) diff.classes.renamed.push(id);
      if (o.teacher !== c.teacher) diff.classes.teacherChanged.push(id);
    }
  }
  for (const id of oldClasses.keys()) if (!newClasses.has(id)) diff.classes.removed.push(id);
  return diff;
}

const contacts = (p: Person) => `${p.email ?? ''} ${p.phone ?? ''} ${p.document ?? ''}`;

export function isEmptyDiff(d: DirectoryDiff, schoolRenamed: boolean): boolean {
  return (
    !schoolRenamed &&
    d.added.length + d.removed.length + d.moved.length + d.changed.length === 0 &&
    Object.values(d.classes).every((l) => l.length === 0)
  );
}
