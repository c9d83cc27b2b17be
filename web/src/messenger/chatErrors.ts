// The messenger's refusals as sentences a person reads: every ChatErrorCode
// has its own translated text (the table is total over the proto enum, so a
// new code does not compile until it is translated); the server's English
// message is for logs only.
import { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { type Key, t } from '../i18n/index.js';
import { ChatRequestError } from '../protocol/chatClient.js';

import cpb = schoolcall.chat.v1;

const C = cpb.ChatErrorCode;

const CHAT_ERROR_KEYS: Record<cpb.ChatErrorCode, Key> = {
  [C.CHAT_ERROR_UNSPECIFIED]: 'chatError.0',
  [C.CHAT_ERROR_MALFORMED_FRAME]: 'chatError.0',
  [C.CHAT_ERROR_UNKNOWN_MESSAGE]: 'chatError.2',
  [C.CHAT_ERROR_FRAME_TOO_LARGE]: 'chatError.3',
  [C.CHAT_ERROR_UNAUTHENTICATED]: 'chatError.4',
  [C.CHAT_ERROR_TOKEN_EXPIRED]: 'chatError.5',
  [C.CHAT_ERROR_NOT_AUTHENTICATED]: 'chatError.4',
  [C.CHAT_ERROR_ALREADY_AUTHENTICATED]: 'chatError.0',
  [C.CHAT_ERROR_FORBIDDEN]: 'chatError.8',
  [C.CHAT_ERROR_INVALID_ARGUMENT]: 'chatError.9',
  [C.CHAT_ERROR_RATE_LIMITED]: 'chatError.10',
  [C.CHAT_ERROR_INTERNAL]: 'chatError.11',
  [C.CHAT_ERROR_UNAVAILABLE]: 'chatError.12',
  [C.CHAT_ERROR_CHAT_NOT_FOUND]: 'chatError.13',
  [C.CHAT_ERROR_NOT_A_MEMBER]: 'chatError.14',
  [C.CHAT_ERROR_READ_ONLY]: 'chatError.15',
  [C.CHAT_ERROR_GUESTS_MAY_NOT_WRITE]: 'chatError.16',
  [C.CHAT_ERROR_MESSAGE_TOO_LONG]: 'chatError.17',
  [C.CHAT_ERROR_MESSAGE_NOT_FOUND]: 'chatError.18',
  [C.CHAT_ERROR_NOT_YOUR_MESSAGE]: 'chatError.19',
  [C.CHAT_ERROR_EDIT_WINDOW_PASSED]: 'chatError.20',
  [C.CHAT_ERROR_MESSAGE_DELETED]: 'chatError.21',
  [C.CHAT_ERROR_TOO_MANY_TARGETS]: 'chatError.22',
  [C.CHAT_ERROR_NOT_A_POLL]: 'chatError.23',
  [C.CHAT_ERROR_ALREADY_VOTED]: 'chatError.24',
  [C.CHAT_ERROR_POLL_CLOSED]: 'chatError.25',
  [C.CHAT_ERROR_USER_NOT_FOUND]: 'chatError.26',
  [C.CHAT_ERROR_FILE_NOT_FOUND]: 'chatError.27',
  [C.CHAT_ERROR_COMMENTS_OFF]: 'chatError.28',
  [C.CHAT_ERROR_ROLE_NOT_ALLOWED]: 'chatError.29',
  [C.CHAT_ERROR_PUPIL_PROTECTED]: 'chatError.30',
  [C.CHAT_ERROR_OUTSIDE_AUDIENCE]: 'chatError.31',
  [C.CHAT_ERROR_INVITE_NOT_FOUND]: 'chatError.32',
  [C.CHAT_ERROR_BAD_SCHEDULE]: 'chatError.33',
  [C.CHAT_ERROR_NO_JOIN_REQUEST]: 'chatError.34',
  [C.CHAT_ERROR_DEADLINE_PASSED]: 'chatError.35',
  [C.CHAT_ERROR_FILE_NOT_ALLOWED]: 'chatError.36',
  [C.CHAT_ERROR_NOT_VERIFIED]: 'chatError.37',
  [C.CHAT_ERROR_AWARD_KIND_NOT_FOUND]: 'chatError.38',
  [C.CHAT_ERROR_AWARD_NAME_TAKEN]: 'chatError.39',
  [C.CHAT_ERROR_LONGER_THAN_SCHOOL]: 'chatError.40',
  [C.CHAT_ERROR_QUOTA_EXCEEDED]: 'chatError.41',
};

/** A sentence for any failure of a messenger request. */
export function chatErrorText(err: unknown): string {
  if (err instanceof ChatRequestError) return t(CHAT_ERROR_KEYS[err.code] ?? 'chatError.0');
  if (err instanceof Error && /timed out/.test(err.message)) return t('error.timeout');
  return t('common.networkError');
}
