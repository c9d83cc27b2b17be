// What /api/school answers (accounts/schoolAdmin.ts SchoolView).
export type Status = 'active' | 'code' | 'expired' | 'none' | 'deactivated';

export interface PersonRow {
  id: string;
  name: string;
  sort: string;
  role: 'admin' | 'teacher' | 'student' | 'parent';
  status: Status;
  codeExpiresAt?: string;
  verified?: boolean;
  children?: string[];
}

export interface ClassRow {
  id: string;
  name: string;
  teacher: { id: string; name: string } | null;
  pupils: PersonRow[];
  parents: PersonRow[];
}

export interface SchoolView {
  school: { id: string; name: string };
  classes: ClassRow[];
  teachers: PersonRow[];
  staff: PersonRow[];
  verifications: { id: string; personId: string; name: string; createdAt: string }[];
}

export interface IssuedCode {
  personId: string;
  name: string;
  role: PersonRow['role'];
  className: string;
  children: string[];
  code: string;
  expiresAt: string;
}
