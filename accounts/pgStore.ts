// Accounts in PostgreSQL (schema `accounts`, migrations/): what a server with
// DATABASE_URL keeps across restarts and shares between its hosts. Each
// method is one statement (or one transaction), so two hosts or two tabs
// racing end in one of the outcomes the memory store also gives.
import { type Postgres, inTransaction } from '../common/postgres/connect.js';
import type { SchemaPart } from '../common/postgres/migrations.js';
import type {
  Account,
  AccountStore,
  ActivationCode,
  Invitation,
  Passkey,
  School,
  Staff,
  VerificationRequest,
} from './model.js';

export const accountsSchema: SchemaPart = {
  name: 'accounts',
  dir: new URL('./migrations/', import.meta.url),
};

const UNIQUE_VIOLATION = '23505';

type Row = Record<string, unknown>;

const account = (r: Row): Account => ({
  personId: r.person_id as string,
  schoolId: r.school_id as string,
  login: r.login as string | null,
  passwordHash: r.password_hash as string | null,
  createdAt: r.created_at as Date,
  deactivatedAt: r.deactivated_at as Date | null,
});

const code = (r: Row): ActivationCode => ({
  codeHash: r.code_hash as string,
  personId: r.person_id as string,
  schoolId: r.school_id as string,
  issuedBy: r.issued_by as string,
  issuedAt: r.issued_at as Date,
  expiresAt: r.expires_at as Date,
  usedAt: r.used_at as Date | null,
});

const passkey = (r: Row): Passkey => ({
  credentialId: r.credential_id as string,
  personId: r.person_id as string,
  publicKey: new Uint8Array(r.public_key as Buffer),
  counter: r.counter as number,
  transports: r.transports as string[],
  label: r.label as string,
  createdAt: r.created_at as Date,
});

const verification = (r: Row): VerificationRequest => ({
  id: r.id as string,
  schoolId: r.school_id as string,
  personId: r.person_id as string,
  status: r.status as VerificationRequest['status'],
  createdAt: r.created_at as Date,
  decidedAt: r.decided_at as Date | null,
  decidedBy: r.decided_by as string | null,
});

const staff = (r: Row): Staff => ({
  personId: r.person_id as string,
  schoolId: r.school_id as string,
  name: r.name as string,
  sort: r.sort as string,
});

const invitation = (r: Row): Invitation => ({
  schoolId: r.school_id as string,
  codeHash: r.code_hash as string,
  createdAt: r.created_at as Date,
  expiresAt: r.expires_at as Date,
});

export class PgAccountStore implements AccountStore {
  constructor(private readonly db: Postgres) {}

