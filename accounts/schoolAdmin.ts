// What a school's administrator does from the web client (and a class
// teacher, for their own class's codes): see people and classes with how
// each signs in, import the e-journal's file (dry run, then apply), add a
// teacher, move a pupil, deactivate someone, issue activation codes (one
// person, or a class's sheet), and verify teachers who applied with the
// school's invitation. Changes to the school's structure go through the
// directory's importer, so chats follow them the same way as after a file.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../common/log.js';
import type { AccountStatus, ClassRow, IssuedCode, PersonRow, SchoolView } from '../common/schoolView.js';
import { decodeSchoolFile } from '../directory/fileText.js';
import type { DirectoryImporter, ImportReport } from '../directory/importer.js';
import { ImportBusyError } from '../directory/importer.js';
import type { Directory } from '../directory/model.js';
import { DirectoryFileError, ID_PATTERN, parseSchoolFile } from '../directory/parse.js';
import type { Attempts } from './attempts.js';
import { type CodeHasher, generateCode, normalizeCode } from './codes.js';
import { AccountError } from './errors.js';
import type { AccountStore, VerificationRequest } from './model.js';
import type { People, SignedInPerson } from './people.js';
import type { Revocations } from './revocation.js';
import type { SignIn } from './signIn.js';

export interface ImportResult {
  report: ImportReport;
  encoding: string;
}

const INVITATION_DAYS = 30;

export class SchoolAdmin {
  constructor(
    private readonly d: {
      store: AccountStore;
      people: People;
      importer: DirectoryImporter;
      signIn: SignIn;
      revocations: Revocations;
      attempts: Attempts;
      hasher: CodeHasher;
      codeDays: number;
      log: Logger;
    },
  ) {}

  async view(schoolId: string): Promise<Omit<SchoolView, 'signInUrl'>> {
    const { store, people } = this.d;
    const [d, accounts, codes, verified, requests, staff] = await Promise.all([
      people.school(schoolId),
      store.accounts(schoolId),
      store.latestCodes(schoolId),
      store.verified(schoolId),
      store.verifications(schoolId),
      store.staff(schoolId),
    ]);
    const account = new Map(accounts.map((a) => [a.personId, a]));
    const code = new Map(codes.map((c) => [c.personId, c]));
    const now = Date.now();
    const row = (p: { id: string; name: string; sort: string }, role: PersonRow['role']): PersonRow => {
      const a = account.get(p.id);
      const c = code.get(p.id);
      let status: AccountStatus = 'none';
      if (a?.deactivatedAt) status = 'deactivated';
      else if (a?.login || a?.passwordHash) status = 'active';
      else if (c && !c.usedAt) status = c.expiresAt.getTime() > now ? 'code' : 'expired';
      const out: PersonRow = { id: p.id, name: p.name, sort: p.sort, role, status };
      if (status === 'code') out.codeExpiresAt = c!.expiresAt.toISOString();
      if (role === 'teacher' || role === 'admin') out.verified = verified.has(p.id);
      return out;
    };
    const school = d?.school ?? {
      id: schoolId,
      name: (await store.schools()).find((s) => s.id === schoolId)?.name ?? schoolId,
    };
    const pupilName = new Map((d?.pupils ?? []).map((p) => [p.id, p.name]));
    const teacherName = new Map((d?.teachers ?? []).map((t) => [t.id, t.name]));
    const classes: ClassRow[] = (d?.classes ?? []).map((c) => {
      const pupils = (d?.pupils ?? []).filter((p) => p.classId === c.id);
      const ids = new Set(pupils.map((p) => p.id));
      const parents = (d?.parents ?? []).filter((p) => p.children.some((k) => ids.has(k)));
      return {
        id: c.id,
        name: c.name,
        teacher: c.teacher ? { id: c.teacher, name: teacherName.get(c.teacher) ?? c.teacher } : null,
        pupils: bySort(pupils.map((p) => row(p, 'student'))),
        parents: bySort(
          parents.map((p) => ({
            ...row(p, 'parent'),
            children: p.children.map((k) => pupilName.get(k) ?? k),
          })),
        ),
      };
    });
    const names = new Map<string, string>();
    for (const p of [...(d?.teachers ?? []), ...staff.map((s) => ({ id: s.personId, name: s.name }))]) {
      names.set(p.id, p.name);
    }
    return {
      school,
      classes,
      teachers: bySort((d?.teachers ?? []).map((t) => row(t, t.admin ? 'admin' : 'teacher'))),
      staff: staff.map((s) => row({ id: s.personId, name: s.name, sort: s.sort }, 'admin')),
      verifications: requests
        .filter((r) => r.status === 'pending')
        .map((r) => ({
          id: r.id,
          personId: r.personId,
          name: names.get(r.personId) ?? r.personId,
          createdAt: r.createdAt.toISOString(),
        })),
    };
  }

