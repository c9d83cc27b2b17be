// The Lua scripts of the store, loaded once and run by SHA (EVALSHA, with
// EVAL when Redis has not seen the script yet, e.g. after a restart).
// Errors they raise by name become typed chat errors.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { ChatError, ChatErrorCode } from '../errors.js';

const dir = new URL('./lua/', import.meta.url);
const read = (name: string) => readFileSync(new URL(`${name}.lua`, dir), 'utf8');
const FLAGS = read('flags');

export class Script {
  private readonly sha: string;

  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      try {
        return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return await redis.eval(this.lua, keys.length, ...keys, ...args);
      }
    } catch (err) {
      throw scriptError(err);
    }
  }
}

const SCRIPT_ERRORS: Record<string, [ChatErrorCode, string]> = {
  CHAT_NOT_FOUND: [ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND, 'no such chat'],
  NOT_A_MEMBER: [ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER, 'you are not in this chat'],
  READ_ONLY: [ChatErrorCode.CHAT_ERROR_READ_ONLY, 'only the chat admins write here'],
  GUESTS_MAY_NOT_WRITE: [
    ChatErrorCode.CHAT_ERROR_GUESTS_MAY_NOT_WRITE,
    'the teacher has not let guests write',
  ],
  COMMENTS_OFF: [ChatErrorCode.CHAT_ERROR_COMMENTS_OFF, 'comments are off'],
  MESSAGE_NOT_FOUND: [ChatErrorCode.CHAT_ERROR_MESSAGE_NOT_FOUND, 'no such message'],
  MESSAGE_DELETED: [ChatErrorCode.CHAT_ERROR_MESSAGE_DELETED, 'the message was deleted'],
  NOT_A_POLL: [ChatErrorCode.CHAT_ERROR_NOT_A_POLL, 'the message is not a poll'],
  POLL_CLOSED: [ChatErrorCode.CHAT_ERROR_POLL_CLOSED, 'the poll is closed'],
  ALREADY_VOTED: [ChatErrorCode.CHAT_ERROR_ALREADY_VOTED, 'you have already voted in this poll'],
  INVALID_OPTIONS: [
    ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT,
    'choose existing options (one, unless multiple)',
  ],
  TOO_MANY_REACTIONS: [ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT, 'too many reactions on one message'],
};

function scriptError(err: unknown): unknown {
  if (err instanceof Error) {
    // Redis puts "ERR " before a script's error that names no code of its own.
    const known = SCRIPT_ERRORS[err.message.replace(/^ERR /, '')];
    if (known) return new ChatError(known[0], known[1]);
  }
  return err;
}

export const scripts = {
  send: new Script(read('send')),
  commit: new Script(read('commit')),
  react: new Script(FLAGS + read('react')),
  vote: new Script(FLAGS + read('vote')),
  important: new Script(FLAGS + read('important')),
  markRead: new Script(read('markRead')),
  summary: new Script(read('summary')),
  changes: new Script(read('changes')),
};
