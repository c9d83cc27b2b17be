// Field checks at the edge: every request's strings, numbers and lists are
// checked here before anything reads the store.
import { ChatError, ChatErrorCode, invalid } from './errors.js';

export const CHAT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,80}$/;
const CLIENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const USER_ID_MAX = 128;

export function chatId(value: string | null | undefined): string {
  if (!value || !CHAT_ID_PATTERN.test(value))
    throw invalid('chat_id must be 1-80 letters, digits, ., - or _');
  return value;
}

export function userId(value: string | null | undefined, field = 'user_id'): string {
  if (!value || value.length > USER_ID_MAX) throw invalid(`${field} must be 1-${USER_ID_MAX} characters`);
  return value;
}

export function userIds(values: string[] | null | undefined, max: number): string[] {
  const list = values ?? [];
  if (list.length > max) throw invalid(`at most ${max} people at once`);
  return [...new Set(list.map((v) => userId(v)))];
}

export function clientMessageId(value: string | null | undefined): string {
  if (!value || !CLIENT_ID_PATTERN.test(value)) {
    throw invalid('client_message_id must be 1-64 letters, digits or ._:-');
  }
  return value;
}

export function seq(value: number | null | undefined, field = 'seq'): number {
  if (!value || !Number.isInteger(value) || value < 1) throw invalid(`${field} must be a message number`);
  return value;
}

/** Text of a message: at most `max` characters (code points), not only whitespace unless allowed. */
export function messageText(value: string | null | undefined, max: number, allowEmpty: boolean): string {
  const text = (value ?? '').replace(/\r\n/g, '\n');
  if ([...text].length > max) {
    throw new ChatError(
      ChatErrorCode.CHAT_ERROR_MESSAGE_TOO_LONG,
      `a message holds at most ${max} characters`,
    );
  }
  if (!allowEmpty && text.trim() === '') throw invalid('the message is empty');
  return text;
}

export function shortText(value: string | null | undefined, field: string, max: number, required: boolean) {
  const text = (value ?? '').trim();
  if (required && !text) throw invalid(`${field} is required`);
  if ([...text].length > max) throw invalid(`${field} holds at most ${max} characters`);
  return text;
}

/** One emoji (with its modifiers), not words: reactions are pictures. */
export function emoji(value: string | null | undefined): string {
  const e = value ?? '';
  if (
    !e ||
    e.length > 16 ||
    !/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(e) ||
    /[\p{L}\p{N}\s]/u.test(e)
  ) {
    throw invalid('a reaction is one emoji');
  }
  return e;
}

export function limit(value: number | null | undefined, fallback: number, max: number): number {
  if (!value) return fallback;
  if (!Number.isInteger(value) || value < 1) throw invalid('limit must be a positive number');
  return Math.min(value, max);
}
