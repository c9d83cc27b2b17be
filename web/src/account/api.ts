// The signed-in client's calls to the server: JSON over fetch with the
// session cookie (HttpOnly: this page never sees it) and, on every change,
// the session's CSRF token from /api/account/me. A refusal comes back as an
// ApiError whose code the pages turn into a sentence (text.ts, 'error.*').
import { type AccountKey, hasKey } from './text.js';

export interface ChildRef {
  id: string;
  name: string;
  classId: string;
  className: string;
}

export interface Person {
  id: string;
  schoolId: string;
  schoolName: string;
  name: string;
  sort: string;
  role: 'admin' | 'teacher' | 'student' | 'parent';
  classes: { id: string; name: string }[];
  leads: string[];
  children: ChildRef[];
  verified: boolean;
  demo: boolean;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(code);
  }

  /** The sentence's key for this refusal. */
  get key(): AccountKey {
    const key = `error.${this.code}`;
    return hasKey(key) ? key : 'error.other';
  }
}

let csrf = '';
let me: Promise<{ person: Person; csrf: string } | null> | null = null;

/** Who is signed in here (null: nobody), asked once per page. */
export function whoAmI(): Promise<{ person: Person; csrf: string } | null> {
  me ??= fetch('/api/account/me', { credentials: 'same-origin' })
    .then(async (res) => {
      if (res.status === 401) return null;
      if (!res.ok) throw await asError(res);
      const body = (await res.json()) as { person: Person; csrf: string };
      csrf = body.csrf;
      return body;
    })
    .catch((err: unknown) => {
      me = null;
      throw err;
    });
  return me;
}

async function asError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return new ApiError(res.status, typeof body.error === 'string' ? body.error : 'other', body);
}

export async function get<T>(path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (!res.ok) throw await asError(res);
  return (await res.json()) as T;
}

/** A change: JSON (or a file's bytes) with the CSRF token. */
export async function post<T>(path: string, body: unknown = {}, raw?: Blob | ArrayBuffer): Promise<T> {
  if (!csrf) await whoAmI().catch(() => null);
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': raw ? 'application/octet-stream' : 'application/json',
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      body: raw ?? JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (!res.ok) throw await asError(res);
  const answer = (await res.json()) as T;
  // A sign-in started a new session: its token from now on, and who it is asked again.
  const fresh = (answer as { csrf?: unknown } | null)?.csrf;
  if (typeof fresh === 'string' && fresh) {
    csrf = fresh;
    me = null;
  }
  return answer;
}

/** The sentence key for any failure. */
export function errorKey(err: unknown): AccountKey {
  return err instanceof ApiError ? err.key : 'error.other';
}

/** Sends the browser to sign in, coming back here afterwards. */
export function toLogin(): void {
  location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search + location.hash)}`);
}
