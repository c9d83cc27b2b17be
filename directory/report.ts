// An import report as text for a person: what the file holds, what changed
// (or would, in a dry run), with a few names of each kind of change.
import type { PersonChange } from './diff.js';
import type { ImportReport } from './importer.js';

const SHOWN = 10;

function names(list: PersonChange[], line: (p: PersonChange) => string): string[] {
  const out = list.slice(0, SHOWN).map((p) => `    ${line(p)}`);
  if (list.length > SHOWN) out.push(`    … и ещё ${list.length - SHOWN}`);
  return out;
}

export function reportText(r: ImportReport): string {
  const d = r.diff;
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
    lines.push(...names(d.added, (p) => `+ ${p.name} (${p.role}${p.to ? `, ${p.to}` : ''})`));
  }
  if (d.moved.length) {
    lines.push(`  Переведено в другой класс: ${d.moved.length}`);
    lines.push(...names(d.moved, (p) => `→ ${p.name}: ${p.from} → ${p.to}`));
  }
  if (d.removed.length) {
    lines.push(`  Удалено из справочника: ${d.removed.length}`);
    lines.push(...names(d.removed, (p) => `− ${p.name} (${p.role})`));
  }
  if (d.changed.length) {
    lines.push(`  Изменено: ${d.changed.length}`);
    lines.push(...names(d.changed, (p) => `~ ${p.name}: ${(p.what ?? []).join(', ')}`));
  }
  const c = d.classes;
  if (c.added.length) lines.push(`  Новые классы: ${c.added.join(', ')}`);
  if (c.removed.length) lines.push(`  Убранные классы: ${c.removed.join(', ')}`);
  if (c.renamed.length) lines.push(`  Переименованные классы: ${c.renamed.join(', ')}`);
  if (c.teacherChanged.length) lines.push(`  Новый классный руководитель: ${c.teacherChanged.join(', ')}`);
  const ch = r.chats;
  lines.push(
    `  Чаты: создано ${ch.created}, переименовано ${ch.renamed}, участников добавлено ${ch.membersAdded}, ` +
      `исключено ${ch.membersRemoved}, ролей изменено ${ch.rolesChanged}`,
  );
  lines.push(`  Время: ${r.ms} мс`);
  return lines.join('\n');
}