  /** Whether `actor` may print codes for `target`: the school's admin, or the class teacher of their class. */
  private async mayIssue(actor: SignedInPerson, targetId: string): Promise<SignedInPerson> {
    const target = await this.d.people.find(targetId, actor.schoolId);
    if (!target) throw new AccountError('not_found', 'no such person in this school');
    if (actor.role === 'admin') return target;
    const ownClass = target.classes.some((c) => actor.leads.includes(c.id));
    if (actor.role === 'teacher' && (target.role === 'student' || target.role === 'parent') && ownClass) {
      return target;
    }
    throw new AccountError('forbidden', 'codes are printed by the school’s admin or the class teacher');
  }

  /** New codes for some people (their earlier codes stop working, unless `keepEarlier`: a printed sheet). */
  async issue(actor: SignedInPerson, personIds: string[], keepEarlier = false): Promise<IssuedCode[]> {
    const targets = [];
    for (const id of personIds) targets.push(await this.mayIssue(actor, id));
    const out: IssuedCode[] = [];
    const issuedAt = new Date();
    const expiresAt = new Date(issuedAt.getTime() + this.d.codeDays * 86400_000);
    for (const t of targets) {
      const code = generateCode();
      await this.d.store.issueCode(
        {
          codeHash: this.d.hasher.hash(normalizeCode(code)!),
          personId: t.id,
          schoolId: t.schoolId,
          issuedBy: actor.id,
          issuedAt,
          expiresAt,
          usedAt: null,
        },
        keepEarlier,
      );
      out.push({
        personId: t.id,
        name: t.name,
        role: t.role,
        className: t.classes.map((c) => c.name).join(', '),
        children: t.children.map((c) => c.name),
        code,
        expiresAt: expiresAt.toISOString(),
      });
    }
    this.d.log.info({ school: actor.schoolId, by: actor.id, codes: out.length }, 'activation codes issued');
    return out;
  }

  /** A class's sheet: codes for its pupils, its parents, or both; only people not signed up yet unless `everyone`. */
  async classSheet(
    actor: SignedInPerson,
    classId: string,
    who: 'pupils' | 'parents' | 'all',
    everyone: boolean,
  ): Promise<{ className: string; codes: IssuedCode[] }> {
    if (actor.role !== 'admin' && !actor.leads.includes(classId)) {
      throw new AccountError('forbidden', 'codes are printed by the school’s admin or the class teacher');
    }
    const view = await this.view(actor.schoolId);
    const c = view.classes.find((x) => x.id === classId);
    if (!c) throw new AccountError('not_found', 'no such class');
    const rows = [...(who !== 'parents' ? c.pupils : []), ...(who !== 'pupils' ? c.parents : [])];
    const wanted = rows.filter((r) => r.status !== 'deactivated' && (everyone || r.status !== 'active'));
    return {
      className: c.name,
      codes: await this.issue(
        actor,
        wanted.map((r) => r.id),
        true,
      ),
    };
  }

  /** The teachers' sheet (the admin's): codes for every teacher and admin not signed up yet, but the admin printing it. */
  async teacherSheet(actor: SignedInPerson): Promise<{ codes: IssuedCode[] }> {
    if (actor.role !== 'admin')
      throw new AccountError('forbidden', 'the teachers’ sheet is the school admin’s');
    const view = await this.view(actor.schoolId);
    const wanted = [...view.staff, ...view.teachers].filter(
      (r) => r.id !== actor.id && r.status !== 'deactivated' && r.status !== 'active',
    );
    return {
      codes: await this.issue(
        actor,
        wanted.map((r) => r.id),
        true,
      ),
    };
  }

  async setDeactivated(actor: SignedInPerson, personId: string, deactivated: boolean): Promise<void> {
    if (personId === actor.id) throw new AccountError('forbidden', 'one does not deactivate oneself');
    const target = await this.d.people.find(personId, actor.schoolId);
    if (!target) throw new AccountError('not_found', 'no such person in this school');
    await this.d.store.setDeactivated(personId, actor.schoolId, deactivated ? new Date() : null);
    await this.d.revocations.setDeactivated(personId, deactivated);
    if (deactivated) {
      await this.d.signIn.endEverywhere(personId);
      // Connections made with tokens from other systems too.
      await this.d.revocations.cutOff({ personId });
    }
    this.d.log.info({ school: actor.schoolId, by: actor.id, person: personId, deactivated }, 'account state');
  }

  /** The school's file through the directory's importer, into this school whatever the file's school row says. */
  async importFile(actor: SignedInPerson, bytes: Uint8Array, dryRun: boolean): Promise<ImportResult> {
    const { encoding } = decodeSchoolFile(bytes);
    let d: Directory;
    try {
      d = parseSchoolFile(bytes, { id: actor.schoolId, name: actor.schoolName });
    } catch (err) {
      if (err instanceof DirectoryFileError) {
        throw new AccountError('bad_file', err.message, undefined, { problems: err.problems, encoding });
      }
      throw err;
    }
    return { report: await this.apply(d, dryRun, actor), encoding };
  }

