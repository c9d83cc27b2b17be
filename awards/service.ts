// The rules of awards: the school's administrator adds, renames, retires and
// brings back the school's own kinds beside the server's catalogue (a retired kind stays
// on the boards it was given on); verified teachers (and the administrator)
// give them to pupils of their school, several at once, with an optional
// comment and announcement in a chat they are in; the giver or the school's
// administrator withdraws one; a pupil's board is shown to the pupil, their
// parents, the teachers of their class and the school's administrator.
// Anyone else is told "not found".
import { randomBytes } from 'node:crypto';
import type { Postgres } from '../common/postgres/connect.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { ChatError, ChatErrorCode, forbidden, invalid } from '../messaging/errors.js';
import type { Messenger } from '../messaging/messenger.js';
import type { Caller } from '../messaging/permissions.js';
import * as check from '../messaging/validate.js';
import { BADGES, CATALOGUE } from './catalogue.js';

import cpb = schoolcall.chat.v1;

const NAME_MAX = 80;
const COMMENT_MAX = 500;
const PUPILS_MAX = 60;
/** A class's awards show the first pupils by name: a class, not a school-wide chat. */
const CLASS_MAX = 200;

const notFound = () => new ChatError(ChatErrorCode.CHAT_ERROR_USER_NOT_FOUND, 'no such pupil');
const kindNotFound = () => new ChatError(ChatErrorCode.CHAT_ERROR_AWARD_KIND_NOT_FOUND, 'no such award kind');

export interface AwardsDeps {
  messenger: Messenger;
  db: Postgres;
  /** Teachers the school has confirmed (accounts). */
  verified: (schoolId: string) => Promise<Set<string>>;
  /** A parent's children (the school's directory). */
  childrenOf: (caller: Caller) => Promise<string[]>;
  /** Each person's classes in the school's directory (a teacher's: taught or led; none if unknown). */
  classesOf: (schoolId: string, ids: string[]) => Promise<string[][]>;
}

interface KindRow {
  id: string;
  name: string;
  badge: string;
}

export class AwardsService {
  constructor(private readonly d: AwardsDeps) {}

  private isStaff(caller: Caller): boolean {
    return !caller.guest && (caller.user.role === 'teacher' || caller.user.role === 'admin');
  }

  async mayGive(caller: Caller): Promise<boolean> {
    if (!this.isStaff(caller)) return false;
    if (caller.user.role === 'admin') return true;
    return (await this.d.verified(caller.user.school)).has(caller.user.id);
  }

  /** The catalogue and the school's kinds in use (the school's administrator may ask for the retired too). */
  async kinds(caller: Caller, withRetired = false): Promise<cpb.IAwardKindList> {
    const all = withRetired && this.managesKinds(caller);
    const own = await this.d.db.query<KindRow & { retired_at: string | null }>(
      `SELECT id, name, badge, retired_at FROM awards.kind
       WHERE school = $1 AND ($2 OR retired_at IS NULL) ORDER BY created_at, id`,
      [caller.user.school, all],
    );
    return {
      kinds: [
        ...CATALOGUE.map((k) => ({ kindId: k.id, name: k.name, badge: k.badge, school: false })),
        ...own.rows.map((k) => ({
          kindId: k.id,
          name: k.name,
          badge: k.badge,
          school: true,
          retired: k.retired_at !== null,
        })),
      ],
      mayGive: await this.mayGive(caller),
    };
  }

  /** The one permission for changing the school's kinds: its administrator. */
  private managesKinds(caller: Caller): boolean {
    return !caller.guest && caller.user.role === 'admin';
  }

  private requireManagesKinds(caller: Caller): void {
    if (!this.managesKinds(caller)) throw forbidden("only the school's administrator changes its awards");
  }

