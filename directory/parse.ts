// Reads the school's structure exported from the e-journal, as JSON or CSV,
// into a Directory, checking everything before anything is stored: every
// problem is listed with where it is (a CSV row, a JSON path), so the
// school's IT person fixes the file in one go.
import { parse as parseCsvText } from 'csv-parse/sync';
import type { Directory, Lesson, Parent, Person, Pupil, SchoolClass, Teacher } from './model.js';

export class DirectoryFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`the school file has ${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}`);
  }
}

export const ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;
const NAME_MAX = 128;
export const PEOPLE_MAX = 50_000;

type Raw = Record<string, unknown>;

/** Names as the journal gives them: separate parts, or one display name. */
function nameOf(raw: Raw, where: string, problems: string[]): { name: string; sort: string } {
  const part = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).trim() : '');
  const last = part('lastName');
  const first = part('firstName');
  const middle = part('middleName');
  let name = part('name');
  // `sort` and `classId` too: a directory read back from the API imports as it is.
  let sort = part('sortName') || part('sort');
  if (last || first) {
    name ||= [first, middle, last].filter(Boolean).join(' ');
    sort ||= [last, first, middle].filter(Boolean).join(' ');
  }
  sort ||= name;
  if (!name) problems.push(`${where}: a name is required (name, or lastName and firstName)`);
  else if (name.length > NAME_MAX || sort.length > NAME_MAX)
    problems.push(`${where}: the name is longer than ${NAME_MAX} characters`);
  return { name, sort };
}

function idOf(raw: Raw, key: string, where: string, problems: string[]): string {
  const v = key === 'class' && raw.class === undefined ? raw.classId : raw[key];
  const id = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (!ID_PATTERN.test(id)) problems.push(`${where}: ${key} must be 1-128 letters, digits or ._:@-`);
  return id;
}

function idList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

function lessonsOf(v: unknown, where: string, problems: string[]): Lesson[] {
  if (v === undefined || v === null || v === '') return [];
  if (typeof v === 'string') return lessonsFromText(v, where, problems);
  if (!Array.isArray(v)) {
    problems.push(`${where}: lessons must be a list`);
    return [];
  }
  return v.map((l, i) => {
    const r = (l ?? {}) as Raw;
    const subject = typeof r.subject === 'string' ? r.subject.trim() : '';
    if (!subject || subject.length > NAME_MAX) problems.push(`${where}.lessons[${i}]: subject is required`);
    const classId = idOf(r, 'class', `${where}.lessons[${i}]`, problems);
    const group = typeof r.group === 'string' ? r.group.trim() : '';
    return { subject, classId, group };
  });
}

/** "Математика: 5a 6b | Английский: 5a/англ-1" (one cell of a CSV row). */
function lessonsFromText(text: string, where: string, problems: string[]): Lesson[] {
  const out: Lesson[] = [];
  for (const part of text.split('|')) {
    if (!part.trim()) continue;
    const colon = part.indexOf(':');
    const subject = colon > 0 ? part.slice(0, colon).trim() : '';
    if (!subject) {
      problems.push(`${where}: lessons are written "Subject: class class/group | Subject: class"`);
      continue;
    }
    for (const target of part
      .slice(colon + 1)
      .split(/[\s,]+/)
      .filter(Boolean)) {
      const [classId = '', group = ''] = target.split('/');
      if (!ID_PATTERN.test(classId)) problems.push(`${where}: "${target}" is not a class id`);
      out.push({ subject, classId, group });
    }
  }
  return out;
}

function list(raw: Raw, key: string, problems: string[]): Raw[] {
  const v = raw[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problems.push(`${key} must be a list`);
    return [];
  }
  return v.map((x) => (typeof x === 'object' && x !== null ? (x as Raw) : {}));
}

/** Builds and checks a Directory from plain records (JSON, or CSV rows turned into records). */
export function directoryFromRecords(
  raw: Raw,
  where: (kind: string, index: number) => string = (k, i) => `${k}[${i}]`,
): Directory {
  const problems: string[] = [];
  const schoolRaw = (typeof raw.school === 'object' && raw.school ? raw.school : {}) as Raw;
  const school = {
    id: idOf(schoolRaw, 'id', 'school', problems),
    name: typeof schoolRaw.name === 'string' ? schoolRaw.name.trim() : '',
  };
  if (!school.name) problems.push('school: name is required');

  const classes: SchoolClass[] = list(raw, 'classes', problems).map((c, i) => ({
    id: idOf(c, 'id', where('classes', i), problems),
    name: typeof c.name === 'string' && c.name.trim() ? c.name.trim() : String(c.id ?? ''),
    teacher: typeof c.teacher === 'string' ? c.teacher.trim() : '',
  }));
  const person = (r: Raw, w: string): Person => ({
    id: idOf(r, 'id', w, problems),
    ...nameOf(r, w, problems),
  });
  const teachers: Teacher[] = list(raw, 'teachers', problems).map((t, i) => ({
    ...person(t, where('teachers', i)),
    admin: t.admin === true || t.admin === 'true' || t.admin === '1' || t.admin === 'да',
    lessons: lessonsOf(t.lessons, where('teachers', i), problems),
  }));
  const pupils: Pupil[] = list(raw, 'pupils', problems).map((p, i) => ({
    ...person(p, where('pupils', i)),
    classId: idOf(p, 'class', where('pupils', i), problems),
    groups: idList(p.groups),
  }));
  const parents: Parent[] = list(raw, 'parents', problems).map((p, i) => ({
    ...person(p, where('parents', i)),
    children: idList(p.children),
  }));
  const d: Directory = { school, classes, teachers, pupils, parents };
  problems.push(...crossCheck(d));
  if (problems.length) throw new DirectoryFileError(problems);
  return d;
}

