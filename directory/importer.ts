// One import of a school's structure: compare with what is stored, report
// what would change (a dry run stops there), then update people's profiles,
// the directory's chats and the stored structure. Importing the same file
// again reads but writes nothing.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../common/log.js';
import type { ChatService } from '../messaging/chats.js';
import type { StoredUser } from '../messaging/records.js';
import type { ChatStore } from '../messaging/store/chatStore.js';
import { planChats } from './chatPlan.js';
import { type ChatSyncReport, syncChats } from './chatSync.js';
import { type DirectoryDiff, diffDirectories, isEmptyDiff } from './diff.js';
import { type Directory, placements } from './model.js';
import { DirectoryFileError } from './parse.js';
import type { DirectoryStore } from './store.js';

export interface ImportReport {
  school: string;
  dryRun: boolean;
  /** Whether anything changed (or would, in a dry run). */
  changed: boolean;
  people: { teachers: number; pupils: number; parents: number };
  classes: number;
  diff: DirectoryDiff;
  /** Class id -> name as the school writes it ("6А"), for the file's classes and those it removes. */
  classNames: Record<string, string>;
  chats: ChatSyncReport;
  ms: number;
}

export class ImportBusyError extends Error {}

export interface ImporterDeps {
  store: DirectoryStore;
  chats: ChatService;
  chatStore: ChatStore;
  log?: Logger;
}

/** Every person of the directory as the messenger's profile. */
export function usersOf(d: Directory): Map<string, StoredUser> {
  const roles = placements(d);
  const out = new Map<string, StoredUser>();
  for (const p of [...d.teachers, ...d.pupils, ...d.parents]) {
    out.set(p.id, { id: p.id, name: p.name, sort: p.sort, role: roles.get(p.id)!.role, school: d.school.id });
  }
  return out;
}

/**
 * A staff account's id on a pupil's or a parent's row would turn the
 * administrator into a child of the school (their account follows the
 * directory's role): a row error, in a dry run too.
 */
function refuseStaffAsFamily(d: Directory, staff: ReadonlySet<string>, self: string | undefined): void {
  const rows = [
    ...d.pupils.map((p) => ({ ...p, as: 'учеником' })),
    ...d.parents.map((p) => ({ ...p, as: 'родителем' })),
  ].filter((p) => p.id === self || staff.has(p.id));
  if (rows.length) {
    throw new DirectoryFileError(
      rows
        .slice(0, 20)
        .map((p) =>
          p.id === self
            ? `${p.name}: ид ${p.id} — ваш собственный (администратора школы); сотрудник не может быть ${p.as}, дайте другой ид`
            : `${p.name}: ид ${p.id} — у сотрудника школы (администратора); сотрудник не может быть ${p.as}, дайте другой ид`,
        ),
    );
  }
}

export class DirectoryImporter {
  constructor(private readonly deps: ImporterDeps) {}

  /**
   * `staff`: ids of the school's staff accounts (its administrators), `self`
   * the importing admin's: none may be a pupil or a parent in the file.
   */
  async import(
    d: Directory,
    opts: { dryRun: boolean; staff?: Iterable<string>; self?: string },
  ): Promise<ImportReport> {
    const started = performance.now();
    const { store } = this.deps;
    const school = d.school.id;
    const owner = randomUUID();
    refuseStaffAsFamily(d, new Set(opts.staff ?? []), opts.self);
    if (!opts.dryRun && !(await store.lock(school, owner))) {
      throw new ImportBusyError(`another import of ${school} is running`);
    }
    try {
      const before = await store.load(school);
      const diff = diffDirectories(before, d);
      const users = usersOf(d);
      await this.refuseOtherSchools(school, diff.added);
      const apply = !opts.dryRun;
      if (apply) await this.saveProfiles(users, diff);
      const chats = await syncChats(this.deps, school, planChats(d), users, apply);
      const schoolRenamed = before?.school.name !== d.school.name;
      const chatsChanged = Object.values(chats).some((n) => n > 0);
      const changed = !isEmptyDiff(diff, schoolRenamed) || chatsChanged;
      if (apply && (changed || !before)) {
        await store.save(
          d,
          placements(d),
          diff.removed.map((p) => p.id),
        );
      }
      const report: ImportReport = {
        school,
        dryRun: opts.dryRun,
        changed,
        people: { teachers: d.teachers.length, pupils: d.pupils.length, parents: d.parents.length },
        classes: d.classes.length,
        diff,
        classNames: Object.fromEntries([...(before?.classes ?? []), ...d.classes].map((c) => [c.id, c.name])),
        chats,
        ms: Math.round(performance.now() - started),
      };
      this.deps.log?.info(
        {
          school,
          dryRun: opts.dryRun,
          added: diff.added.length,
          removed: diff.removed.length,
          moved: diff.moved.length,
          chats,
        },
        'directory import',
      );
      return report;
    } finally {
      if (!opts.dryRun) await store.unlock(school, owner);
    }
  }

  /**
   * A person id another school's directory already has would merge two people.
   * The refusal names the file's own row, never the other school's person or
   * the school (an admin could otherwise learn other schools' children by id).
   */
  private async refuseOtherSchools(school: string, added: { id: string; name: string }[]): Promise<void> {
    const existing = await this.deps.chatStore.users(added.map((p) => p.id));
    const clashes = added.filter((p) => {
      const u = existing.get(p.id);
      return u?.school && u.school !== school;
    });
    if (clashes.length) {
      throw new DirectoryFileError(
        clashes.slice(0, 20).map((p) => `${p.name}: ид ${p.id} уже занят в другой школе, дайте другой ид`),
      );
    }
  }

  /** New and changed people's profiles (chats list members by the profile's sort name, so a new name moves them). */
  private async saveProfiles(users: Map<string, StoredUser>, diff: DirectoryDiff): Promise<void> {
    const { chatStore } = this.deps;
    const touched = [...diff.added, ...diff.changed].map((p) => users.get(p.id)!);
    await Promise.all(touched.map((u) => chatStore.saveUser(u)));
  }
}
