// What the server says, as sentences a person reads: every ErrorCode and every
// CloseReason has its own translated text; the server's English message is
// for logs and never shown. Both tables are total over the proto enums, so a
// new code does not compile until it is translated here.
import { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { RequestError } from '../protocol/signalingClient.js';
import type { Key } from './index.js';
import { t } from './index.js';

import pb = schoolcall.v1;

const ERROR_KEYS: Record<pb.ErrorCode, Key> = {
  [pb.ErrorCode.ERROR_CODE_UNSPECIFIED]: 'error.0',
  [pb.ErrorCode.ERROR_CODE_MALFORMED_FRAME]: 'error.1',
  [pb.ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE]: 'error.2',
  [pb.ErrorCode.ERROR_CODE_FRAME_TOO_LARGE]: 'error.3',
  [pb.ErrorCode.ERROR_CODE_UNAUTHENTICATED]: 'error.4',
  [pb.ErrorCode.ERROR_CODE_TOKEN_EXPIRED]: 'error.5',
  [pb.ErrorCode.ERROR_CODE_ROOM_NOT_FOUND]: 'error.6',
  [pb.ErrorCode.ERROR_CODE_NOT_JOINED]: 'error.7',
  [pb.ErrorCode.ERROR_CODE_ALREADY_JOINED]: 'error.8',
  [pb.ErrorCode.ERROR_CODE_FORBIDDEN]: 'error.9',
  [pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT]: 'error.10',
  [pb.ErrorCode.ERROR_CODE_NOT_FOUND]: 'error.11',
  [pb.ErrorCode.ERROR_CODE_RATE_LIMITED]: 'error.12',
  [pb.ErrorCode.ERROR_CODE_ROOM_FULL]: 'error.13',
  [pb.ErrorCode.ERROR_CODE_INTERNAL]: 'error.14',
  [pb.ErrorCode.ERROR_CODE_ROOM_LOCKED]: 'error.15',
  [pb.ErrorCode.ERROR_CODE_BANNED]: 'error.16',
  [pb.ErrorCode.ERROR_CODE_WAITING]: 'error.17',
  [pb.ErrorCode.ERROR_CODE_BLOCKED_BY_HOST]: 'error.18',
  [pb.ErrorCode.ERROR_CODE_ALREADY_RECORDING]: 'error.20',
  [pb.ErrorCode.ERROR_CODE_NOT_RECORDING]: 'error.21',
  [pb.ErrorCode.ERROR_CODE_DISK_FULL]: 'error.22',
  [pb.ErrorCode.ERROR_CODE_RECORDER_UNAVAILABLE]: 'error.23',
  [pb.ErrorCode.ERROR_CODE_RECORDING_BUSY]: 'error.24',
  [pb.ErrorCode.ERROR_CODE_WHITEBOARD_CLOSED]: 'error.45',
  [pb.ErrorCode.ERROR_CODE_WHITEBOARD_NO_RIGHTS]: 'error.46',
  [pb.ErrorCode.ERROR_CODE_WHITEBOARD_FULL]: 'error.47',
  [pb.ErrorCode.ERROR_CODE_SUBTITLES_UNAVAILABLE]: 'error.25',
  [pb.ErrorCode.ERROR_CODE_CHAT_READ_ONLY]: 'error.28',
  [pb.ErrorCode.ERROR_CODE_CHAT_GUESTS_MAY_NOT_WRITE]: 'error.29',
  [pb.ErrorCode.ERROR_CODE_CHAT_MESSAGE_TOO_LONG]: 'error.30',
  [pb.ErrorCode.ERROR_CODE_CHAT_MESSAGE_NOT_FOUND]: 'error.31',
  [pb.ErrorCode.ERROR_CODE_CHAT_NOT_YOUR_MESSAGE]: 'error.32',
  [pb.ErrorCode.ERROR_CODE_CHAT_EDIT_WINDOW_PASSED]: 'error.33',
  [pb.ErrorCode.ERROR_CODE_CHAT_UNAVAILABLE]: 'error.34',
  [pb.ErrorCode.ERROR_CODE_CHAT_ALREADY_VOTED]: 'error.35',
  [pb.ErrorCode.ERROR_CODE_CHAT_POLL_CLOSED]: 'error.36',
  [pb.ErrorCode.ERROR_CODE_CHAT_COMMENTS_OFF]: 'error.37',
  [pb.ErrorCode.ERROR_CODE_CHAT_MESSAGE_DELETED]: 'error.38',
  [pb.ErrorCode.ERROR_CODE_CHAT_NOT_A_POLL]: 'error.39',
  [pb.ErrorCode.ERROR_CODE_NOT_LAYERED]: 'error.56',
  [pb.ErrorCode.ERROR_CODE_LAYER_UNAVAILABLE]: 'error.57',
  [pb.ErrorCode.ERROR_CODE_WAITING_ROOM_FULL]: 'error.40',
  [pb.ErrorCode.ERROR_CODE_UNAVAILABLE]: 'error.41',
  [pb.ErrorCode.ERROR_CODE_TOO_MANY_RECORDINGS]: 'error.42',
};

/** A sentence for any failure: a server error code, a timeout or a lost connection. */
export function errorText(err: unknown): string {
  if (err instanceof RequestError) return t(ERROR_KEYS[err.code] ?? 'error.0');
  if (err instanceof Error && /timed out/.test(err.message)) return t('error.timeout');
  return t('common.networkError');
}

export function errorCodeText(code: pb.ErrorCode): string {
  return t(ERROR_KEYS[code] ?? 'error.0');
}

/** Why the call screen ended, each with its own end screen. */
export type EndKind =
  | 'ended'
  | 'roomClosed'
  | 'removed'
  | 'banned'
  | 'denied'
  | 'locked'
  | 'invalidLink'
  | 'expiredLink'
  | 'signedOut'
  | 'notFound'
  | 'replaced'
  | 'left'
  | 'full'
  | 'noGuests'
  | 'shutdown'
  | 'error';

/** A close the client recovers from by itself rejoins instead of ending. */
export type CloseOutcome = EndKind | 'rejoin';

export const CLOSE_OUTCOME: Record<pb.CloseReason, CloseOutcome> = {
  [pb.CloseReason.CLOSE_REASON_UNSPECIFIED]: 'rejoin',
  [pb.CloseReason.CLOSE_REASON_LEFT]: 'left',
  [pb.CloseReason.CLOSE_REASON_ROOM_CLOSED]: 'roomClosed',
  [pb.CloseReason.CLOSE_REASON_REPLACED]: 'replaced',
  [pb.CloseReason.CLOSE_REASON_MEDIA_RESTART]: 'rejoin',
  [pb.CloseReason.CLOSE_REASON_TOKEN_EXPIRED]: 'expiredLink',
  [pb.CloseReason.CLOSE_REASON_SERVER_SHUTDOWN]: 'shutdown',
  [pb.CloseReason.CLOSE_REASON_PROTOCOL_ERROR]: 'error',
  [pb.CloseReason.CLOSE_REASON_REMOVED]: 'removed',
  [pb.CloseReason.CLOSE_REASON_BANNED]: 'banned',
  [pb.CloseReason.CLOSE_REASON_CALL_ENDED]: 'ended',
  [pb.CloseReason.CLOSE_REASON_DENIED]: 'denied',
  [pb.CloseReason.CLOSE_REASON_SIGNED_OUT]: 'signedOut',
  // A page left open without joining: joining again is the fix.
  [pb.CloseReason.CLOSE_REASON_JOIN_TIMEOUT]: 'rejoin',
  [pb.CloseReason.CLOSE_REASON_FLOODING]: 'error',
  // This server is stopping and another carries the lesson on.
  [pb.CloseReason.CLOSE_REASON_HOST_LEAVING]: 'rejoin',
};

/** The end screen for a join the server refused. */
export function joinErrorOutcome(err: unknown): EndKind {
  if (!(err instanceof RequestError)) return 'error';
  switch (err.code) {
    case pb.ErrorCode.ERROR_CODE_UNAUTHENTICATED:
      return 'invalidLink';
    case pb.ErrorCode.ERROR_CODE_TOKEN_EXPIRED:
      return 'expiredLink';
    case pb.ErrorCode.ERROR_CODE_ROOM_NOT_FOUND:
      return 'notFound';
    case pb.ErrorCode.ERROR_CODE_ROOM_LOCKED:
      return 'locked';
    case pb.ErrorCode.ERROR_CODE_BANNED:
      return 'banned';
    case pb.ErrorCode.ERROR_CODE_ROOM_FULL:
    case pb.ErrorCode.ERROR_CODE_WAITING_ROOM_FULL:
      return 'full';
    case pb.ErrorCode.ERROR_CODE_FORBIDDEN:
      // The only refusal of a join by role: guests in a room that admits none.
      return 'noGuests';
    default:
      return 'error';
  }
}

interface EndText {
  title: Key;
  text: Key | null;
  /** The button that tries again, where trying again makes sense. */
  action: Key | null;
}

export const END_TEXT: Record<EndKind, EndText> = {
  ended: { title: 'end.ended', text: 'end.endedText', action: null },
  roomClosed: { title: 'end.roomClosed', text: 'end.roomClosedText', action: null },
  removed: { title: 'end.removed', text: 'end.removedText', action: 'end.rejoin' },
  banned: { title: 'end.banned', text: 'end.bannedText', action: null },
  denied: { title: 'end.denied', text: 'end.deniedText', action: 'end.askAgain' },
  locked: { title: 'end.locked', text: 'end.lockedText', action: 'end.retry' },
  invalidLink: { title: 'end.invalidLink', text: 'end.invalidLinkText', action: null },
  expiredLink: { title: 'end.expiredLink', text: 'end.expiredLinkText', action: null },
  signedOut: { title: 'end.signedOut', text: 'end.signedOutText', action: null },
  notFound: { title: 'end.notFound', text: 'end.notFoundText', action: null },
  replaced: { title: 'end.replaced', text: 'end.replacedText', action: 'end.continueHere' },
  left: { title: 'end.left', text: 'end.leftText', action: 'end.rejoin' },
  full: { title: 'end.full', text: 'end.fullText', action: 'end.retry' },
  noGuests: { title: 'end.noGuests', text: 'end.noGuestsText', action: null },
  shutdown: { title: 'end.shutdown', text: 'end.shutdownText', action: 'end.rejoin' },
  error: { title: 'end.error', text: null, action: 'end.retry' },
};
