// "Урок через 15 минут": a reminder on the phones of a scheduled lesson's
// chat members shortly before each occurrence starts (#24, #25). Every host
// looks at the lessons it knows every half minute; the first to claim an
// occurrence in Redis sends its reminder, so it goes out once however many
// hosts run and whichever of them booked the lesson.
import type { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';
import type { ChatStore } from '../messaging/store/chatStore.js';
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
  log: Logger;
  /** How long before the start people are reminded. */
  leadMinutes: number;
  /** How often the lessons are looked at. */
  everyMs?: number;
}

const EVERY_MS = 30_000;

export class LessonReminders {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly d: ReminderDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running = this.running
        .then(() => this.tick())
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

  /** Reminds of every occurrence starting within the lead time not reminded of yet. */
  async tick(now = Date.now()): Promise<void> {
    const soon = this.d.lessons.startingBetween(now, now + this.d.leadMinutes * 60_000);
    for (const lesson of soon) await this.remind(lesson, now);
  }

  private async remind(lesson: UpcomingLesson, now: number): Promise<void> {
    const { redis, chats } = this.d;
    const key = `push:lesson:${lesson.id}:${lesson.startsAt}`;
    const untilStart = Math.max(1, Math.ceil((lesson.startsAt - now) / 1000));
    const claimed = await redis.set(key, '1', 'EX', untilStart + 24 * 3600, 'NX');
    if (claimed !== 'OK') return;
    const chat = await chats.chat(lesson.chatId);
    if (!chat) return;
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
      { lesson: lesson.id, startsAt: lesson.startsAt, people: members.length },
      'lesson reminder',
    );
    await this.d.notifier.deliver(members, {
      // News until the lesson starts; then it is the call's own business.
      ttlSeconds: untilStart,
      urgency: 'high',
      topic: topicOf(`lesson:${lesson.id}`),
      payload: JSON.stringify(payload),
    });
  }
}
