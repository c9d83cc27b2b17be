// The messenger's settings from environment variables (see
// docs/operators.md, "Configuration"), with defaults for one host.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { intFromEnv as int, pathFromEnv } from '../common/envValues.js';

export interface MessagingConfig {
  /** Longest message text, in characters. */
  maxMessageChars: number;
  /** Largest attachment, in bytes (4 GiB by default). */
  maxUploadBytes: number;
  /** Where uploads are stored, streamed to disk as they arrive. */
  uploadDir: string;
  /** How long an edit stays possible after sending. */
  editWindowMs: number;
  /** How many chats one forward may reach. */
  maxForwardTargets: number;
  /** How long a signed download link stays valid. */
  fileUrlTtlSeconds: number;
  /** Largest chat a person may create or fill through the protocol. */
  maxMembersPerChat: number;
  /** An upload that is in no message this long after it began is removed. */
  unsentUploadMs: number;
}

export const GIB = 1024 ** 3;

export function loadMessagingConfig(env: NodeJS.ProcessEnv = process.env): MessagingConfig {
  return {
    maxMessageChars: int(env, 'CHAT_MAX_MESSAGE_CHARS', 4096, 16, 65536),
    maxUploadBytes: int(env, 'CHAT_MAX_UPLOAD_BYTES', 4 * GIB, 1, 64 * GIB),
    uploadDir: pathFromEnv(
      env,
      'CHAT_UPLOAD_DIR',
      join(env.XDG_DATA_HOME || join(homedir(), '.local/share'), 'school-call/uploads'),
    ),
    editWindowMs: int(env, 'CHAT_EDIT_WINDOW_SECONDS', 24 * 3600, 0, 365 * 24 * 3600) * 1000,
    maxForwardTargets: 12,
    fileUrlTtlSeconds: int(env, 'CHAT_FILE_URL_TTL_SECONDS', 3600, 10, 7 * 24 * 3600),
    maxMembersPerChat: int(env, 'CHAT_MAX_MEMBERS', 5000, 2, 100000),
    unsentUploadMs: int(env, 'CHAT_UNSENT_UPLOAD_SECONDS', 24 * 3600, 1, 30 * 24 * 3600) * 1000,
  };
}
