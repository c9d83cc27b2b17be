// A request failure that maps to a typed protocol error.
import { schoolcall } from './protocol/generated/protocol.js';

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

/** Metric label for an error code: ERROR_CODE_NOT_JOINED -> not_joined. */
export function errorLabel(code: ErrorCode): string {
  return (ErrorCode[code] ?? 'unknown').replace(/^ERROR_CODE_/, '').toLowerCase();
}