  async addKind(caller: Caller, req: cpb.IAddAwardKindRequest): Promise<cpb.IAwardKindList> {
    this.requireManagesKinds(caller);
    const name = check.shortText(req.name, 'name', NAME_MAX, true);
    const badge = req.badge ?? '';
    if (!(BADGES as readonly string[]).includes(badge)) throw invalid('no such badge');
    await this.requireNameFree(caller.user.school, name, '');
    await this.d.db.query(
      'INSERT INTO awards.kind (id, school, name, badge, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6)',
      [
        `k_${randomBytes(9).toString('base64url')}`,
        caller.user.school,
        name,
        badge,
        caller.user.id,
        Date.now(),
      ],
    );
    return this.kinds(caller, true);
  }

  async renameKind(caller: Caller, req: cpb.IRenameAwardKindRequest): Promise<cpb.IAwardKindList> {
    this.requireManagesKinds(caller);
    const id = await this.ownKind(caller.user.school, req.kindId, false);
    const name = check.shortText(req.name, 'name', NAME_MAX, true);
    await this.requireNameFree(caller.user.school, name, id);
    await this.d.db.query('UPDATE awards.kind SET name = $3 WHERE id = $1 AND school = $2', [
      id,
      caller.user.school,
      name,
    ]);
    return this.kinds(caller, true);
  }

  async retireKind(caller: Caller, req: cpb.IRetireAwardKindRequest): Promise<cpb.IAwardKindList> {
    this.requireManagesKinds(caller);
    const id = await this.ownKind(caller.user.school, req.kindId, true);
    await this.d.db.query(
      'UPDATE awards.kind SET retired_at = $3 WHERE id = $1 AND school = $2 AND retired_at IS NULL',
      [id, caller.user.school, Date.now()],
    );
    return this.kinds(caller, true);
  }

  /** Brings a retired kind back (the right to retire it): given again, under its name if no kind in use took it. */
  async restoreKind(caller: Caller, req: cpb.IRestoreAwardKindRequest): Promise<cpb.IAwardKindList> {
    this.requireManagesKinds(caller);
    const { id, name } = await this.ownKindRow(caller.user.school, req.kindId, 'retired');
    await this.requireNameFree(caller.user.school, name, id);
    await this.d.db.query(
      'UPDATE awards.kind SET retired_at = NULL WHERE id = $1 AND school = $2 AND retired_at IS NOT NULL',
      [id, caller.user.school],
    );
    return this.kinds(caller, true);
  }

  /** A kind the school added (in use only, if asked); the server's own do not change. */
  private async ownKind(school: string, kindId: string | null | undefined, inUse: boolean): Promise<string> {
    return (await this.ownKindRow(school, kindId, inUse ? 'inUse' : 'any')).id;
  }

  private async ownKindRow(
    school: string,
    kindId: string | null | undefined,
    state: 'any' | 'inUse' | 'retired',
  ): Promise<{ id: string; name: string }> {
    const id = check.shortText(kindId, 'kind_id', 40, true);
    const r = await this.d.db.query<{ name: string; retired_at: string | null }>(
      'SELECT name, retired_at FROM awards.kind WHERE id = $1 AND school = $2',
      [id, school],
    );
    const row = r.rows[0];
    if (!row) throw kindNotFound();
    if (state === 'inUse' && row.retired_at !== null) throw kindNotFound();
    if (state === 'retired' && row.retired_at === null) throw kindNotFound();
    return { id, name: row.name };
  }

