// Typed protocol errors, and the one place that turns anything a request
// handler throws into one: refusals keep their code, what only bad client
// input can cause becomes INVALID_ARGUMENT, an unreachable store becomes
// UNAVAILABLE, everything else is INTERNAL.
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { WireValidationError } from '../common/protocol/mediaWire.js';
import { EdgeRequestError } from '../sfu/edgeProtocol.js';
import { STORE_UNAVAILABLE_MESSAGE, isStoreUnavailable } from './storeErrors.js';

export const ErrorCode = schoolcall.v1.ErrorCode;
export type ErrorCode = schoolcall.v1.ErrorCode;

export class SignalingError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function invalid(message: string): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}

export function notFound(what: string): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_NOT_FOUND, `${what} not found`);
}

export function forbidden(message: string): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_FORBIDDEN, message);
}

/** A host turned this source off and has not allowed it back. */
export function blockedByHost(message: string): SignalingError {
  return new SignalingError(ErrorCode.ERROR_CODE_BLOCKED_BY_HOST, message);
}

/** A call that failed only because of what the client sent (a bad RTP parameter, say). */
class ClientInputError extends Error {}

/**
 * Runs a media call fed with client input: mediasoup rejects bad parameters
 * with TypeError or UnsupportedError, and an edge host says when it refused
 * for the client's sake; those are the client's fault, anything else is ours.
 */
export async function clientInput<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (
      err instanceof TypeError ||
      (err instanceof Error && err.name === 'UnsupportedError') ||
      (err instanceof EdgeRequestError && err.clientError)
    ) {
      throw new ClientInputError(err.message, { cause: err });
    }
    throw err;
  }
}

/** The typed error a request answers with; null means an internal fault the caller must log. */
export function toSignalingError(err: unknown): SignalingError | null {
  if (err instanceof SignalingError) return err;
  if (isStoreUnavailable(err))
    return new SignalingError(ErrorCode.ERROR_CODE_UNAVAILABLE, STORE_UNAVAILABLE_MESSAGE);
  if (err instanceof WireValidationError || err instanceof ClientInputError) return invalid(err.message);
  return null;
}

/** Metric label for an error code: ERROR_CODE_NOT_JOINED -> not_joined. */
export function errorLabel(code: ErrorCode): string {
  return (ErrorCode[code] ?? 'unknown').replace(/^ERROR_CODE_/, '').toLowerCase();
}
