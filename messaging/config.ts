// The messenger's settings from environment variables (see
// docs/operators.md, "Configuration"), with defaults for one host.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { boolFromEnv, intFromEnv as int, pathFromEnv } from '../common/envValues.js';
import { type ObjectStoreSettings, objectStoreFromEnv } from '../common/storage/fileStorage.js';

export interface MessagingConfig {
  /** Longest message text, in characters. */
  maxMessageChars: number;
  /** Largest attachment, in bytes (4 GiB by default). */
  maxUploadBytes: number;
  /** Where uploads are streamed to disk as they arrive, and kept unless a bucket is set. */
  uploadDir: string;
  /** The S3-compatible bucket finished uploads move to (S3_*), null to keep them in uploadDir. */
  bucket: ObjectStoreSettings | null;
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
  /** Bytes a person keeps in «Документы» (documents/) until their school sets its own quota. */
  documentsQuotaBytes: number;
  /** What one person may make or send, counted on every host (personLimits.ts). */
  perPerson: PerPersonLimits;
  /** Messenger connections one person holds on this host; a further one closes their oldest. */
  socketsPerPerson: number;
  /** Bots of the school's systems (bots.ts): their limits and webhooks. */
  bots: BotSettings;
}

export interface WebhookSettings {
  /** Private and loopback targets allowed (BOT_WEBHOOK_ALLOW_PRIVATE: tests and development only). */
  allowPrivate: boolean;
  tries: number;
  /** The wait before the second try; each later wait doubles it. */
  firstRetryMs: number;
  timeoutMs: number;
}

export interface BotSettings {
  messagesPerMinute: number;
  pressesPerMinute: number;
  webhooks: WebhookSettings;
}

export interface PerPersonLimits {
  /** Rooms (calls, lessons, calls by link) one person creates in an hour. */
  roomsPerHour: number;
  /** Reactions one person adds or removes in one chat in a minute. */
  reactionsPerMinute: number;
  /** Messages one person sends or forwards (each target chat counts) in a minute, in all chats. */
  messagesPerMinute: number;
  /** Uploads of one person begun and not yet finished. */
  uploadsAtOnce: number;
  /** Bytes one person may upload in a day (declared when an upload begins). */
  uploadBytesPerDay: number;
  /** Homework collections one person creates in an hour (each may remind every pupil missing). */
  collectionsPerHour: number;
  /** Awards one person gives one pupil in an hour (each may be announced). */
  awardsPerPupilPerHour: number;
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
    bucket: objectStoreFromEnv(env),
    editWindowMs: int(env, 'CHAT_EDIT_WINDOW_SECONDS', 24 * 3600, 0, 365 * 24 * 3600) * 1000,
    maxForwardTargets: 12,
    fileUrlTtlSeconds: int(env, 'CHAT_FILE_URL_TTL_SECONDS', 3600, 10, 7 * 24 * 3600),
    maxMembersPerChat: int(env, 'CHAT_MAX_MEMBERS', 5000, 2, 100000),
    unsentUploadMs: int(env, 'CHAT_UNSENT_UPLOAD_SECONDS', 6 * 3600, 1, 30 * 24 * 3600) * 1000,
    documentsQuotaBytes: int(env, 'DOCUMENTS_QUOTA_BYTES', GIB, 1, 1024 * GIB),
    perPerson: {
      roomsPerHour: int(env, 'ROOMS_PER_PERSON_PER_HOUR', 30, 1, 100_000),
      reactionsPerMinute: int(env, 'CHAT_REACTIONS_PER_MINUTE', 60, 1, 100_000),
      messagesPerMinute: int(env, 'CHAT_MESSAGES_PER_MINUTE', 60, 1, 100_000),
      uploadsAtOnce: int(env, 'CHAT_UPLOADS_AT_ONCE', 5, 1, 1000),
      uploadBytesPerDay: int(env, 'CHAT_UPLOAD_BYTES_PER_DAY', 4 * GIB, 1, 1024 * GIB),
      collectionsPerHour: int(env, 'HOMEWORK_COLLECTIONS_PER_HOUR', 20, 1, 100_000),
      awardsPerPupilPerHour: int(env, 'AWARDS_PER_PUPIL_PER_HOUR', 5, 1, 100_000),
    },
    socketsPerPerson: int(env, 'CHAT_SOCKETS_PER_PERSON', 10, 1, 1000),
    bots: {
      messagesPerMinute: int(env, 'BOT_MESSAGES_PER_MINUTE', 60, 1, 100_000),
      pressesPerMinute: int(env, 'BOT_PRESSES_PER_MINUTE', 30, 1, 100_000),
      webhooks: {
        tries: int(env, 'BOT_WEBHOOK_TRIES', 8, 1, 100),
        timeoutMs: 5000,
        allowPrivate: boolFromEnv(env, 'BOT_WEBHOOK_ALLOW_PRIVATE', false),
        firstRetryMs: int(env, 'BOT_WEBHOOK_FIRST_RETRY_MS', 1000, 10, 60_000),
      },
    },
  };
}
