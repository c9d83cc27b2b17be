// How a person's name looks on a screen, for two jobs: names stored or shown
// carry no invisible characters (`visibleName`), and a self-chosen name that
// reads as someone else's is recognised however it is spelt (`readsAs`):
// styled letters, invisible characters, accents, case, ё/е, Latin letters
// that look Cyrillic, the words in another order, and initials.

// Unicode's default-ignorable code points (U+034F, U+17B4, U+200B, bidi
// controls, variation selectors, tags…) and other format characters: they
// draw nothing (or reorder what is drawn). Dropping a zero-width space joins
// the words it stood between, as the screen shows them.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

/** The name without invisible characters, spaces collapsed and trimmed. */
export function visibleName(name: string): string {
  return name.replace(INVISIBLE, '').replace(/\s+/gu, ' ').trim();
}

// Latin letters that look like Russian ones (after folding case); the role
// words check (signaling/security/displayNames.ts) maps both ways with it.
export const LATIN_TO_CYRILLIC: Readonly<Record<string, string>> = {
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

// For names also the Latin i, which looks like the Ukrainian і.
const LATIN_LOOKALIKES: Record<string, string> = { ...LATIN_TO_CYRILLIC, i: 'і' };

/** A name's words as the eye reads them: one key per word, in the order written. */
export function lookWords(name: string): string[] {
  const folded = name
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '') // accents; also ё → е and й → и, which look nearly the same
    .toLowerCase();
  const mapped = [...folded].map((ch) => LATIN_LOOKALIKES[ch] ?? ch).join('');
  return mapped.split(/[^\p{L}]+/u).filter(Boolean);
}

const firstLetter = (w: string) => [...w][0] ?? '';
const isInitial = (w: string) => [...w].length === 1;

/**
 * Whether `name` reads as `other`: word for word the same, in any order,
 * where a word may be an initial of the other's, and at least one whole word
 * is the same. "Попов Иван Иванович", "Попов И. И." and "И. И. Попов" read
 * as "Иван Иванович Попов"; "Иван Попов" and "Иван Попов, папа Коли" do not.
 */
export function readsAs(name: string, other: string): boolean {
  return sameWords(lookWords(name), lookWords(other));
}

function sameWords(mine: string[], theirs: string[]): boolean {
  if (mine.length === 0 || mine.length !== theirs.length) return false;
  // Whole words first.
  const left = [...theirs];
  const rest: string[] = [];
  let whole = 0;
  for (const w of mine) {
    const i = left.indexOf(w);
    if (i >= 0) {
      left.splice(i, 1);
      whole++;
    } else rest.push(w);
  }
  if (whole === 0) return false;
  // Then initials, by first letter: my initial takes any word of theirs with
  // that letter; my whole word takes only an initial of theirs.
  const count = (words: string[], letter: string, initial: boolean) =>
    words.filter((w) => firstLetter(w) === letter && isInitial(w) === initial).length;
  for (const letter of new Set(rest.map(firstLetter))) {
    const myInitials = count(rest, letter, true);
    const myWords = count(rest, letter, false);
    const theirInitials = count(left, letter, true);
    const theirWords = count(left, letter, false);
    if (myWords > theirInitials || myInitials + myWords > theirInitials + theirWords) return false;
  }
  return true;
}
