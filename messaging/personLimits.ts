// What one person may make or send in the messenger, counted on every host
// (signaling/security/sharedLimits.ts): rooms created in an hour (a pupil
// signed in as a teacher made 300 rooms in 13 s), reactions in a chat in a
// minute (20 sessions of one pupil: 600 a second, each an update to every
// member), messages sent in a minute (one pupil's 20 sockets on two hosts
// posted 4233 messages in 8 s), uploads begun and not finished, bytes
// uploaded in a day (one pupil stored 384 MiB in 3.5 s and opened 200
// uploads of 4 GiB), homework collections created in an hour and awards
// given to one pupil in an hour (30 collections, each reminded, sent a pupil
// 30 messages). A refusal
// is CHAT_ERROR_RATE_LIMITED, counted in `school_call_limit_refused_total`.
import type { SharedLimits, Slots, WindowLimit } from '../signaling/security/sharedLimits.js';
import type { PerPersonLimits } from './config.js';
import { ChatError, ChatErrorCode } from './errors.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Why an upload was refused: the person's uploads at once, or the day's bytes. */
export type UploadRefusal = 'uploads_at_once' | 'upload_bytes_per_day';

export class PersonLimits {
  private readonly rooms: WindowLimit;
  private readonly reactions: WindowLimit;
  private readonly messages: WindowLimit;
  private readonly uploadBytes: WindowLimit;
  private readonly uploads: Slots;
  private readonly collections: WindowLimit;
  private readonly awards: WindowLimit;

  constructor(
    limits: SharedLimits,
    private readonly config: PerPersonLimits,
    /** How long an unfinished upload holds its slot (it is removed then). */
    unsentUploadMs: number,
  ) {
    this.rooms = limits.window({ name: 'rooms_per_person', limit: config.roomsPerHour, windowMs: HOUR });
    this.reactions = limits.window({
      name: 'reactions_per_person',
      limit: config.reactionsPerMinute,
      windowMs: 60_000,
    });
    this.messages = limits.window({
      name: 'messages_per_person',
      limit: config.messagesPerMinute,
      windowMs: 60_000,
    });
    this.uploadBytes = limits.window({
      name: 'upload_bytes_per_day',
      limit: config.uploadBytesPerDay,
      windowMs: DAY,
    });
    this.uploads = limits.slots({ name: 'uploads_at_once', leaseMs: unsentUploadMs });
    this.collections = limits.window({
      name: 'collections_per_person',
      limit: config.collectionsPerHour,
      windowMs: HOUR,
    });
    this.awards = limits.window({
      name: 'awards_per_pupil',
      limit: config.awardsPerPupilPerHour,
      windowMs: HOUR,
    });
  }

  /** Before a homework collection of `personId` is stored. */
  async collection(personId: string): Promise<void> {
    if (!(await this.collections.take(personId)).ok) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'too many new collections this hour; wait');
    }
  }

  /** Before `giverId`'s award to each of `pupilIds` is stored: refused if any pupil had enough from them. */
  async award(giverId: string, pupilIds: string[]): Promise<void> {
    const verdicts = await Promise.all(pupilIds.map((id) => this.awards.take(`${giverId}|${id}`)));
    if (verdicts.some((v) => !v.ok)) {
      throw new ChatError(
        ChatErrorCode.CHAT_ERROR_RATE_LIMITED,
        'too many awards to this pupil this hour; wait',
      );
    }
  }

  /** Before a room is made for `personId`. */
  async room(personId: string): Promise<void> {
    if (!(await this.rooms.take(personId)).ok) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'too many new calls this hour; wait');
    }
  }

  /** Before a reaction of `personId` in `chatId` is stored. */
  async reaction(personId: string, chatId: string): Promise<void> {
    if (!(await this.reactions.take(`${personId}|${chatId}`)).ok) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'too many reactions; wait a minute');
    }
  }

  /** Before `count` messages of `personId` are sent (a forward to several chats counts each). */
  async messagesSent(personId: string, count = 1): Promise<void> {
    if (!(await this.messages.take(personId, count)).ok) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'too many messages; wait a minute');
    }
  }

  /** Before an upload of `bytes` begins: a slot among the person's unfinished ones, then the day's bytes. */
  async uploadBegins(personId: string, uploadId: string, bytes: number): Promise<UploadRefusal | null> {
    const slot = await this.uploads.hold(uploadId, [{ key: personId, max: this.config.uploadsAtOnce }]);
    if (!('release' in slot)) return 'uploads_at_once';
    if (!(await this.uploadBytes.take(personId, bytes)).ok) {
      await slot.release();
      return 'upload_bytes_per_day';
    }
    return null;
  }

  /** The upload finished (or was removed): its slot comes free. */
  async uploadEnds(personId: string, uploadId: string): Promise<void> {
    await this.uploads.release(uploadId, [personId]);
  }
}
