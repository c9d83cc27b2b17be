// A made-up school with Russian names: the demo school that run.sh loads when
// there is no directory yet, and schools of any size for tests and the import
// benchmark. Deterministic: the same arguments give the same school.
import type { Directory, Lesson, Parent, Pupil, SchoolClass, Teacher } from './model.js';

const FIRST_M = [
  'Александр',
  'Дмитрий',
  'Максим',
  'Иван',
  'Артём',
  'Никита',
  'Михаил',
  'Егор',
  'Андрей',
  'Илья',
];
const FIRST_F = [
  'Анна',
  'Мария',
  'Елена',
  'Дарья',
  'Алиса',
  'Полина',
  'Ксения',
  'Софья',
  'Виктория',
  'Ольга',
];
const LAST = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Петров',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Фёдоров',
  'Морозов',
  'Волков',
  'Алексеев',
  'Лебедев',
  'Семёнов',
  'Егоров',
  'Павлов',
  'Козлов',
];
const MIDDLE_M = ['Александрович', 'Сергеевич', 'Петрович', 'Иванович', 'Андреевич'];
const MIDDLE_F = ['Александровна', 'Сергеевна', 'Петровна', 'Ивановна', 'Андреевна'];
const SUBJECTS = ['Математика', 'Русский язык', 'Литература', 'История', 'Английский язык', 'Биология'];
const LETTERS = ['А', 'Б', 'В', 'Г', 'Д', 'Е', 'Ж', 'З', 'И', 'К'];
const LETTER_IDS = 'abcdefghik';

function person(i: number, female: boolean, withMiddle: boolean) {
  const first = (female ? FIRST_F : FIRST_M)[i % 10]!;
  const lastBase = LAST[(i * 7 + Math.floor(i / 10)) % LAST.length]!;
  const last = female ? (lastBase.endsWith('ой') ? `${lastBase.slice(0, -2)}ая` : `${lastBase}а`) : lastBase;
  const middle = withMiddle ? (female ? MIDDLE_F : MIDDLE_M)[i % 5]! : '';
  return {
    name: [first, middle, last].filter(Boolean).join(' '),
    sort: [last, first, middle].filter(Boolean).join(' '),
  };
}

export interface SchoolSize {
  schoolId: string;
  schoolName: string;
  /** Grades from `firstGrade` (5 unless given) upwards, each with `lettersPerGrade` classes (up to 10). */
  grades: number;
  firstGrade?: number;
  lettersPerGrade: number;
  pupilsPerClass: number;
  /** Parents per pupil (1 or 2). */
  parentsPerPupil: number;
}

export function sampleSchool(size: SchoolSize): Directory {
  const classes: SchoolClass[] = [];
  const teachers: Teacher[] = [];
  const pupils: Pupil[] = [];
  const parents: Parent[] = [];
  const s = size.schoolId;
  for (let g = 0; g < size.grades; g++) {
    for (let l = 0; l < size.lettersPerGrade; l++) {
      const n = classes.length;
      const grade = g + (size.firstGrade ?? 5);
      const id = `${grade}${LETTER_IDS[l]}`;
      const teacherId = `${s}-t${n + 1}`;
      classes.push({ id, name: `${grade}${LETTERS[l]}`, teacher: teacherId });
      teachers.push({
        id: teacherId,
        ...person(n * 7 + 3, n % 3 !== 0, true),
        admin: n === 0,
        lessons: [],
      });
    }
  }
  // Each class teacher teaches their subject to their own class and the next one.
  classes.forEach((c, i) => {
    const t = teachers[i]!;
    const subject = SUBJECTS[i % SUBJECTS.length]!;
    const lessons: Lesson[] = [{ subject, classId: c.id, group: '' }];
    const next = classes[(i + 1) % classes.length]!;
    if (next.id !== c.id) lessons.push({ subject, classId: next.id, group: '' });
    t.lessons = lessons;
  });
  let k = 0;
  for (const c of classes) {
    for (let p = 0; p < size.pupilsPerClass; p++, k++) {
      const female = k % 2 === 1;
      const pupilId = `${s}-p${k + 1}`;
      pupils.push({ id: pupilId, ...person(k, female, false), classId: c.id, groups: [] });
      for (let r = 0; r < size.parentsPerPupil; r++) {
        const mother = r === 0;
        const child = person(k, female, false);
        const surname = child.sort.split(' ')[0]!;
        const parentName = person(k + 3 * r + 1, mother, true);
        const first = parentName.name.split(' ');
        const last = mother ? (surname.endsWith('а') ? surname : `${surname}а`) : surname.replace(/а$/, '');
        parents.push({
          id: `${s}-r${k + 1}-${r + 1}`,
          name: `${first[0]} ${first[1]} ${last}`,
          sort: `${last} ${first[0]} ${first[1]}`,
          children: [pupilId],
        });
      }
    }
  }
  return { school: { id: s, name: size.schoolName }, classes, teachers, pupils, parents };
}

/** The demo school: two grades of two classes, a few pupils each, both parents. */
export function demoSchool(): Directory {
  return sampleSchool({
    schoolId: 'demo',
    schoolName: 'Демо-школа № 1',
    grades: 2,
    lettersPerGrade: 2,
    pupilsPerClass: 4,
    parentsPerPupil: 2,
  });
}
