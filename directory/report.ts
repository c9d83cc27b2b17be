// An import report as text for a person: what the file holds, what changed
// (or would, in a dry run), with a few names of each kind of change.
import type { PersonChange } from './diff.js';
import type { ImportReport } from './importer.js';

const SHOWN = 10;

const WHAT: Record<string, string> = {
  name: 'имя',
  role: 'роль',
  lessons: 'предметы',
  groups: 'группы',
  children: 'дети',
  contacts: 'контакты',
};

function names(list: PersonChange[], line: (p: PersonChange) => string): string[] {
  const out = list.slice(0, SHOWN).map((p) => `    ${line(p)}`);
  if (list.length > SHOWN) out.push(`    … и ещё ${list.length - SHOWN}`);
  return out;
}

const ROLE: Record<string, string> = {
  admin: 'администратор',
  teacher: 'учитель',
  student: 'ученик',
  parent: 'родитель',
};

export function reportText(r: ImportReport): string {
  const d = r.diff;
  const cls = (id: string | undefined) => (id ? (r.classNames?.[id] ?? id) : '');
  const role = (p: PersonChange) => ROLE[p.role] ?? p.role;
  const lines = [
    `${r.dryRun ? 'Пробный прогон (ничего не изменено)' : 'Импорт'}: школа ${r.school}`,
    `  В файле: классов ${r.classes}, учителей ${r.people.teachers}, учеников ${r.people.pupils}, родителей ${r.people.parents}`,
  ];
  if (!r.changed) {
    lines.push('  Изменений нет.');
    return lines.join('\n');
  }
  const verb = r.dryRun ? 'будет' : '';
  if (d.added.length) {
    lines.push(`  Добавлено ${verb} людей: ${d.added.length}`);
    lines.push(...names(d.added, (p) => `+ ${p.name} (${role(p)}${p.to ? `, ${cls(p.to)}` : ''})`));
  }
  if (d.moved.length) {
    lines.push(`  Переведено в другой класс: ${d.moved.length}`);
    lines.push(...names(d.moved, (p) => `→ ${p.name}: ${cls(p.from)} → ${cls(p.to)}`));
  }
  if (d.removed.length) {
    lines.push(`  Удалено из справочника: ${d.removed.length}`);
    lines.push(...names(d.removed, (p) => `− ${p.name} (${role(p)})`));
  }
  if (d.changed.length) {
    lines.push(`  Изменено: ${d.changed.length}`);
    lines.push(
      ...names(d.changed, (p) => `~ ${p.name}: ${(p.what ?? []).map((w) => WHAT[w] ?? w).join(', ')}`),
    );
  }
  const c = d.classes;
  const classes = (ids: string[]) => ids.map(cls).join(', ');
  if (c.added.length) lines.push(`  Новые классы: ${classes(c.added)}`);
  if (c.removed.length) lines.push(`  Убранные классы: ${classes(c.removed)}`);
  if (c.renamed.length) lines.push(`  Переименованные классы: ${classes(c.renamed)}`);
  if (c.teacherChanged.length) lines.push(`  Новый классный руководитель: ${classes(c.teacherChanged)}`);
  const ch = r.chats;
  lines.push(
    `  Чаты: создано ${ch.created}, переименовано ${ch.renamed}, участников добавлено ${ch.membersAdded}, ` +
      `исключено ${ch.membersRemoved}, ролей изменено ${ch.rolesChanged}`,
  );
  lines.push(`  Время: ${r.ms} мс`);
  return lines.join('\n');
}
