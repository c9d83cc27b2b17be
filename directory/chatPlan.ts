// The chats a directory calls for, each under a stable slot name so the same
// class keeps the same chat across imports: per class a class chat and a
// parents' chat (the class teacher is admin), the teachers' room (every
// teacher admin), and a chat per teacher, subject and class or group.
import type { Directory } from './model.js';

export type SlotKind = 'class' | 'parents' | 'teachers' | 'subject';

export interface PlannedChat {
  slot: string;
  kind: SlotKind;
  /** The class the chat belongs to ('' for the teachers' room). */
  classId: string;
  title: string;
  about: string;
  /** Who the directory puts in, and whether as admin. */
  members: Map<string, 'admin' | 'member'>;
}

export const TEACHERS_SLOT = 'teachers';
export const classSlot = (classId: string) => `class:${classId}`;
export const parentsSlot = (classId: string) => `parents:${classId}`;

export function planChats(d: Directory): Map<string, PlannedChat> {
  const out = new Map<string, PlannedChat>();
  const pupilsOf = new Map<string, string[]>();
  for (const p of d.pupils) {
    const list = pupilsOf.get(p.classId) ?? [];
    list.push(p.id);
    pupilsOf.set(p.classId, list);
  }
  const parentsOf = new Map<string, Set<string>>();
  const classOfPupil = new Map(d.pupils.map((p) => [p.id, p.classId]));
  for (const parent of d.parents) {
    for (const child of parent.children) {
      const c = classOfPupil.get(child);
      if (!c) continue;
      const set = parentsOf.get(c) ?? new Set<string>();
      set.add(parent.id);
      parentsOf.set(c, set);
    }
  }
  const className = new Map(d.classes.map((c) => [c.id, c.name]));

  for (const c of d.classes) {
    const classMembers = new Map<string, 'admin' | 'member'>();
    for (const id of pupilsOf.get(c.id) ?? []) classMembers.set(id, 'member');
    const parentMembers = new Map<string, 'admin' | 'member'>();
    for (const id of parentsOf.get(c.id) ?? []) parentMembers.set(id, 'member');
    if (c.teacher) {
      classMembers.set(c.teacher, 'admin');
      parentMembers.set(c.teacher, 'admin');
    }
    out.set(classSlot(c.id), {
      slot: classSlot(c.id),
      kind: 'class',
      classId: c.id,
      title: c.name,
      about: `Чат класса ${c.name}`,
      members: classMembers,
    });
    out.set(parentsSlot(c.id), {
      slot: parentsSlot(c.id),
      kind: 'parents',
      classId: c.id,
      title: `${c.name} · родители`,
      about: `Родители учеников ${c.name} и классный руководитель`,
      members: parentMembers,
    });
  }

  if (d.teachers.length) {
    out.set(TEACHERS_SLOT, {
      slot: TEACHERS_SLOT,
      kind: 'teachers',
      classId: '',
      title: 'Учительская',
      about: `Учителя: ${d.school.name}`,
      members: new Map(d.teachers.map((t) => [t.id, 'admin'])),
    });
  }

  const pupilsById = new Map(d.pupils.map((p) => [p.id, p]));
  for (const t of d.teachers) {
    for (const l of t.lessons) {
      const slot = `subject:${t.id}:${l.classId}:${l.group}:${l.subject}`;
      if (out.has(slot)) continue;
      const members = new Map<string, 'admin' | 'member'>([[t.id, 'admin']]);
      for (const id of pupilsOf.get(l.classId) ?? []) {
        if (!l.group || pupilsById.get(id)?.groups.includes(l.group)) members.set(id, 'member');
      }
      const where = `${className.get(l.classId) ?? l.classId}${l.group ? ` (${l.group})` : ''}`;
      out.set(slot, {
        slot,
        kind: 'subject',
        classId: l.classId,
        title: `${l.subject} · ${where}`,
        about: `${l.subject}, ${where}: ${t.name}`,
        members,
      });
    }
  }
  return out;
}
