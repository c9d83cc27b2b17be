// Attack report 8: the homework ZIP's entry names came from what pupils
// called their files, so an entry could be `..`, `con`, or carry a direction
// override hiding `.exe`. Each name in the archive is now one name every
// system saves as it is, unique in its folder.
import { describe, expect, it } from 'vitest';
import { SAVED_NAME_MAX_CHARS, savedFileName, uniqueName } from '../../common/savedFileName.js';
import type { AssigneeRecord } from '../../homework/store.js';
import { entryNames } from '../../homework/zip.js';

describe('a name a file is saved under', () => {
  it('holds no path: no separators, no `..` or `.`', () => {
    expect(savedFileName('..')).toBe('file');
    expect(savedFileName('.')).toBe('file');
    expect(savedFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(savedFileName('..\\..\\boot.ini')).toBe('_.._boot.ini');
    expect(savedFileName('C:\\Windows\\win.ini')).toBe('C__Windows_win.ini');
    expect(savedFileName('a/b')).toBe('a_b');
  });

  it('drops controls, bidi controls, zero-width characters and noncharacters, so the real extension shows', () => {
    expect(savedFileName('report\u202efdp.exe')).toBe('reportfdp.exe');
    expect(savedFileName('a\u2066b\u2069.pdf')).toBe('ab.pdf');
    expect(savedFileName('a\u200fb\u200e.pdf')).toBe('ab.pdf');
    expect(savedFileName('до\u200bклад\ufeff.docx')).toBe('доклад.docx');
    expect(savedFileName('a\u0000b\u001b\u007f\u0085\ufffe.txt')).toBe('ab.txt');
    expect(savedFileName('a\ud800b.txt')).toBe('ab.txt');
    expect(savedFileName('строка\tс\nпереводом.txt')).toBe('строка с переводом.txt');
    expect(savedFileName('\u202e')).toBe('file');
  });

  it('is no Windows reserved name, with an extension or without, in any case', () => {
    for (const n of ['con', 'CON', 'prn', 'aux', 'Nul', 'com1', 'COM9', 'lpt1', 'LPT9', 'com¹'])
      expect(savedFileName(n)).toBe(`_${n}`);
    expect(savedFileName('con.txt')).toBe('_con.txt');
    expect(savedFileName('NUL.tar.gz')).toBe('_NUL.tar.gz');
    expect(savedFileName('con .txt')).toBe('_con .txt');
    // Names that only begin like one are left as they are.
    expect(savedFileName('console.log')).toBe('console.log');
    expect(savedFileName('com10.txt')).toBe('com10.txt');
    expect(savedFileName('Конспект.pdf')).toBe('Конспект.pdf');
  });

  it('ends in no dot or space, starts with none, and keeps what Windows refuses out', () => {
    expect(savedFileName('отчёт.pdf. . ')).toBe('отчёт.pdf');
    expect(savedFileName('  .hidden')).toBe('hidden');
    expect(savedFileName('что? «где»: <когда>|*.txt')).toBe('что_ «где»_ _когда___.txt');
    expect(savedFileName('a   b.txt')).toBe('a b.txt');
  });

  it('is capped in length, keeping a short extension', () => {
    const long = savedFileName(`${'Ж'.repeat(300)}.pdf`);
    expect([...long]).toHaveLength(SAVED_NAME_MAX_CHARS);
    expect(long.endsWith('Ж.pdf')).toBe(true);
    const emoji = savedFileName('😀'.repeat(300));
    expect([...emoji]).toHaveLength(SAVED_NAME_MAX_CHARS);
    expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('is made unique as «имя (2).pdf», whatever the case', () => {
    const used = new Set<string>();
    expect(uniqueName('имя.pdf', used)).toBe('имя.pdf');
    expect(uniqueName('ИМЯ.PDF', used)).toBe('ИМЯ (2).PDF');
    expect(uniqueName('имя.pdf', used)).toBe('имя (3).pdf');
    expect(uniqueName('без расширения', used)).toBe('без расширения');
    expect(uniqueName('без расширения', used)).toBe('без расширения (2)');
    const folders = new Set<string>();
    expect(uniqueName('Иванов И.А', folders, true)).toBe('Иванов И.А');
    expect(uniqueName('Иванов И.А', folders, true)).toBe('Иванов И.А (2)');
  });
});

describe('the homework ZIP’s entries', () => {
  const row = (pupilId: string, pupilName: string, names: string[], returned = false): AssigneeRecord => ({
    pupilId,
    pupilName,
    remindedAt: null,
    submission: {
      submittedAt: 1,
      late: false,
      comment: '',
      returned,
      files: names.map((name, i) => ({ fileId: `${pupilId}-${i}`, name, size: 1, type: 'application/pdf' })),
    },
  });

  it('are "<pupil>/<file>", every part safe, duplicates numbered, two pupils of one name apart', () => {
    const entries = entryNames([
      row('p1', 'Иванов Иван', ['..', 'con', 'отчёт\u202efdp.exe', 'итог.pdf', 'Итог.pdf']),
      row('p2', 'Иванов Иван', ['итог.pdf']),
      row('p3', '..', ['../../x.pdf']),
      row('p4', 'Петров Пётр', ['сдано.pdf'], true),
    ]);
    expect(entries.map((e) => e.path)).toEqual([
      'Иванов Иван/file',
      'Иванов Иван/_con',
      'Иванов Иван/отчётfdp.exe',
      'Иванов Иван/итог.pdf',
      'Иванов Иван/Итог (2).pdf',
      'Иванов Иван (2)/итог.pdf',
      'pupil/_.._x.pdf',
    ]);
    expect(entries.map((e) => e.fileId)).toEqual(['p1-0', 'p1-1', 'p1-2', 'p1-3', 'p1-4', 'p2-0', 'p3-0']);
    for (const { path } of entries) {
      const parts = path.split('/');
      expect(parts).toHaveLength(2);
      for (const p of parts)
        expect(p === '..' || p === '.' || /[\u202a-\u202e\u2066-\u2069]/.test(p)).toBe(false);
    }
  });
});
