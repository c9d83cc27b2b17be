// A chat request failure that maps to a typed protocol error.
import { schoolcall } from '../common/protocol/generated/protocol.js';

export const ChatErrorCode = schoolcall.chat.v1.ChatErrorCode;
export type ChatErrorCode = schoolcall.chat.v1.ChatErrorCode;

export class ChatError extends Error {
  constructor(
    readonly code: ChatErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Metric label for an error code: CHAT_ERROR_NOT_A_MEMBER -> not_a_member. */
export function chatErrorLabel(code: ChatErrorCode): string {
  return (ChatErrorCode[code] ?? 'unknown').replace(/^CHAT_ERROR_/, '').toLowerCase();
}

export const invalid = (message: string) => new ChatError(ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT, message);
export const forbidden = (message: string) => new ChatError(ChatErrorCode.CHAT_ERROR_FORBIDDEN, message);
