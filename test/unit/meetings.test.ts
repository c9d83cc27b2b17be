import { describe, expect, it } from 'vitest';
import {
  invitationText,
  isValidTimeZone,
  occurrences,
  parseLocal,
  zonedToUtc,
} from '../../signaling/domain/meetings.js';

describe('scheduled meetings', () => {
  it('turn a wall-clock time in a time zone into the right instant', () => {
    expect(zonedToUtc(2026, 12, 1, 9, 0, 'Europe/Moscow').toISOString()).toBe('2026-12-01T06:00:00.000Z');
    expect(zonedToUtc(2026, 7, 1, 9, 0, 'Europe/Berlin').toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(zonedToUtc(2026, 1, 15, 9, 0, 'Europe/Berlin').toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(zonedToUtc(2026, 3, 2, 8, 30, 'Asia/Vladivostok').toISOString()).toBe('2026-03-01T22:30:00.000Z');
  });

  it('keep a weekly lesson at the same local time across a daylight-saving change', () => {
    // Europe/Berlin leaves summer time on 2026-10-25.
    const starts = occurrences({
      title: 'Maths',
      startsAtLocal: '2026-10-19T09:00',
      durationMinutes: 45,
      timeZone: 'Europe/Berlin',
      weeklyCount: 3,
    });
    expect(starts.map((d) => d.toISOString())).toEqual([
      '2026-10-19T07:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
      '2026-11-02T08:00:00.000Z',
    ]);
  });

  it('reject impossible dates and unknown time zones', () => {
    expect(parseLocal('2026-02-30T09:00')).toBeNull();
    expect(parseLocal('2026-02-10 09:00')).toBeNull();
    expect(parseLocal('2026-02-10T24:00')).toBeNull();
    expect(isValidTimeZone('Europe/Moscow')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('write an invitation with the short link, code and password', () => {
    const text = invitationText(
      {
        title: 'Parents’ meeting 7B',
        startsAtLocal: '2026-12-01T18:30',
        durationMinutes: 60,
        timeZone: 'Europe/Moscow',
        weeklyCount: 4,
        language: 'en',
      },
      { shortLink: 'https://school.example/j/148-118-3', code: '148-118-3', password: 'MKD73H' },
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('Parents’ meeting 7B');
    // The date's punctuation follows the platform's locale data.
    expect(lines[1]).toMatch(/^Tuesday,? 1 December 2026, 18:30–19:30 \(Moscow, UTC\+3\)$/);
    expect(lines.slice(2)).toEqual([
      'Every Tuesday, 4 times',
      '',
      'Join: https://school.example/j/148-118-3',
      'Meeting code: 148-118-3',
      'Password: MKD73H',
    ]);
  });

  it('write the invitation in Russian unless the meeting says otherwise', () => {
    const meeting = {
      title: 'Родительское собрание 7Б',
      startsAtLocal: '2026-12-02T18:30',
      durationMinutes: 60,
      timeZone: 'Europe/Moscow',
      weeklyCount: 3,
    };
    const join = { shortLink: 'https://school.example/j/148-118-3', code: '148-118-3', password: 'MKD73H' };
    const lines = invitationText(meeting, join).split('\n');
    expect(lines[0]).toBe('Родительское собрание 7Б');
    expect(lines[1]).toMatch(/^среда, 2 декабря 2026( г\.)?, 18:30–19:30 \(Москва, UTC\+3\)$/);
    expect(lines.slice(2)).toEqual([
      'По средам, 3 раза',
      '',
      'Войти: https://school.example/j/148-118-3',
      'Код встречи: 148-118-3',
      'Пароль (латинские буквы и цифры): MKD73H',
    ]);
    expect(invitationText({ ...meeting, weeklyCount: 5 }, join)).toContain('По средам, 5 раз');
    expect(invitationText({ ...meeting, weeklyCount: 1 }, join)).not.toContain('По средам');
  });
});

describe('time zones in words', () => {
  it('name the zone and its offset on the day, never the IANA id', async () => {
    const { zoneText, utcOffsetText } = await import('../../common/timeZones.js');
    expect(zoneText('Europe/Moscow', 'ru')).toBe('Москва, UTC+3');
    expect(zoneText('Asia/Vladivostok', 'en')).toBe('Vladivostok, UTC+10');
    expect(zoneText('Asia/Kolkata', 'ru')).toBe('UTC+5:30');
    // Berlin in winter and in summer: the offset of that day.
    expect(utcOffsetText('Europe/Berlin', Date.UTC(2026, 0, 15))).toBe('UTC+1');
    expect(utcOffsetText('Europe/Berlin', Date.UTC(2026, 6, 15))).toBe('UTC+2');
    expect(utcOffsetText('America/New_York', Date.UTC(2026, 0, 15))).toBe('UTC\u22125');
  });
});