  /** Through the importer, which refuses the school's staff (and `actor`) on a pupil's or parent's row. */
  private async apply(d: Directory, dryRun: boolean, actor: SignedInPerson): Promise<ImportReport> {
    try {
      const staff = (await this.d.store.staff(d.school.id)).map((s) => s.personId);
      const report = await this.d.importer.import(d, {
        dryRun,
        staff,
        self: actor.id,
      });
      if (!dryRun) this.d.people.forget(d.school.id);
      return report;
    } catch (err) {
      if (err instanceof DirectoryFileError) {
        throw new AccountError('bad_file', err.message, undefined, { problems: err.problems });
      }
      if (err instanceof ImportBusyError) throw new AccountError('import_busy', err.message);
      throw err;
    }
  }

  /** The school's structure to change by hand (an empty one before the first import). */
  private async current(actor: SignedInPerson): Promise<Directory> {
    const d = await this.d.people.school(actor.schoolId);
    if (d) return structuredClone(d);
    return {
      school: { id: actor.schoolId, name: actor.schoolName },
      classes: [],
      teachers: [],
      pupils: [],
      parents: [],
    };
  }

  async addTeacher(
    actor: SignedInPerson,
    t: {
      lastName: string;
      firstName: string;
      middleName: string;
      phone: string;
      email: string;
      admin: boolean;
    },
  ): Promise<{ id: string; report: ImportReport }> {
    const d = await this.current(actor);
    const clean = (s: string) => s.trim().replace(/\s+/g, ' ').slice(0, 64);
    const [last, first, middle] = [clean(t.lastName), clean(t.firstName), clean(t.middleName)];
    if (!last || !first) throw new AccountError('bad_request', 'a teacher needs a surname and a first name');
    const id = `${actor.schoolId}-t-${randomBytes(4).toString('hex')}`;
    d.teachers.push({
      id,
      name: [first, middle, last].filter(Boolean).join(' '),
      sort: [last, first, middle].filter(Boolean).join(' '),
      admin: t.admin,
      lessons: [],
      ...(t.email.trim() ? { email: t.email.trim().toLowerCase() } : {}),
      ...(t.phone.trim() ? { phone: t.phone.trim() } : {}),
    });
    return { id, report: await this.apply(reparse(d), false, actor) };
  }

  async movePupil(actor: SignedInPerson, pupilId: string, classId: string): Promise<ImportReport> {
    const d = await this.current(actor);
    const pupil = d.pupils.find((p) => p.id === pupilId);
    if (!pupil) throw new AccountError('not_found', 'no such pupil');
    if (!ID_PATTERN.test(classId) || !d.classes.some((c) => c.id === classId)) {
      throw new AccountError('not_found', 'no such class');
    }
    pupil.classId = classId;
    pupil.groups = [];
    return this.apply(reparse(d), false, actor);
  }

  /** A new invitation for teachers to apply for the verified mark (shown once; the old one stops working). */
  async newInvitation(actor: SignedInPerson): Promise<{ code: string; expiresAt: string }> {
    const code = generateCode();
    const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86400_000);
    await this.d.store.setInvitation({
      schoolId: actor.schoolId,
      codeHash: this.d.hasher.hash(normalizeCode(code)!, 'invitation'),
      createdAt: new Date(),
      expiresAt,
    });
    return { code, expiresAt: expiresAt.toISOString() };
  }

  /** A teacher applies for the verified mark with the school's invitation (guessed like a code: counted). */
  async applyForVerification(
    person: SignedInPerson,
    typed: string,
    ip: string,
  ): Promise<VerificationRequest> {
    if (person.role !== 'teacher' && person.role !== 'admin') {
      throw new AccountError('forbidden', 'teachers apply for the verified mark');
    }
    const right = await this.d.attempts.begin([{ address: ip }]);
    const normal = normalizeCode(typed);
    const inv = normal ? await this.d.store.invitationByHash(this.d.hasher.hash(normal, 'invitation')) : null;
    if (!inv || inv.schoolId !== person.schoolId || inv.expiresAt.getTime() < Date.now()) {
      throw new AccountError('invitation_unknown');
    }
    await right();
    return this.d.store.requestVerification({
      id: randomBytes(8).toString('hex'),
      schoolId: person.schoolId,
      personId: person.id,
      status: 'pending',
      createdAt: new Date(),
      decidedAt: null,
      decidedBy: null,
    });
  }

  async decide(actor: SignedInPerson, id: string, approve: boolean): Promise<VerificationRequest> {
    const r = await this.d.store.decideVerification(
      id,
      actor.schoolId,
      approve ? 'approved' : 'rejected',
      actor.id,
      new Date(),
    );
    if (!r) throw new AccountError('not_found', 'no such pending request');
    this.d.log.info(
      { school: actor.schoolId, by: actor.id, person: r.personId, approve },
      'teacher verification',
    );
    return r;
  }
}

function bySort<T extends { sort: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => a.sort.localeCompare(b.sort, 'ru'));
}

/** A structure changed by hand, checked by the same rules as a file. */
function reparse(d: Directory): Directory {
  return parseSchoolFile(JSON.stringify(d));
}
