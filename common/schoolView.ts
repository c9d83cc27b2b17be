// What /api/school answers (JSON): the school admin's view of people and
// classes. One definition for the server (accounts/schoolAdmin.ts) and the
// browser (web/src/pages/school.tsx), so the two cannot drift apart.

/** How a person signs in: active account, unused code, expired code, nothing yet, or closed. */
export type AccountStatus = 'active' | 'code' | 'expired' | 'none' | 'deactivated';

export interface PersonRow {
  id: string;
  name: string;
  sort: string;
  role: 'admin' | 'teacher' | 'student' | 'parent';
  status: AccountStatus;
  /** When the newest unused code stops working (status 'code'). */
  codeExpiresAt?: string;
  verified?: boolean;
  /** Parents: their children's names. */
  children?: string[];
}

export interface ClassRow {
  id: string;
  name: string;
  teacher: { id: string; name: string } | null;
  pupils: PersonRow[];
  parents: PersonRow[];
}

/** A teacher's application waiting for the admin (dates as ISO text on the wire). */
export interface VerificationRow {
  id: string;
  personId: string;
  name: string;
  createdAt: string;
}

export interface SchoolView {
  /** `id` is what the SSO providers file's `schools` lists (shown to the admin with a copy button). */
  school: { id: string; name: string };
  /** The address printed on code sheets: the server's PUBLIC_URL, not the address the admin's browser used. */
  signInUrl: string;
  classes: ClassRow[];
  teachers: PersonRow[];
  /** Administrators kept outside the school's file (the first one). */
  staff: PersonRow[];
  verifications: VerificationRow[];
}

export interface IssuedCode {
  personId: string;
  name: string;
  role: PersonRow['role'];
  className: string;
  /** Parents: whose parent ("мама/папа" is not known: the children's names). */
  children: string[];
  code: string;
  expiresAt: string;
}
