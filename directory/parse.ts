// Reads the school's structure exported from the e-journal, as JSON or CSV,
// into a Directory, checking everything before anything is stored: every
// problem is listed in Russian with where it is (a CSV row, a record's
// number) and whom or which class it is about, so the school's IT person
// fixes the file in one go. Ids may be in Cyrillic ("6А"), as journals write
// classes.
// Over 400 lines: the JSON and CSV readers share every check and message, so
// both formats refuse the same file the same way.
import { createHash } from 'node:crypto';
import { parse as parseCsvText } from 'csv-parse/sync';
import { badTextIn } from '../common/protocol/textRule.js';
import { decodeSchoolFile } from './fileText.js';
import type { Directory, Lesson, Parent, Person, Pupil, SchoolClass, Teacher } from './model.js';

export class DirectoryFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`ошибок в файле школы: ${problems.length}: ${problems.slice(0, 5).join('; ')}`);
  }
}

export const ID_PATTERN = /^[\p{L}\p{N}_.:@-]{1,128}$/u;
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
  if (!name) problems.push(`${where}: нет имени (нужны фамилия и имя или ФИО)`);
  // The one text rule for names (textRule.ts): a NUL failed deep in PostgreSQL
  // as an internal error, a direction control turned a list around.
  else if (badTextIn(name, '', 0, true) || badTextIn(sort, '', 0, true))
    problems.push(`${where}: в имени невидимый или управляющий знак`);
  else if (name.length > NAME_MAX || sort.length > NAME_MAX)
    problems.push(`${where}: имя длиннее ${NAME_MAX} знаков`);
  return { name, sort };
}

const WHAT_ID: Record<string, string> = { id: 'ид', class: 'класс' };

/** The digits of a document number (СНИЛС, passport), hashed: the number itself is never stored. */
export function documentHash(number: string): string {
  const digits = number.replace(/\D/g, '');
  return digits ? createHash('sha256').update(`school-call-document:${digits}`).digest('hex') : '';
}

/** E-mail, phone and document of a person, for matching the school's single sign-on. */
function contactsOf(
  raw: Raw,
  where: string,
  problems: string[],
): Pick<Person, 'email' | 'phone' | 'document'> {
  const out: Pick<Person, 'email' | 'phone' | 'document'> = {};
  const text = (k: string) =>
    typeof raw[k] === 'string' || typeof raw[k] === 'number' ? String(raw[k]).trim() : '';
  const email = text('email');
  if (email) {
    if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) out.email = email.toLowerCase();
    else problems.push(`${where}: «${email}» не похоже на адрес эл. почты`);
  }
  const phone = text('phone');
  if (phone) {
    const digits = phone.replace(/\D/g, '');
    const normal =
      digits.length === 11 && /^[78]/.test(digits)
        ? `+7${digits.slice(1)}`
        : digits.length === 10
          ? `+7${digits}`
          : phone.startsWith('+') && digits.length >= 10
            ? `+${digits}`
            : '';
    if (normal) out.phone = normal;
    else problems.push(`${where}: «${phone}» не похоже на номер телефона`);
  }
  const doc = text('document');
  // A journal may already give the hash (64 hex digits).
  if (doc) out.document = /^[0-9a-f]{64}$/.test(doc) ? doc : documentHash(doc);
  return out;
}

function idOf(raw: Raw, key: string, where: string, problems: string[]): string {
  const v = key === 'class' && raw.class === undefined ? raw.classId : raw[key];
  const id = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (!id) problems.push(`${where}: не указан ${WHAT_ID[key] ?? key}`);
  else if (!ID_PATTERN.test(id))
    problems.push(
      `${where}: ${WHAT_ID[key] ?? key} «${id}» может содержать только буквы, цифры и знаки . _ : @ -`,
    );
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
    problems.push(`${where}: предметы должны быть списком`);
    return [];
  }
  return v.map((l, i) => {
    const r = (l ?? {}) as Raw;
    const subject = typeof r.subject === 'string' ? r.subject.trim() : '';
    if (!subject || subject.length > NAME_MAX)
      problems.push(`${where}, предмет №${i + 1}: нет названия предмета`);
    const classId = idOf(r, 'class', `${where}, предмет №${i + 1}`, problems);
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
      problems.push(`${where}: предметы пишутся так: «Математика: 5А 6Б | Английский язык: 5А/англ-1»`);
      continue;
    }
    for (const target of part
      .slice(colon + 1)
      .split(/[\s,]+/)
      .filter(Boolean)) {
      const [classId = '', group = ''] = target.split('/');
      if (!ID_PATTERN.test(classId)) problems.push(`${where}: «${target}» не похоже на класс`);
      out.push({ subject, classId, group });
    }
  }
  return out;
}

