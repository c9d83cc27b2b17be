// The web client's translations: Russian first, every key in English too with
// the same {placeholders}, plural forms chosen by Intl.PluralRules, and every
// server error or close reason shown as our own sentence.
import { describe, expect, it } from 'vitest';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { en } from '../../web/src/i18n/en.js';
import { lang, setLang, translate } from '../../web/src/i18n/index.js';
import { ru } from '../../web/src/i18n/ru.js';
import { CLOSE_OUTCOME, END_TEXT, errorText, joinErrorOutcome } from '../../web/src/i18n/serverText.js';
import { RequestError } from '../../web/src/protocol/signalingClient.js';

import pb = schoolcall.v1;

const placeholders = (entry: unknown) =>
  [...new Set(JSON.stringify(entry).match(/\{\w+\}/g) ?? [])].sort().join(',');

describe('translations', () => {
  it('Russian is the default and English has every key with the same placeholders', () => {
    expect(lang.value).toBe('ru');
    for (const key of Object.keys(ru) as (keyof typeof ru)[]) {
      expect(en[key], key).toBeTruthy();
      expect(placeholders(en[key]), key).toBe(placeholders(ru[key]));
      // No English in Russian, but the switch's own label and the placeholders.
      const texts: string[] = typeof ru[key] === 'string' ? [ru[key] as string] : Object.values(ru[key]);
      for (const text of texts) {
        if (key !== 'lang.switchTo') expect(text.replace(/\{\w+\}/g, ''), key).not.toMatch(/[A-Za-z]{2,}/);
      }
    }
    expect(Object.keys(en).sort()).toEqual(Object.keys(ru).sort());
  });

  it('counts people in Russian plural forms', () => {
    const people = (count: number) => translate('ru', 'header.people', { count });
    expect(people(1)).toBe('1 участник');
    expect(people(2)).toBe('2 участника');
    expect(people(5)).toBe('5 участников');
    expect(people(11)).toBe('11 участников');
    expect(people(21)).toBe('21 участник');
    expect(people(24)).toBe('24 участника');
    expect(translate('ru', 'people.guests', { count: 3 })).toBe('3 гостя');
    expect(translate('ru', 'waitingRoom.toastMany', { count: 5 })).toBe('5 человек ждут входа');
    expect(translate('en', 'header.people', { count: 1 })).toBe('1 participant');
    expect(translate('en', 'header.people', { count: 5 })).toBe('5 participants');
  });

  it('switching language changes what t() says', () => {
    setLang('en');
    expect(translate(lang.value, 'ctl.leave')).toBe('Leave');
    setLang('ru');
    expect(translate(lang.value, 'ctl.leave')).toBe('Выйти');
  });

  it('shows every server error code as our sentence, never the server’s message', () => {
    for (const code of Object.values(pb.ErrorCode).filter((v): v is number => typeof v === 'number')) {
      const text = errorText(new RequestError(code, 'the lesson is locked by the teacher'));
      expect(text).not.toContain('locked by the teacher');
      expect(text).toMatch(/[А-Яа-яЁё]/);
    }
    expect(errorText(new Error('connection closed'))).toBe(ru['common.networkError']);
    expect(joinErrorOutcome(new RequestError(pb.ErrorCode.ERROR_CODE_ROOM_LOCKED, ''))).toBe('locked');
    expect(joinErrorOutcome(new RequestError(pb.ErrorCode.ERROR_CODE_TOKEN_EXPIRED, ''))).toBe('expiredLink');
  });

  it('gives every close reason an end screen or a rejoin', () => {
    for (const reason of Object.values(pb.CloseReason).filter((v): v is number => typeof v === 'number')) {
      const outcome = CLOSE_OUTCOME[reason as pb.CloseReason];
      expect(outcome, String(reason)).toBeTruthy();
      if (outcome !== 'rejoin') expect(ru[END_TEXT[outcome].title]).toBeTruthy();
    }
    expect(CLOSE_OUTCOME[pb.CloseReason.CLOSE_REASON_BANNED]).toBe('banned');
    expect(END_TEXT.banned.action).toBeNull();
    expect(END_TEXT.removed.action).toBe('end.rejoin');
  });
});
