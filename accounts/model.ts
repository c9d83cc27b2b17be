// What the accounts part keeps about people (their ways in) and schools,
// and the store it keeps them in. The people themselves (names, roles,
// classes, children) are the directory's; an account only says how a person
// of the directory signs in. The one exception is a school's first
// administrator, made with the setup code before any directory exists: they
// are kept here as "staff" of the school.

export type AccountRole = 'admin' | 'teacher' | 'student' | 'parent';

export interface Account {
  personId: string;
  schoolId: string;
  /** Normalised sign-in name (a phone "+79161234567", an e-mail, or a login); null until chosen. */
  login: string | null;
  /** scrypt hash (passwords.ts); null for people who sign in only with a passkey or SSO. */
  passwordHash: string | null;
  createdAt: Date;
  /** Set while the person may not sign in; their sessions and tokens end at once. */
  deactivatedAt: Date | null;
}

export interface ActivationCode {
  /** HMAC of the normalised code (codes.ts); the code itself is never stored. */
  codeHash: string;
  personId: string;
  schoolId: string;
  /** Who printed it (a person id), or 'setup' for the first administrator's code. */
  issuedBy: string;
  issuedAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface Passkey {
  /** base64url credential id, as the browser gives it. */
  credentialId: string;
  personId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  /** What the person sees in their list ("Chrome on Android, 12.03"). */
  label: string;
  createdAt: Date;
}

export type VerificationStatus = 'pending' | 'approved' | 'rejected';

export interface VerificationRequest {
  id: string;
  schoolId: string;
  personId: string;
  status: VerificationStatus;
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
}

/** A school made on this server (by the setup code); imported schools are the directory's. */
export interface School {
  id: string;
  name: string;
  createdAt: Date;
}

/** An administrator kept by the accounts part (not in the school's file). */
export interface Staff {
  personId: string;
  schoolId: string;
  /** "Мария Петровна Иванова". */
  name: string;
  /** "Иванова Мария Петровна". */
  sort: string;
}

export interface Invitation {
  schoolId: string;
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * Where accounts live: PostgreSQL (pgStore.ts), or memory (memoryStore.ts)
 * for a server without a database and in unit tests. Each method is one
 * atomic step.
 */
export interface AccountStore {
  account(personId: string): Promise<Account | null>;
  accountByLogin(login: string): Promise<Account | null>;
  accounts(schoolId: string): Promise<Account[]>;
  /** Creates the account if missing; false if `login` belongs to someone else. */
  setCredentials(
    personId: string,
    schoolId: string,
    change: { login?: string | null; passwordHash?: string | null },
  ): Promise<boolean>;
  setDeactivated(personId: string, schoolId: string, at: Date | null): Promise<void>;

  /**
   * Stores a new code for a person; their earlier unused codes stop working,
   * unless `keepEarlier` (a printed sheet: a parent on the sheets of two
   * classes keeps both papers working until one of them is used).
   */
  issueCode(code: ActivationCode, keepEarlier?: boolean): Promise<void>;
  code(codeHash: string): Promise<ActivationCode | null>;
  /** Marks the code used, and the person's other unused codes with it; false if it was used already (two tabs racing). */
  useCode(codeHash: string, at: Date): Promise<boolean>;
  /** The newest code of each person of a school (what the admin's list shows). */
  latestCodes(schoolId: string): Promise<ActivationCode[]>;

  addPasskey(p: Passkey): Promise<void>;
  passkey(credentialId: string): Promise<Passkey | null>;
  passkeys(personId: string): Promise<Passkey[]>;
  setPasskeyCounter(credentialId: string, counter: number): Promise<void>;
  removePasskey(personId: string, credentialId: string): Promise<boolean>;

  /** A pending request for the person, made or found. */
  requestVerification(r: VerificationRequest): Promise<VerificationRequest>;
  verifications(schoolId: string): Promise<VerificationRequest[]>;
  decideVerification(
    id: string,
    schoolId: string,
    status: 'approved' | 'rejected',
    by: string,
    at: Date,
  ): Promise<VerificationRequest | null>;
  /** People of a school whose teacher status an admin approved. */
  verified(schoolId: string): Promise<Set<string>>;

  createSchool(s: School, admin: Staff): Promise<void>;
  schools(): Promise<School[]>;
  staff(schoolId: string): Promise<Staff[]>;
  staffMember(personId: string): Promise<Staff | null>;

  setInvitation(inv: Invitation): Promise<void>;
  invitation(schoolId: string): Promise<Invitation | null>;
  invitationByHash(codeHash: string): Promise<Invitation | null>;

  close(): Promise<void>;
}