function list(raw: Raw, key: string, problems: string[]): Raw[] {
  const v = raw[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problems.push(`${KIND_RU[key] ?? key}: должен быть список`);
    return [];
  }
  return v.map((x) => (typeof x === 'object' && x !== null ? (x as Raw) : {}));
}

const KIND_RU: Record<string, string> = {
  classes: 'класс',
  teachers: 'учитель',
  pupils: 'ученик',
  parents: 'родитель',
};

/** Builds and checks a Directory from plain records (JSON, or CSV rows turned into records). */
export function directoryFromRecords(
  raw: Raw,
  where: (kind: string, index: number) => string = (k, i) => `${KIND_RU[k] ?? k} №${i + 1}`,
): Directory {
  const problems: string[] = [];
  const schoolRaw = (typeof raw.school === 'object' && raw.school ? raw.school : {}) as Raw;
  const school = {
    id: idOf(schoolRaw, 'id', 'школа', problems),
    name: typeof schoolRaw.name === 'string' ? schoolRaw.name.trim() : '',
  };
  if (!school.name) problems.push('школа: нет названия школы');

  const places = new Map<object, string>();
  const classes: SchoolClass[] = list(raw, 'classes', problems).map((c, i) => {
    const w = where('classes', i);
    const out = {
      id: idOf(c, 'id', w, problems),
      name: typeof c.name === 'string' && c.name.trim() ? c.name.trim() : String(c.id ?? ''),
      teacher: typeof c.teacher === 'string' ? c.teacher.trim() : '',
    };
    places.set(out, w);
    return out;
  });
  const person = (r: Raw, w: string): Person => ({
    id: idOf(r, 'id', w, problems),
    ...nameOf(r, w, problems),
    ...contactsOf(r, w, problems),
  });
  const teachers: Teacher[] = list(raw, 'teachers', problems).map((t, i) => {
    const w = where('teachers', i);
    const out = {
      ...person(t, w),
      admin: t.admin === true || t.admin === 'true' || t.admin === '1' || t.admin === 'да',
      lessons: lessonsOf(t.lessons, w, problems),
    };
    places.set(out, w);
    return out;
  });
  const pupils: Pupil[] = list(raw, 'pupils', problems).map((p, i) => {
    const w = where('pupils', i);
    const out = { ...person(p, w), classId: idOf(p, 'class', w, problems), groups: idList(p.groups) };
    places.set(out, w);
    return out;
  });
  const parents: Parent[] = list(raw, 'parents', problems).map((p, i) => {
    const w = where('parents', i);
    const out = { ...person(p, w), children: idList(p.children) };
    places.set(out, w);
    return out;
  });
  const d: Directory = { school, classes, teachers, pupils, parents };
  problems.push(...crossCheck(d, (x) => places.get(x) ?? ''));
  if (problems.length) throw new DirectoryFileError(problems);
  return d;
}