  private async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.db.query(sql, params)).rows as Row[];
  }

  private async one<T>(sql: string, params: unknown[], map: (r: Row) => T): Promise<T | null> {
    const [r] = await this.rows(sql, params);
    return r ? map(r) : null;
  }

  account(personId: string) {
    return this.one('SELECT * FROM accounts.accounts WHERE person_id = $1', [personId], account);
  }

  accountByLogin(login: string) {
    return this.one('SELECT * FROM accounts.accounts WHERE login = $1', [login], account);
  }

  async accounts(schoolId: string) {
    return (await this.rows('SELECT * FROM accounts.accounts WHERE school_id = $1', [schoolId])).map(account);
  }

  async setCredentials(
    personId: string,
    schoolId: string,
    change: { login?: string | null; passwordHash?: string | null },
  ) {
    try {
      await this.db.query(
        `INSERT INTO accounts.accounts (person_id, school_id, login, password_hash)
         VALUES ($1, $2, $4, $6)
         ON CONFLICT (person_id) DO UPDATE SET
           login = CASE WHEN $3 THEN EXCLUDED.login ELSE accounts.accounts.login END,
           password_hash = CASE WHEN $5 THEN EXCLUDED.password_hash ELSE accounts.accounts.password_hash END`,
        [
          personId,
          schoolId,
          change.login !== undefined,
          change.login ?? null,
          change.passwordHash !== undefined,
          change.passwordHash ?? null,
        ],
      );
      return true;
    } catch (err) {
      // The sign-in name is someone else's.
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false;
      throw err;
    }
  }

  async setDeactivated(personId: string, schoolId: string, at: Date | null) {
    await this.db.query(
      `INSERT INTO accounts.accounts (person_id, school_id, deactivated_at) VALUES ($1, $2, $3)
       ON CONFLICT (person_id) DO UPDATE SET deactivated_at = EXCLUDED.deactivated_at`,
      [personId, schoolId, at],
    );
  }

  async issueCode(c: ActivationCode, keepEarlier = false) {
    await inTransaction(this.db, async (client) => {
      if (!keepEarlier) {
        await client.query(
          `UPDATE accounts.codes SET used_at = $3
           WHERE person_id = $1 AND school_id = $2 AND used_at IS NULL`,
          [c.personId, c.schoolId, c.issuedAt],
        );
      }
      await client.query(
        `INSERT INTO accounts.codes (code_hash, person_id, school_id, issued_by, issued_at, expires_at, used_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (code_hash) DO UPDATE SET person_id = EXCLUDED.person_id, school_id = EXCLUDED.school_id,
           issued_by = EXCLUDED.issued_by, issued_at = EXCLUDED.issued_at,
           expires_at = EXCLUDED.expires_at, used_at = EXCLUDED.used_at`,
        [c.codeHash, c.personId, c.schoolId, c.issuedBy, c.issuedAt, c.expiresAt, c.usedAt],
      );
    });
  }

  code(codeHash: string) {
    return this.one('SELECT * FROM accounts.codes WHERE code_hash = $1', [codeHash], code);
  }

  async useCode(codeHash: string, at: Date) {
    return inTransaction(this.db, async (client) => {
      const r = await client.query<{ person_id: string; school_id: string }>(
        'UPDATE accounts.codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL RETURNING person_id, school_id',
        [codeHash, at],
      );
      const used = r.rows[0];
      if (!used) return false;
      // The person's other papers (another class's sheet) end with it.
      await client.query(
        'UPDATE accounts.codes SET used_at = $3 WHERE person_id = $1 AND school_id = $2 AND used_at IS NULL',
        [used.person_id, used.school_id, at],
      );
      return true;
    });
  }

  async latestCodes(schoolId: string) {
    const rows = await this.rows(
      `SELECT DISTINCT ON (person_id) * FROM accounts.codes WHERE school_id = $1
       ORDER BY person_id, issued_at DESC`,
      [schoolId],
    );
    return rows.map(code);
  }

  async addPasskey(p: Passkey) {
    await this.db.query(
      `INSERT INTO accounts.passkeys (credential_id, person_id, public_key, counter, transports, label, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [p.credentialId, p.personId, Buffer.from(p.publicKey), p.counter, p.transports, p.label, p.createdAt],
    );
  }

  passkey(credentialId: string) {
    return this.one('SELECT * FROM accounts.passkeys WHERE credential_id = $1', [credentialId], passkey);
  }

  async passkeys(personId: string) {
    return (
      await this.rows('SELECT * FROM accounts.passkeys WHERE person_id = $1 ORDER BY created_at', [personId])
    ).map(passkey);
  }

  async setPasskeyCounter(credentialId: string, counter: number) {
    await this.db.query('UPDATE accounts.passkeys SET counter = $2 WHERE credential_id = $1', [
      credentialId,
      counter,
    ]);
  }

  async removePasskey(personId: string, credentialId: string) {
    const r = await this.db.query(
      'DELETE FROM accounts.passkeys WHERE credential_id = $1 AND person_id = $2',
      [credentialId, personId],
    );
    return r.rowCount === 1;
  }

  async requestVerification(r: VerificationRequest) {
    // The partial unique index keeps one pending request per person.
    const made = await this.one(
      `INSERT INTO accounts.verifications (id, school_id, person_id, status, created_at, decided_at, decided_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING *`,
      [r.id, r.schoolId, r.personId, r.status, r.createdAt, r.decidedAt, r.decidedBy],
      verification,
    );
    if (made) return made;
    const pending = await this.one(
      `SELECT * FROM accounts.verifications WHERE person_id = $1 AND status = 'pending'`,
      [r.personId],
      verification,
    );
    return pending ?? r;
  }

  async verifications(schoolId: string) {
    return (
      await this.rows('SELECT * FROM accounts.verifications WHERE school_id = $1 ORDER BY created_at', [
        schoolId,
      ])
    ).map(verification);
  }

  decideVerification(id: string, schoolId: string, status: 'approved' | 'rejected', by: string, at: Date) {
    return this.one(
      `UPDATE accounts.verifications SET status = $3, decided_by = $4, decided_at = $5
       WHERE id = $1 AND school_id = $2 AND status = 'pending' RETURNING *`,
      [id, schoolId, status, by, at],
      verification,
    );
  }

  async verified(schoolId: string) {
    const rows = await this.rows(
      `SELECT DISTINCT person_id FROM accounts.verifications WHERE school_id = $1 AND status = 'approved'`,
      [schoolId],
    );
    return new Set(rows.map((r) => r.person_id as string));
  }

  async createSchool(s: School, admin: Staff) {
    await inTransaction(this.db, async (client) => {
      await client.query('INSERT INTO accounts.schools (id, name, created_at) VALUES ($1, $2, $3)', [
        s.id,
        s.name,
        s.createdAt,
      ]);
      await client.query(
        `INSERT INTO accounts.staff (person_id, school_id, name, sort) VALUES ($1, $2, $3, $4)
         ON CONFLICT (person_id) DO UPDATE SET school_id = EXCLUDED.school_id, name = EXCLUDED.name, sort = EXCLUDED.sort`,
        [admin.personId, admin.schoolId, admin.name, admin.sort],
      );
    });
  }

  async schools() {
    const rows = await this.rows('SELECT * FROM accounts.schools ORDER BY created_at');
    return rows.map((r) => ({ id: r.id as string, name: r.name as string, createdAt: r.created_at as Date }));
  }

  async staff(schoolId: string) {
    return (await this.rows('SELECT * FROM accounts.staff WHERE school_id = $1', [schoolId])).map(staff);
  }

  staffMember(personId: string) {
    return this.one('SELECT * FROM accounts.staff WHERE person_id = $1', [personId], staff);
  }

  async setInvitation(inv: Invitation) {
    await this.db.query(
      `INSERT INTO accounts.invitations (school_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (school_id) DO UPDATE SET code_hash = EXCLUDED.code_hash,
         created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`,
      [inv.schoolId, inv.codeHash, inv.createdAt, inv.expiresAt],
    );
  }

  invitation(schoolId: string) {
    return this.one('SELECT * FROM accounts.invitations WHERE school_id = $1', [schoolId], invitation);
  }

  invitationByHash(codeHash: string) {
    return this.one('SELECT * FROM accounts.invitations WHERE code_hash = $1', [codeHash], invitation);
  }

  // The pool is the server's (app/database.ts closes it).
  async close() {}
}
