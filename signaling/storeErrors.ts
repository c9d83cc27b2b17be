// Whether a failure means the deployment's store (Redis or PostgreSQL) cannot be reached
// right now, as opposed to a fault of ours: such failures are answered with
// a typed "try again" (UNAVAILABLE, HTTP 503) and are not logged as errors.
// The clients (ioredis, pg's pool) reconnect by themselves; nothing needs a restart.
import { isPostgresUnavailable } from '../common/postgres/connect.js';

const UNREACHABLE =
  /max retries per request|connection is closed|stream isn't writeable|command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EPIPE/i;

export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'MaxRetriesPerRequestError' || UNREACHABLE.test(err.message) || isPostgresUnavailable(err)
  );
}

export const STORE_UNAVAILABLE_MESSAGE = 'the lesson server cannot reach its database; try again in a moment';
