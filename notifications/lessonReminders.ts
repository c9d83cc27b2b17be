// "Урок через 15 минут" and "Урок начинается": reminders of a scheduled
// lesson to its chat's members (the teacher and the class) shortly before
// each occurrence starts and at its start (#24, #25): a note in the chat,
// which the messenger shows as a banner, and a push on their phones (quiet
// hours respected, Notifier.deliver). Every host looks at the lessons every
// half minute; the first to claim a moment of an occurrence in Redis sends
// it, so it goes out once however many hosts run, and a host that was down
// sends what is still due when it is back (the note's client message id
// is the moment's, so a host dying between the two sends no second note).
import type { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';
import type { ChatStore } from '../messaging/store/chatStore.js';
import type { MessageStore } from '../messaging/store/messageStore.js';
import { type Notifier, type PushPayload, chatUrl, topicOf } from './notifier.js';

/** One occurrence of a lesson scheduled into a chat. */
export interface UpcomingLesson {
  /** The lesson's (meeting's) id. */
  id: string;
  title: string;
  chatId: string;
  startsAt: number;
}

/** The call server's scheduled lessons, as the reminders need them. */
export interface UpcomingLessons {
  /** Occurrences starting in (from, to], of lessons scheduled into a chat. */
  startingBetween(from: number, to: number): UpcomingLesson[];
}

export interface ReminderDeps {
  lessons: UpcomingLessons;
  notifier: Notifier;
  redis: Redis;
  chats: ChatStore;
  messages: MessageStore;
  log: Logger;
  /** How long before the start people are reminded. */
  leadMinutes: number;
  /** How often the lessons are looked at. */
  everyMs?: number;
  /** The time (tests move it forward: test/helpers/clock.ts). */
  now?: () => number;
}

const EVERY_MS = 30_000;
/** A host back from a restart still says a lesson started up to this late. */
const START_GRACE_MS = 10 * 60_000;

/** Which reminder of an occurrence: before it, or at its start. */
type Moment = 'soon' | 'start';

export class LessonReminders {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly d: ReminderDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running = this.running
        .then(() => this.tick(this.d.now?.() ?? Date.now()))
        .catch((err: unknown) => {
          this.d.log.warn({ err }, 'lesson reminders not sent');
        });
    }, this.d.everyMs ?? EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Reminds of every occurrence starting within the lead time, and of every one starting now, not reminded of yet. */
  async tick(now = Date.now()): Promise<void> {
    const soon = this.d.lessons.startingBetween(now, now + this.d.leadMinutes * 60_000);
    for (const lesson of soon) await this.remind(lesson, now, 'soon');
    for (const lesson of this.d.lessons.startingBetween(now - START_GRACE_MS, now)) {
      await this.remind(lesson, now, 'start');
    }
  }

  private async remind(lesson: UpcomingLesson, now: number, moment: Moment): Promise<void> {
    const { redis, chats } = this.d;
    // The key of the first reminder is the one hosts already claimed before the second existed.
    const key = `push:lesson:${lesson.id}:${lesson.startsAt}${moment === 'start' ? ':start' : ''}`;
    const untilStart = Math.max(0, Math.ceil((lesson.startsAt - now) / 1000));
    const claimed = await redis.set(key, '1', 'EX', untilStart + 24 * 3600, 'NX');
    if (claimed !== 'OK') return;
    const chat = await chats.chat(lesson.chatId);
    if (!chat) return;
    const before = moment === 'start' ? 0 : Math.max(1, Math.ceil(untilStart / 60));
    await this.d.messages.append(lesson.chatId, '', `remind-${lesson.id}-${lesson.startsAt}-${moment}`, {
      kind: 'text',
      from: '',
      name: '',
      // What a client that does not know the banner shows.
      text: before ? `Урок «${lesson.title}» через ${before} мин` : `Урок «${lesson.title}» начинается`,
      remind: { title: lesson.title, at: lesson.startsAt, before },
    });
    const members = [...(await chats.allMembers(lesson.chatId)).keys()];
    const payload: PushPayload = {
      v: 1,
      kind: 'lesson',
      chat: lesson.chatId,
      seq: 0,
      chatTitle: chat.title,
      direct: chat.kind === 'direct',
      author: '',
      text: lesson.title,
      files: 0,
      poll: '',
      url: chatUrl(lesson.chatId),
      startsAt: lesson.startsAt,
    };
    this.d.log.info(
      { lesson: lesson.id, startsAt: lesson.startsAt, moment, people: members.length },
      'lesson reminder',
    );
    await this.d.notifier.deliver(members, {
      // News until the lesson starts (the one at the start: for its first minutes).
      ttlSeconds: moment === 'start' ? 600 : Math.max(1, untilStart),
      urgency: 'high',
      topic: topicOf(`lesson:${lesson.id}`),
      payload: JSON.stringify(payload),
    });
  }
}