/** References between records: unique ids, classes that exist, children who are pupils. */
function crossCheck(d: Directory): string[] {
  const problems: string[] = [];
  const total = d.teachers.length + d.pupils.length + d.parents.length;
  if (total > PEOPLE_MAX) problems.push(`at most ${PEOPLE_MAX} people per school`);
  const classIds = new Set<string>();
  for (const c of d.classes) {
    if (classIds.has(c.id)) problems.push(`class ${c.id} is listed twice`);
    classIds.add(c.id);
  }
  const seen = new Set<string>();
  for (const p of [...d.teachers, ...d.pupils, ...d.parents]) {
    if (seen.has(p.id)) problems.push(`person ${p.id} is listed twice`);
    seen.add(p.id);
  }
  const teacherIds = new Set(d.teachers.map((t) => t.id));
  const pupilIds = new Set(d.pupils.map((p) => p.id));
  for (const c of d.classes) {
    if (c.teacher && !teacherIds.has(c.teacher))
      problems.push(`class ${c.id}: class teacher ${c.teacher} is not among the teachers`);
  }
  for (const t of d.teachers) {
    for (const l of t.lessons) {
      if (!classIds.has(l.classId)) problems.push(`teacher ${t.id}: teaches unknown class ${l.classId}`);
    }
  }
  for (const p of d.pupils) {
    if (!classIds.has(p.classId)) problems.push(`pupil ${p.id}: unknown class ${p.classId}`);
  }
  for (const p of d.parents) {
    if (p.children.length === 0) problems.push(`parent ${p.id}: no children named`);
    for (const c of p.children) {
      if (!pupilIds.has(c)) problems.push(`parent ${p.id}: child ${c} is not among the pupils`);
    }
  }
  return problems;
}

const TYPES: Record<string, 'school' | 'classes' | 'teachers' | 'pupils' | 'parents'> = {
  school: 'school',
  школа: 'school',
  class: 'classes',
  класс: 'classes',
  teacher: 'teachers',
  учитель: 'teachers',
  pupil: 'pupils',
  student: 'pupils',
  ученик: 'pupils',
  parent: 'parents',
  родитель: 'parents',
};

// Column names in English or as a Russian spreadsheet has them.
const COLUMN_KEYS: Record<string, string> = {
  last_name: 'lastName',
  first_name: 'firstName',
  middle_name: 'middleName',
  sort_name: 'sortName',
  тип: 'type',
  ид: 'id',
  код: 'id',
  фамилия: 'lastName',
  имя: 'firstName',
  отчество: 'middleName',
  фио: 'name',
  название: 'name',
  класс: 'class',
  'классный руководитель': 'teacher',
  предметы: 'lessons',
  группы: 'groups',
  дети: 'children',
  администратор: 'admin',
};

/**
 * One CSV table, a row per record: a `type` column (school, class, teacher,
 * pupil, parent; or in Russian), then id, name parts, class, teacher (of a
 * class), lessons, groups, children, admin. Comma or semicolon separated.
 */
export function parseCsv(text: string): Directory {
  let rows: Record<string, string>[];
  try {
    rows = parseCsvText(text.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) =>
        header.map((h) => {
          const k = h.trim().toLocaleLowerCase('ru').replace(/ё/g, 'е');
          return COLUMN_KEYS[k] ?? k;
        }),
      delimiter: [',', ';'],
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    });
  } catch (err) {
    throw new DirectoryFileError([`not a readable CSV table: ${(err as Error).message}`]);
  }
  const raw: Record<string, Raw[]> & { school?: Raw } = {
    classes: [],
    teachers: [],
    pupils: [],
    parents: [],
  };
  const rowOf = new Map<string, number>();
  const problems: string[] = [];
  rows.forEach((row, i) => {
    const type = TYPES[(row.type ?? '').toLocaleLowerCase('ru')];
    if (!type) {
      problems.push(`row ${i + 2}: type must be school, class, teacher, pupil or parent`);
      return;
    }
    const record: Raw = {};
    for (const [k, v] of Object.entries(row)) if (v !== '') record[k] = v;
    if (type === 'school') {
      raw.school = record;
      return;
    }
    rowOf.set(`${type}:${raw[type]!.length}`, i + 2);
    raw[type]!.push(record);
  });
  if (problems.length) throw new DirectoryFileError(problems);
  return directoryFromRecords(raw, (kind, index) => `row ${rowOf.get(`${kind}:${index}`) ?? '?'}`);
}

export function parseJson(text: string): Directory {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new DirectoryFileError([`not valid JSON: ${(err as Error).message}`]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DirectoryFileError(['the file must be a JSON object with school, classes, teachers...']);
  }
  return directoryFromRecords(raw as Raw);
}

/** JSON when it looks like JSON, CSV otherwise. */
export function parseSchoolFile(text: string): Directory {
  return /^\s*[{[]/.test(text.replace(/^\uFEFF/, '')) ? parseJson(text) : parseCsv(text);
}
