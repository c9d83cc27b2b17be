// «Итоги урока»: the recap card posted to the class chat when a lesson ends,
// and the lesson's page as one person may see it. Who sees what follows the
// school's rules: the page is for the lesson's people and the class chat's
// members; who came (attendance) only for the lesson's hosts, the class
// chat's teachers and the school's admins; the chat log as the messenger's
// read rule lets the asker read the lesson chat (messages.history).
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { ChatError, ChatErrorCode, forbidden, invalid } from '../messaging/errors.js';
import { lessonChatId } from '../messaging/lesson/lessonChats.js';
import type { Messenger } from '../messaging/messenger.js';
import { type Caller, isChatAdmin } from '../messaging/permissions.js';
import type { AttendanceStore, AttendeeRow, LessonRow } from './store.js';

import cpb = schoolcall.chat.v1;

const ID = /^[A-Za-z0-9_.-]{1,64}$/;
const CHAT_LOG_MAX = 100;

/** Posts the lesson's card to its class chat (once: the message's client id is the lesson's). */
export async function postRecap(messenger: Messenger, lesson: LessonRow): Promise<void> {
  if (!lesson.classChat || lesson.endedAt === null) return;
  await messenger.messageStore.append(lesson.classChat, '', `recap-${lesson.id}`, {
    kind: 'text',
    from: '',
    name: '',
    // What a client that does not know the card shows (and the push says).
    text: `Итоги урока: ${lesson.title}`,
    recap: { lesson: lesson.id, title: lesson.title, from: lesson.startedAt, to: lesson.endedAt },
  });
}

const notFound = () => new ChatError(ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND, 'no such lesson');

export class RecapPages {
  constructor(
    private readonly store: AttendanceStore,
    private readonly messenger: Messenger,
  ) {}

  async view(caller: Caller, req: cpb.IGetLessonRecapRequest): Promise<cpb.ILessonRecapPage> {
    if (caller.guest) throw forbidden('guests have no lesson pages');
    const lessonId = req.lessonId ?? '';
    const roomId = req.roomId ?? '';
    if ((lessonId && !ID.test(lessonId)) || (roomId && !ID.test(roomId)) || (!lessonId && !roomId)) {
      throw invalid('lesson_id or room_id');
    }
    const lesson = lessonId ? await this.store.lesson(lessonId) : await this.store.latestOfRoom(roomId);
    if (!lesson) throw notFound();
    const sees = await this.sight(caller, lesson);
    // Someone the school's rules do not let in learns nothing, not even that the lesson exists.
    if (sees === 'nothing') throw notFound();
    return {
      lesson: {
        lessonId: lesson.id,
        title: lesson.title,
        startedAt: lesson.startedAt,
        endedAt: lesson.endedAt ?? 0,
      },
      chatId: lesson.classChat,
      ended: lesson.endedAt !== null,
      chatLog: await this.chatLog(caller, lesson),
      attendanceShown: sees === 'all',
      attendance: sees === 'all' ? (await this.store.attendees(lesson.id)).map(toWire) : [],
    };
  }

  /** 'all' with attendance; 'page' without; 'nothing'. */
  private async sight(caller: Caller, lesson: LessonRow): Promise<'all' | 'page' | 'nothing'> {
    const user = caller.user;
    if (user.role === 'admin' && lesson.school !== '' && user.school === lesson.school) return 'all';
    const me = await this.store.attendee(lesson.id, user.id);
    if (me && !me.guest && me.role <= cpb.LessonRole.LESSON_ROLE_CO_HOST) return 'all';
    const member = lesson.classChat ? await this.messenger.chatStore.member(lesson.classChat, user.id) : null;
    if (member && isChatAdmin(member.role) && (user.role === 'teacher' || user.role === 'admin'))
      return 'all';
    return member || (me && !me.guest) ? 'page' : 'nothing';
  }

  /** The lesson's messages as the caller may read the lesson chat (none if they may not). */
  private async chatLog(caller: Caller, lesson: LessonRow): Promise<cpb.IChatMessage[]> {
    const last = lesson.lastSeq ?? Number.MAX_SAFE_INTEGER;
    if (last < lesson.firstSeq) return [];
    try {
      const page = await this.messenger.messages.history(caller, {
        chatId: lessonChatId(lesson.roomId),
        fromSeq: lesson.firstSeq,
        limit: CHAT_LOG_MAX,
      });
      return (page.messages ?? []).filter((m) => (m.seq ?? 0) <= last && !m.deleted);
    } catch (err) {
      if (err instanceof ChatError) return [];
      throw err;
    }
  }
}

function toWire(a: AttendeeRow): cpb.ILessonAttendee {
  return {
    userId: a.userId,
    name: a.name,
    role: a.role,
    guest: a.guest,
    firstJoinedAt: a.firstJoinedAt,
    lastLeftAt: a.lastLeftAt ?? 0,
    seconds: a.seconds,
    visits: a.visits,
    handsRaised: a.hands,
    messages: a.messages,
    pollAnswers: a.pollAnswers,
  };
}
