// Whether a failure means the deployment's store (Redis) cannot be reached
// right now, as opposed to a fault of ours: such failures are answered with
// a typed "try again" (UNAVAILABLE, HTTP 503) and are not logged as errors.
// The client (ioredis) reconnects by itself; nothing needs a restart.
const UNREACHABLE =
  /max retries per request|connection is closed|stream isn't writeable|command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EPIPE/i;

export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || UNREACHABLE.test(err.message);
}

export const STORE_UNAVAILABLE_MESSAGE = 'the lesson server cannot reach its database; try again in a moment';
