// Every way the accounts part refuses a request, by name. A refusal is an
// AccountError: the route layer answers it with its HTTP status and
// `{ error: <code>, message }` (the web client shows its own sentence for the
// code, in Russian or English), counts it in
// `school_call_account_refusals_total{reason}`, and nothing was changed
// before it was thrown.
import client from 'prom-client';

export const REFUSALS = {
  /** No session cookie, or a session that ended. */
  not_signed_in: 401,
  /** A state-changing request from another site, or without the session's CSRF token. */
  csrf: 403,
  /** The signed-in person's role or school does not allow this. */
  forbidden: 403,
  /** The request itself is malformed (missing field, wrong type). */
  bad_request: 400,
  /** Login and password do not match (never says which of the two). */
  bad_credentials: 401,
  /** Too many wrong attempts for this account or from this address: wait. */
  backoff: 429,
  /** The person's account was deactivated by the school. */
  deactivated: 403,
  /** No such activation code (or it was typed wrong). */
  code_unknown: 400,
  code_expired: 400,
  code_used: 400,
  /** The login chosen at activation belongs to someone else. */
  login_taken: 409,
  login_invalid: 400,
  password_short: 400,
  password_long: 400,
  /** The school's single sign-on knows the person, the directory does not. */
  unknown_person: 403,
  /** The SSO answer did not come from the flow this browser started (state, nonce, PKCE). */
  sso_failed: 400,
  sso_unknown_provider: 404,
  /** Several people of the directory match the same SSO claim. */
  sso_ambiguous: 409,
  passkey_failed: 400,
  invitation_unknown: 400,
  not_found: 404,
  /** The server runs the demo: no real school can be set up beside it. */
  demo_server: 409,
  /** The school file has problems (each listed, in Russian). */
  bad_file: 400,
  /** Another import of the school is running. */
  import_busy: 409,
  /** The directory (and so accounts) needs REDIS_URL. */
  unavailable: 503,
} as const;

export type RefusalCode = keyof typeof REFUSALS;

export class AccountError extends Error {
  readonly status: number;

  constructor(
    readonly code: RefusalCode,
    message: string = code,
    /** Seconds until a retry may succeed (back-off). */
    readonly retryAfter?: number,
    /** More of the answer (the problems of a file). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.status = REFUSALS[code];
  }
}

export class AccountMetrics {
  readonly refusals: client.Counter<'reason'>;
  readonly signIns: client.Counter<'method'>;

  constructor(registry: client.Registry) {
    this.refusals = new client.Counter({
      name: 'school_call_account_refusals_total',
      help: 'Requests the accounts part refused, by reason',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.signIns = new client.Counter({
      name: 'school_call_account_sign_ins_total',
      help: 'Sessions started, by way in (password, code, passkey, sso, setup)',
      labelNames: ['method'],
      registers: [registry],
    });
  }
}
