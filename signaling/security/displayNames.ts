// Names people choose for themselves (guests by code, the demo room) may not
// dress up as a role: "Teacher (host)" or "Учитель" would look like the
// teacher to a class. Roles come from the server; a name that imitates one
// is refused. Names a school's own system sends are trusted as they are.

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
];

// Letters that look alike across the two alphabets, so "Учитeль" with a Latin
// e and "hоst" with a Cyrillic о are caught.
const LATIN_TO_CYRILLIC: Record<string, string> = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'н',
  k: 'к',
  m: 'м',
  o: 'о',
  p: 'р',
  t: 'т',
  x: 'х',
  y: 'у',
};
const CYRILLIC_TO_LATIN: Record<string, string> = Object.fromEntries(
  Object.entries(LATIN_TO_CYRILLIC).map(([latin, cyrillic]) => [cyrillic, latin]),
);

const WORDS = new Set(ROLE_WORDS);

function words(text: string, map: Record<string, string>): string[] {
  const mapped = [...text].map((ch) => map[ch] ?? ch).join('');
  return mapped.split(/[^\p{L}]+/u).filter(Boolean);
}

/** Whether a self-chosen name contains a word that names a role. */
export function imitatesRole(name: string): boolean {
  // NFKC folds full-width and styled letters; invisible format characters go.
  const plain = name
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .toLowerCase();
  return [{}, LATIN_TO_CYRILLIC, CYRILLIC_TO_LATIN].some((map) =>
    words(plain, map).some((w) => WORDS.has(w)),
  );
}