  /** Names are told apart as people read them: case and ё aside, against the catalogue and the kinds in use. */
  private async requireNameFree(school: string, name: string, exceptId: string): Promise<void> {
    const fold = (x: string) => x.toLocaleLowerCase('ru').replace(/ё/g, 'е');
    const own = await this.d.db.query<{ name: string }>(
      'SELECT name FROM awards.kind WHERE school = $1 AND retired_at IS NULL AND id <> $2',
      [school, exceptId],
    );
    const names = [...CATALOGUE.map((k) => k.name), ...own.rows.map((k) => k.name)].map(fold);
    if (names.includes(fold(name))) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_AWARD_NAME_TAKEN, 'the school has an award of that name');
    }
  }

  /** A kind by id: any of the school's (boards show retired ones), or only those given today. */
  private async kind(school: string, id: string, inUse = false): Promise<KindRow | null> {
    const built = CATALOGUE.find((k) => k.id === id);
    if (built) return built;
    const r = await this.d.db.query<KindRow>(
      `SELECT id, name, badge FROM awards.kind WHERE id = $1 AND school = $2${inUse ? ' AND retired_at IS NULL' : ''}`,
      [id, school],
    );
    return r.rows[0] ?? null;
  }

  async give(caller: Caller, req: cpb.IGiveAwardRequest): Promise<cpb.IAwardBoards> {
    if (!this.isStaff(caller)) throw forbidden('only teachers give awards');
    if (!(await this.mayGive(caller))) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_NOT_VERIFIED, 'the school has not confirmed this teacher');
    }
    const kind = await this.kind(caller.user.school, req.kindId ?? '', true);
    if (!kind) throw kindNotFound();
    const comment = check.shortText(req.comment, 'comment', COMMENT_MAX, false);
    const ids = check.userIds(req.pupilIds, PUPILS_MAX);
    if (ids.length === 0) throw invalid('name at least one pupil');
    const people = await this.d.messenger.chatStore.users(ids);
    const pupils = ids.map((id) => {
      const u = people.get(id);
      if (!u || u.role !== 'student' || u.school !== caller.user.school) throw notFound();
      return u;
    });
    const announce = req.announceChatId
      ? await this.d.messenger.chats.access(req.announceChatId, caller)
      : null;
    // Each award may be announced to the pupil: awards per pupil per hour are capped (personLimits.ts).
    await this.d.messenger.perPerson.award(
      caller.user.id,
      pupils.map((p) => p.id),
    );
    const at = Date.now();
    await this.d.db.query(
      `INSERT INTO awards.award (id, school, kind_id, pupil_id, giver_id, giver_name, comment, given_at)
       SELECT unnest($1::text[]), $2, $3, unnest($4::text[]), $5, $6, $7, $8`,
      [
        pupils.map(() => `a_${randomBytes(12).toString('base64url')}`),
        caller.user.school,
        kind.id,
        pupils.map((p) => p.id),
        caller.user.id,
        caller.user.name,
        comment,
        at,
      ],
    );
    if (announce) {
      const names = pupils.map((p) => p.name).join(', ');
      await this.d.messenger.messages.send(caller, {
        chatId: announce.chat.id,
        clientMessageId: `award-${at}-${randomBytes(4).toString('hex')}`,
        text: `Награда «${kind.name}»: ${names}.${comment ? ` ${comment}` : ''}`,
      });
    }
    return this.boards(
      caller,
      pupils.map((p) => p.id),
    );
  }

  async withdraw(caller: Caller, req: cpb.IWithdrawAwardRequest): Promise<cpb.IAwardBoards> {
    const r = await this.d.db.query<{ pupil_id: string; giver_id: string; school: string }>(
      'SELECT pupil_id, giver_id, school FROM awards.award WHERE id = $1 AND withdrawn_at IS NULL',
      [req.awardId ?? ''],
    );
    const a = r.rows[0];
    const allowed =
      a &&
      !caller.guest &&
      a.school === caller.user.school &&
      (a.giver_id === caller.user.id || caller.user.role === 'admin');
    if (!a || !allowed) throw new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_NOT_FOUND, 'no such award');
    await this.d.db.query('UPDATE awards.award SET withdrawn_at = $2, withdrawn_by = $3 WHERE id = $1', [
      req.awardId,
      Date.now(),
      caller.user.id,
    ]);
    return this.boards(caller, [a.pupil_id]);
  }

  /** A pupil's board (or one's own / one's children's), if the caller may see it. */
  async board(caller: Caller, req: cpb.IGetAwardBoardRequest): Promise<cpb.IAwardBoards> {
    if (caller.guest) throw notFound();
    if (!req.pupilId) {
      if (caller.user.role === 'student') return this.boards(caller, [caller.user.id]);
      if (caller.user.role === 'parent') return this.boards(caller, await this.d.childrenOf(caller));
      return { boards: [] };
    }
    const pupilId = check.userId(req.pupilId, 'pupil_id');
    const pupil = (await this.d.messenger.chatStore.users([pupilId])).get(pupilId);
    if (!pupil || pupil.school !== caller.user.school || pupil.role !== 'student') throw notFound();
    if (!(await this.seesBoardsOf(caller, [pupilId])).has(pupilId)) throw notFound();
    return this.boards(caller, [pupilId]);
  }

  /** A class's awards: the boards of the chat's pupils the caller may see, by name (the caller must be in the chat). */
  async classBoards(caller: Caller, req: cpb.IGetClassAwardsRequest): Promise<cpb.IAwardBoards> {
    if (caller.guest) throw notFound();
    const { chat } = await this.d.messenger.chats.access(req.chatId ?? '', caller);
    const members = await this.d.messenger.chatStore.allMembers(chat.id);
    const people = await this.d.messenger.chatStore.users([...members.keys()]);
    const pupils = [...people.values()]
      .filter((u) => u.role === 'student' && u.school === caller.user.school)
      .sort((a, b) => (a.sort || a.name).localeCompare(b.sort || b.name, 'ru'))
      .slice(0, CLASS_MAX);
    const seen = await this.seesBoardsOf(
      caller,
      pupils.map((p) => p.id),
    );
    return this.boards(
      caller,
      pupils.filter((p) => seen.has(p.id)).map((p) => p.id),
    );
  }

  /**
   * The one rule of who sees a pupil's board: the pupil, their parents, a
   * teacher who teaches (or leads) their class, the school's admin. Of these
   * pupils (of the caller's school), those the caller may see.
   */
  private async seesBoardsOf(caller: Caller, pupilIds: string[]): Promise<Set<string>> {
    if (caller.guest || pupilIds.length === 0) return new Set();
    if (caller.user.role === 'admin') return new Set(pupilIds);
    if (caller.user.role === 'parent') {
      const children = await this.d.childrenOf(caller);
      return new Set(pupilIds.filter((id) => children.includes(id)));
    }
    if (caller.user.role !== 'teacher') return new Set(pupilIds.filter((id) => id === caller.user.id));
    const [taught = [], ...classes] = await this.d.classesOf(caller.user.school, [
      caller.user.id,
      ...pupilIds,
    ]);
    return new Set(pupilIds.filter((_, i) => (classes[i] ?? []).some((c) => taught.includes(c))));
  }

  private async boards(caller: Caller, pupilIds: string[]): Promise<cpb.IAwardBoards> {
    if (pupilIds.length === 0) return { boards: [] };
    const people = await this.d.messenger.chatStore.users(pupilIds);
    const r = await this.d.db.query<{
      id: string;
      kind_id: string;
      pupil_id: string;
      giver_id: string;
      giver_name: string;
      comment: string;
      given_at: string;
    }>(
      `SELECT id, kind_id, pupil_id, giver_id, giver_name, comment, given_at FROM awards.award
       WHERE pupil_id = ANY($1) AND school = $2 AND withdrawn_at IS NULL ORDER BY given_at DESC, id`,
      [pupilIds, caller.user.school],
    );
    const kinds = new Map<string, cpb.IAwardKind>();
    for (const row of r.rows) {
      if (kinds.has(row.kind_id)) continue;
      const k = await this.kind(caller.user.school, row.kind_id);
      kinds.set(row.kind_id, k ? { kindId: k.id, name: k.name, badge: k.badge } : { kindId: row.kind_id });
    }
    return {
      boards: pupilIds.map((id) => ({
        pupilId: id,
        pupilName: people.get(id)?.name ?? '',
        awards: r.rows
          .filter((row) => row.pupil_id === id)
          .map((row) => ({
            awardId: row.id,
            kind: kinds.get(row.kind_id) ?? null,
            pupilId: row.pupil_id,
            giverId: row.giver_id,
            giverName: row.giver_name,
            comment: row.comment,
            givenAt: Number(row.given_at),
            mayWithdraw: row.giver_id === caller.user.id || caller.user.role === 'admin',
          })),
      })),
    };
  }
}
