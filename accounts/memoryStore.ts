// Accounts in this process's memory: for unit tests, and for a server with
// no database configured (everything is forgotten at restart, which the
// server says in its log at start).
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

export class MemoryAccountStore implements AccountStore {
  private readonly byPerson = new Map<string, Account>();
  private readonly codes = new Map<string, ActivationCode>();
  private readonly keys = new Map<string, Passkey>();
  private readonly requests = new Map<string, VerificationRequest>();
  private readonly schoolList = new Map<string, School>();
  private readonly staffList = new Map<string, Staff>();
  private readonly invitations = new Map<string, Invitation>();

  async account(personId: string) {
    return copy(this.byPerson.get(personId));
  }

  async accountByLogin(login: string) {
    for (const a of this.byPerson.values()) if (a.login === login) return copy(a);
    return null;
  }

  async accounts(schoolId: string) {
    return [...this.byPerson.values()].filter((a) => a.schoolId === schoolId).map((a) => ({ ...a }));
  }

  async setCredentials(
    personId: string,
    schoolId: string,
    change: { login?: string | null; passwordHash?: string | null },
  ) {
    if (change.login) {
      const owner = await this.accountByLogin(change.login);
      if (owner && owner.personId !== personId) return false;
    }
    const a = this.byPerson.get(personId) ?? {
      personId,
      schoolId,
      login: null,
      passwordHash: null,
      createdAt: new Date(),
      deactivatedAt: null,
    };
    if (change.login !== undefined) a.login = change.login;
    if (change.passwordHash !== undefined) a.passwordHash = change.passwordHash;
    this.byPerson.set(personId, a);
    return true;
  }

  async setDeactivated(personId: string, schoolId: string, at: Date | null) {
    await this.setCredentials(personId, schoolId, {});
    this.byPerson.get(personId)!.deactivatedAt = at;
  }

  async issueCode(code: ActivationCode, keepEarlier = false) {
    if (!keepEarlier) this.endCodes(code.personId, code.schoolId, code.issuedAt);
    this.codes.set(code.codeHash, { ...code });
  }

  private endCodes(personId: string, schoolId: string, at: Date): void {
    for (const c of this.codes.values()) {
      if (c.personId === personId && c.schoolId === schoolId && !c.usedAt) c.usedAt = at;
    }
  }

  async code(codeHash: string) {
    return copy(this.codes.get(codeHash));
  }

  async useCode(codeHash: string, at: Date) {
    const c = this.codes.get(codeHash);
    if (!c || c.usedAt) return false;
    this.endCodes(c.personId, c.schoolId, at);
    return true;
  }

  async latestCodes(schoolId: string) {
    const latest = new Map<string, ActivationCode>();
    for (const c of this.codes.values()) {
      if (c.schoolId !== schoolId) continue;
      const seen = latest.get(c.personId);
      if (!seen || seen.issuedAt <= c.issuedAt) latest.set(c.personId, { ...c });
    }
    return [...latest.values()];
  }

  async addPasskey(p: Passkey) {
    this.keys.set(p.credentialId, { ...p });
  }

  async passkey(credentialId: string) {
    return copy(this.keys.get(credentialId));
  }

  async passkeys(personId: string) {
    return [...this.keys.values()].filter((k) => k.personId === personId).map((k) => ({ ...k }));
  }

  async setPasskeyCounter(credentialId: string, counter: number) {
    const k = this.keys.get(credentialId);
    if (k) k.counter = counter;
  }

  async removePasskey(personId: string, credentialId: string) {
    const k = this.keys.get(credentialId);
    if (!k || k.personId !== personId) return false;
    return this.keys.delete(credentialId);
  }

  async requestVerification(r: VerificationRequest) {
    for (const existing of this.requests.values()) {
      if (existing.personId === r.personId && existing.status === 'pending') return { ...existing };
    }
    this.requests.set(r.id, { ...r });
    return { ...r };
  }

  async verifications(schoolId: string) {
    return [...this.requests.values()].filter((r) => r.schoolId === schoolId).map((r) => ({ ...r }));
  }

  async decideVerification(
    id: string,
    schoolId: string,
    status: 'approved' | 'rejected',
    by: string,
    at: Date,
  ) {
    const r = this.requests.get(id);
    if (!r || r.schoolId !== schoolId || r.status !== 'pending') return null;
    Object.assign(r, { status, decidedBy: by, decidedAt: at });
    return { ...r };
  }

  async verified(schoolId: string) {
    const out = new Set<string>();
    for (const r of this.requests.values()) {
      if (r.schoolId === schoolId && r.status === 'approved') out.add(r.personId);
    }
    return out;
  }

  async createSchool(s: School, admin: Staff) {
    this.schoolList.set(s.id, { ...s });
    this.staffList.set(admin.personId, { ...admin });
  }

  async schools() {
    return [...this.schoolList.values()].map((s) => ({ ...s }));
  }

  async staff(schoolId: string) {
    return [...this.staffList.values()].filter((s) => s.schoolId === schoolId).map((s) => ({ ...s }));
  }

  async staffMember(personId: string) {
    return copy(this.staffList.get(personId));
  }

  async setInvitation(inv: Invitation) {
    this.invitations.set(inv.schoolId, { ...inv });
  }

  async invitation(schoolId: string) {
    return copy(this.invitations.get(schoolId));
  }

  async invitationByHash(codeHash: string) {
    for (const i of this.invitations.values()) if (i.codeHash === codeHash) return { ...i };
    return null;
  }

  async close() {}
}

function copy<T extends object>(x: T | undefined): T | null {
  return x ? { ...x } : null;
}
