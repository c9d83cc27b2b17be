// How names are compared "as the eye reads them" and cleaned of invisible
// characters (common/nameLook.ts), on the spellings #21's re-run got past.
import { describe, expect, it } from 'vitest';
import { readsAs, visibleName } from '../../common/nameLook.js';

const TEACHER = 'Иван Иванович Попов';

describe('readsAs', () => {
  it('catches invisible characters, accents, look-alike letters, the other word order and initials', () => {
    for (const fake of [
      'Ив\u034fан Иванович Попов',
      'Ив\u17b4ан Иванович Попов',
      'Иван\u2060 Иванович\u180e Попов\u{e0041}',
      'Ив\u0301ан Иванович Попов',
      'ИВАН иванович ПОПОВ',
      'Попов Иван Иванович',
      'Попoв Иван Ивaнович',
      'Попов И. И.',
      'И. И. Попов',
      'И.И.Попов',
      // #21 report 2 residuals: a zero-width space as the only separator, a
      // Braille blank inside a word or between words, the name transliterated.
      'Иван\u200bИванович Попов',
      'Иван\u200bИванович\u200bПопов',
      'Ив\u2800ан Иванович Попов',
      'Иван\u2800Иванович\u2800Попов',
      'Ivan Ivanovich Popov',
      'POPOV Ivan Ivanovich',
      'Popov I. I.',
      // #21 report 3: Greek letters that look Russian; report 4: other scripts
      // (Armenian, Coptic, small capitals) and look-alikes inside the Latin spelling.
      'Иван Иванович Пοпοв',
      'Иван Иванович ΠΟΠΟΒ',
      'Иван Иванович Пօпօв',
      'Иван Иванович Пⲟпⲟв',
      'Иван Иванович Пᴏпᴏв',
      'Ivan Ivanovich Pοpοv',
      'IVAN IVANOVICH ΡΟΡΟV',
      'Іvаn Іvаnоviсh Рорov',
    ]) {
      expect(readsAs(fake, TEACHER), fake).toBe(true);
    }
    expect(readsAs('Алёна Попова', 'Алена Попова')).toBe(true);
    expect(readsAs('Olga Kuznetsova', 'Ольга Кузнецова')).toBe(true);
    expect(readsAs('Yuliya Shchukina', 'Юлия Щукина')).toBe(true);
  });

  it('lets other names through, and names with something added', () => {
    for (const other of [
      'Иван Попов',
      'Иван Иванович Попов, папа Коли',
      'Пётр Иванович Попов',
      'И. И. П.',
      'Ивановна Иван Попова',
      'Мама Пети',
      // The patronymic dropped stays allowed on purpose: many people are called so.
      'Попов Иван',
      'Ivan Popov',
      'Ivan Petrovich Popov',
      'Иван\u200bИванович Попов Коли',
    ]) {
      expect(readsAs(other, TEACHER), other).toBe(false);
    }
  });

  it('takes an initial for one word only', () => {
    expect(readsAs('Попов И. И.', 'Иван Петрович Попов')).toBe(false);
    expect(readsAs('Попов И. П.', 'Иван Петрович Попов')).toBe(true);
  });
});

describe('visibleName', () => {
  it('drops what draws nothing and keeps the rest', () => {
    expect(visibleName(' Ма\u034fша\u00ad\u200b  Иванова\u202e\ufe0f ')).toBe('Маша Иванова');
    expect(visibleName('\u200b\u034f\u17b4')).toBe('');
    expect(visibleName('Анна-Мария Д’Артаньян')).toBe('Анна-Мария Д’Артаньян');
  });
});
