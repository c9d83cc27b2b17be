// Names people choose for themselves (guests by code, the demo room,
// viewers' comments) pass one check, `guestNameProblem`: written in the
// letters people here write names with, not dressed up as a role ("Teacher
// (host)" or "Учитель" would look like the teacher to a class: roles come
// from the server), and not reading as the name of one of the room's own
// people. Names a school's own system sends are trusted as they are.

import {
  LATIN_TO_CYRILLIC,
  baseCyrillic,
  inNameLetters,
  readsAs,
  visibleName,
} from '../../common/nameLook.js';

// Whole words, in both interface languages; plural and feminine forms too.
const ROLE_WORDS = [
  'host',
  'hosts',
  'cohost',
  'teacher',
  'moderator',
  'admin',
  'administrator',
  'organizer',
  'organiser',
  'presenter',
  'учитель',
  'учительница',
  'преподаватель',
  'преподавательница',
  'педагог',
  'ведущий',
  'ведущая',
  'организатор',
  'соорганизатор',
  'модератор',
  'администратор',
  'админ',
  'хост',
  'завуч',
  'директор',
  'директриса',
  'дирекция',
  // The school itself and its offices speak with authority too (#21 report 8).
  'руководитель',
  'руководительница',
  'классрук',
  'школа',
  'школы',
  'администрация',
  'администрации',
  'поддержка',
  'поддержки',
  'school',
  'administration',
  'support',
];

// Letters that look alike across the two alphabets (common/nameLook.ts), so
// "Учитeль" with a Latin e and "hоst" with a Cyrillic о are caught.
const CYRILLIC_TO_LATIN: Record<string, string> = Object.fromEntries(
  Object.entries(LATIN_TO_CYRILLIC).map(([latin, cyrillic]) => [cyrillic, latin]),
);

const WORDS = new Set(ROLE_WORDS);

function words(text: string, map: Record<string, string>): string[] {
  const mapped = [...text].map((ch) => map[ch] ?? ch).join('');
  return mapped.split(/[^\p{L}]+/u).filter(Boolean);
}

/** NFKC folds full-width and styled letters; invisible characters go; «Учитеӆь» reads as «Учитель». */
function plainText(name: string): string {
  return baseCyrillic(visibleName(name.normalize('NFKC'))).toLowerCase();
}

/** Whether a self-chosen name contains a word that names a role. */
export function imitatesRole(name: string): boolean {
  const plain = plainText(name);
  return [{}, LATIN_TO_CYRILLIC, CYRILLIC_TO_LATIN].some((map) =>
    words(plain, map).some((w) => WORDS.has(w)),
  );
}

/**
 * Whether a self-chosen name reads as one of `others` (the names of the
 * school's own people in the lesson): a guest may not appear as the teacher,
 * since tiles and the lesson chat show only the name. How names are compared
 * (invisible characters, look-alike letters, word order, initials) is
 * `common/nameLook.ts`.
 */
export function readsAsAnother(name: string, others: Iterable<string>): boolean {
  for (const other of others) if (readsAs(name, other)) return true;
  return false;
}

/** Why a self-chosen name is refused: empty, letters of other scripts, a role's word, another's name. */
export type GuestNameProblem = 'name_empty' | 'name_letters' | 'name_role' | 'name_of_another';

/**
 * The one check of every name that arrives from someone without an account
 * (join by code, the demo room, viewers' comments; Membership.join again at
 * the room's home): null when `name` may be used beside `others` (the
 * names of the room's own people: its host, teachers, pupils, the staff expected).
 */
export function guestNameProblem(name: string, others: Iterable<string>): GuestNameProblem | null {
  if (!visibleName(name)) return 'name_empty';
  if (!inNameLetters(name)) return 'name_letters';
  if (imitatesRole(name)) return 'name_role';
  if (readsAsAnother(name, others)) return 'name_of_another';
  return null;
}