/** References between records: unique ids, classes that exist, children who are pupils. */
function crossCheck(d: Directory, placeOf: (record: object) => string): string[] {
  const problems: string[] = [];
  const who = (p: Person) => `${placeOf(p)} (${p.name})`;
  const total = d.teachers.length + d.pupils.length + d.parents.length;
  if (total > PEOPLE_MAX) problems.push(`в одной школе не больше ${PEOPLE_MAX} человек`);
  const classIds = new Set<string>();
  for (const c of d.classes) {
    if (classIds.has(c.id)) problems.push(`${placeOf(c)}: класс ${c.name} записан дважды`);
    classIds.add(c.id);
  }
  const seen = new Map<string, Person>();
  for (const p of [...d.teachers, ...d.pupils, ...d.parents]) {
    const first = seen.get(p.id);
    if (first) problems.push(`${who(p)}: ид ${p.id} уже есть у ${first.name} (${placeOf(first)})`);
    else seen.set(p.id, p);
  }
  const teacherIds = new Set(d.teachers.map((t) => t.id));
  const pupilIds = new Set(d.pupils.map((p) => p.id));
  for (const c of d.classes) {
    if (c.teacher && !teacherIds.has(c.teacher))
      problems.push(
        `${placeOf(c)}: классный руководитель ${c.name} (ид ${c.teacher}) не найден среди учителей`,
      );
  }
  for (const t of d.teachers) {
    for (const l of t.lessons) {
      if (!classIds.has(l.classId))
        problems.push(`${who(t)}: ведёт ${l.subject} в классе ${l.classId}, но такого класса в файле нет`);
    }
  }
  for (const p of d.pupils) {
    if (!classIds.has(p.classId)) problems.push(`${who(p)}: класса ${p.classId} в файле нет`);
  }
  for (const p of d.parents) {
    if (p.children.length === 0) problems.push(`${who(p)}: не указаны дети`);
    for (const c of p.children) {
      if (!pupilIds.has(c)) problems.push(`${who(p)}: ребёнок с ид ${c} не найден среди учеников`);
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
  телефон: 'phone',
  'e-mail': 'email',
  'эл. почта': 'email',
  'электронная почта': 'email',
  почта: 'email',
  документ: 'document',
  снилс: 'document',
};

/**
 * One CSV table, a row per record: a `type` column (school, class, teacher,
 * pupil, parent; or in Russian), then id, name parts, class, teacher (of a
 * class), lessons, groups, children, admin. Comma or semicolon separated.
 */
/** The school a file is imported into, whatever its own school row says (the admin's screen). */
export interface IntoSchool {
  id: string;
  name: string;
}

function intoSchool(raw: Raw, into: IntoSchool | undefined): Raw {
  if (!into) return raw;
  const own = (typeof raw.school === 'object' && raw.school ? raw.school : {}) as Raw;
  // The journal's own school id is not this school's id on the server (the
  // setup code made that one, and SSO settings name it): a different id is
  // refused rather than ignored, so nobody copies it into the SSO file believing it.
  const ownId = typeof own.id === 'string' ? own.id.trim() : '';
  if (ownId && ownId !== into.id) {
    throw new DirectoryFileError([
      `школа: в файле номер школы «${ownId}», а у этой школы на сервере номер «${into.id}» (он написан на экране «Управление школой»); впишите его в строку школы или уберите номер из неё`,
    ]);
  }
  const name = typeof own.name === 'string' && own.name.trim() ? own.name : into.name;
  return { ...raw, school: { id: into.id, name } };
}

export function parseCsv(text: string, into?: IntoSchool): Directory {
  let rows: Record<string, string>[];
  try {
    rows = parseCsvText(text.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) =>
        header.map((h) => {
          const k = h.trim().toLocaleLowerCase('ru').replace(/ё/g, 'е');
          return COLUMN_KEYS[k] ?? k;
        }),
      delimiter: [',', ';', '\t'],
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    });
  } catch (err) {
    throw new DirectoryFileError([`файл не читается как таблица CSV: ${(err as Error).message}`]);
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
      problems.push(
        `строка ${i + 2}: тип «${row.type ?? ''}» не понятен; нужен школа, класс, учитель, ученик или родитель`,
      );
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
  return directoryFromRecords(
    intoSchool(raw, into),
    (kind, index) => `строка ${rowOf.get(`${kind}:${index}`) ?? '?'}`,
  );
}

export function parseJson(text: string, into?: IntoSchool): Directory {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new DirectoryFileError([`файл не читается как JSON: ${(err as Error).message}`]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DirectoryFileError([
      'в файле JSON нужен объект с полями school, classes, teachers, pupils, parents',
    ]);
  }
  return directoryFromRecords(intoSchool(raw as Raw, into));
}

/** JSON when it looks like JSON, CSV otherwise; bytes are decoded first (UTF-8, UTF-16 or Windows-1251). */
export function parseSchoolFile(file: string | Uint8Array, into?: IntoSchool): Directory {
  const text = typeof file === 'string' ? file : decodeSchoolFile(file).text;
  return /^\s*[{[]/.test(text.replace(/^\uFEFF/, '')) ? parseJson(text, into) : parseCsv(text, into);
}
