// A teacher schedules a lesson from a chat (#24): the call server keeps the
// meeting and its room; the chat gets the invitation as a message carrying the
// call, so its members join from the message. Only teachers and the school's
// administrators schedule (the role comes from the verified user token).
import { randomBytes } from 'node:crypto';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { ChatError, ChatErrorCode } from './errors.js';
import type { Messenger } from './messenger.js';
import { type Caller, requireWrite } from './permissions.js';
import type { StoredUser } from './records.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

/** What the teacher filled in, checked. */
export interface LessonInput {
  title: string;
  startsAtLocal: string;
  timeZone: string;
  durationMinutes: number;
  weeklyCount: number;
}

/** A scheduled lesson as the call server answers it. */
export interface BookedLesson {
  roomId: string;
  title: string;
  chatId: string;
  startsAt: number;
  durationMinutes: number;
  weeklyCount: number;
  timeZone: string;
  timeZoneText: string;
  shortLink: string;
  code: string;
  password: string;
  invitation: string;
}

/** The call server's side: the meetings book. */
export interface LessonBook {
  /** Refuses (with a sentence) a start that is not a time in the zone, or over already. */
  check(input: LessonInput): string | null;
  book(input: LessonInput, chatId: string, organiser: StoredUser): Promise<BookedLesson>;
  /** A room of its own for a call by link, and the organiser's host link into it. */
  linkCall(title: string, organiser: StoredUser): Promise<Required<cpb.ILinkCall>>;
  /** The organiser's lessons not over yet, soonest first. */
  of(organiserId: string): BookedLesson[];
}

const DURATIONS = { min: 5, max: 24 * 60 };
const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

export class LessonScheduler {
  constructor(
    private readonly messenger: Messenger,
    private readonly book: LessonBook,
  ) {}

  async schedule(caller: Caller, req: cpb.IScheduleLessonRequest): Promise<cpb.IScheduledLesson> {
    const { chat, member } = await this.messenger.chats.access(req.chatId ?? '', caller);
    requireWrite(chat, member, caller);
    requireTeacher(caller);
    const input: LessonInput = {
      title: check.shortText(req.title, 'title', 128, true),
      startsAtLocal: check.shortText(req.startsAt, 'starts_at', 16, true),
      timeZone: check.shortText(req.timeZone, 'time_zone', 64, true),
      durationMinutes: req.durationMinutes ?? 0,
      weeklyCount: req.weeklyCount || 1,
    };
    const bad = (why: string) => new ChatError(ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT, why);
    if (!LOCAL.test(input.startsAtLocal)) throw bad('starts_at must look like 2026-12-01T09:00');
    if (input.durationMinutes < DURATIONS.min || input.durationMinutes > DURATIONS.max) {
      throw bad(`duration_minutes must be ${DURATIONS.min}..${DURATIONS.max}`);
    }
    if (input.weeklyCount < 1 || input.weeklyCount > 52) throw bad('weekly_count must be 1..52');
    const refused = this.book.check(input);
    if (refused) throw bad(refused);
    const lesson = await this.book.book(input, chat.id, caller.user);
    const { message } = await this.messenger.messageStore.append(
      chat.id,
      caller.user.id,
      `lesson-${randomBytes(9).toString('base64url')}`,
      {
        kind: 'call',
        from: caller.user.id,
        name: caller.user.name,
        text: lesson.invitation,
        call: { room: lesson.roomId, title: lesson.title },
      },
    );
    return { ...lesson, seq: message.seq };
  }

  async linkCall(caller: Caller, req: cpb.ICreateLinkCallRequest): Promise<cpb.ILinkCall> {
    requireTeacher(caller);
    const title = check.shortText(req.title, 'title', 128, false) || caller.user.name;
    return this.book.linkCall(title, caller.user);
  }

  list(caller: Caller): cpb.ILessonList {
    if (caller.guest) return { lessons: [] };
    return { lessons: this.book.of(caller.user.id) };
  }
}

function requireTeacher(caller: Caller): void {
  const role = caller.user.role;
  if (caller.guest || (role !== 'teacher' && role !== 'admin')) {
    throw new ChatError(
      ChatErrorCode.CHAT_ERROR_FORBIDDEN,
      'only teachers schedule lessons and calls by link',
    );
  }
}
