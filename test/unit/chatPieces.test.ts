// Small pieces of the messenger on their own: byte ranges, reactions as
// pictures, message text limits, a quiz's hidden answer, sort keys.
import { describe, expect, it } from 'vitest';
import { parseRange } from '../../messaging/files/downloads.js';
import { type StoredMessage, messageToWire } from '../../messaging/records.js';
import { nameKey, userIdOfNameKey } from '../../messaging/store/chatStore.js';
import { emoji, messageText } from '../../messaging/validate.js';

describe('HTTP Range', () => {
  it('reads one range, suffixes and open ends; refuses what lies beyond', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=990-2000', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-1', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeNull();
    expect(parseRange('items=0-1', 1000)).toBeNull();
  });
});

describe('field checks', () => {
  it('a reaction is one emoji, not a word', () => {
    for (const ok of ['👍', '❤️', '🇷🇺', '👍🏽', '🎉']) expect(emoji(ok)).toBe(ok);
    for (const bad of ['like', 'ok👍', '', ' ', '1', 'да']) expect(() => emoji(bad)).toThrow();
  });

  it('counts characters, not UTF-16 units or bytes', () => {
    expect(messageText('я'.repeat(10), 10, false)).toHaveLength(10);
    expect(() => messageText('я'.repeat(11), 10, false)).toThrow(/at most 10/);
    expect(messageText('😀'.repeat(10), 10, false)).toBe('😀'.repeat(10));
    expect(() => messageText('   ', 10, false)).toThrow(/empty/);
  });
});

describe('messages on the wire', () => {
  const quiz: StoredMessage = {
    seq: 5,
    rev: 9,
    at: 1,
    kind: 'poll',
    from: 't',
    name: 'Учитель',
    text: '',
    poll: {
      q: '2+2',
      opts: [
        { t: '3', n: 0 },
        { t: '4', n: 1 },
      ],
      anon: true,
      multi: false,
      closesAt: 0,
      closed: false,
      quiz: true,
      correct: 1,
      voters: 1,
    },
  };

  it('a quiz shows its answer to those who voted and once closed, to nobody else', () => {
    expect(messageToWire('c', quiz).poll!.correctOption).toBe(-1);
    expect(messageToWire('c', quiz, { reactions: [], votes: [], important: false }).poll!.correctOption).toBe(
      -1,
    );
    expect(
      messageToWire('c', quiz, { reactions: [], votes: [0], important: false }).poll!.correctOption,
    ).toBe(1);
    expect(messageToWire('c', { ...quiz, poll: { ...quiz.poll!, closed: true } }).poll!.correctOption).toBe(
      1,
    );
  });

  it('reads the empty lists Lua writes as {}', () => {
    const fromLua = { ...quiz, mentions: {} as never, rx: {} };
    const wire = messageToWire('c', fromLua);
    expect(wire.mentions).toEqual([]);
    expect(wire.reactions).toEqual([]);
  });
});

describe('members by surname', () => {
  it('sorts case-blind in Russian alphabetical order (ё with е) and keeps the id', () => {
    const keys = ['Яковлева', 'абрамов', 'Ёлкин', 'Борисов'].map((sort, i) =>
      nameKey({ id: `u${i}`, name: sort, sort, role: 'student', school: 's' }),
    );
    expect(keys.map(userIdOfNameKey)).toEqual(['u0', 'u1', 'u2', 'u3']);
    expect([...keys].sort().map(userIdOfNameKey)).toEqual(['u1', 'u3', 'u2', 'u0']);
  });
});
