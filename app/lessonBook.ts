// The meetings book as the messenger's lesson scheduler sees it (#24): a
// lesson a teacher schedules from a chat is a meeting with its own room, its
// organiser and its chat, worded in Russian with the zone in words.
import { zoneText } from '../common/timeZones.js';
import type { BookedLesson, LessonBook, LessonInput } from '../messaging/lessonSchedule.js';
import type { UpcomingLesson, UpcomingLessons } from '../notifications/lessonReminders.js';
import {
  type Meeting,
  type MeetingBook,
  invitationText,
  isValidTimeZone,
  occurrences,
} from '../signaling/domain/meetings.js';
import type { RoomOwner } from '../signaling/domain/roomDefinition.js';
import type { RoomRegistry } from '../signaling/domain/roomRegistry.js';
import type { JoinTokens } from '../signaling/http/joinTokens.js';

export function meetingLessonBook(
  registry: RoomRegistry,
  meetings: MeetingBook,
  joinTokens: JoinTokens,
  publicUrl: () => string,
): LessonBook {
  /** The lesson at its next occurrence not over at `now` (its first when booking); null when all are over. */
  const booked = (m: Meeting, now = 0): BookedLesson | null => {
    const room = registry.get(m.roomId);
    const first = occurrences(m).find((d) => d.getTime() + m.durationMinutes * 60_000 > now);
    if (!room || !first) return null;
    const join = {
      shortLink: `${publicUrl()}/j/${room.definition.code}`,
      code: room.definition.code,
      password: room.definition.password,
    };
    return {
      roomId: m.roomId,
      title: m.title,
      chatId: m.chatId ?? '',
      startsAt: first.getTime(),
      durationMinutes: m.durationMinutes,
      weeklyCount: m.weeklyCount,
      timeZone: m.timeZone,
      timeZoneText: zoneText(m.timeZone, m.language ?? 'ru', first.getTime()),
      ...join,
      invitation: invitationText(m, join),
    };
  };
  return {
    check(input) {
      if (!isValidTimeZone(input.timeZone)) return 'time_zone must be an IANA zone like Europe/Moscow';
      const [first] = occurrences({ ...input, language: 'ru' });
      if (!first) return 'starts_at is not a time';
      if (first.getTime() + input.durationMinutes * 60_000 < Date.now())
        return 'the lesson would be over already';
      return null;
    },
    async book(input: LessonInput, chatId, organiser) {
      const room = await registry.createStored({ title: input.title, owner: ownerOf(organiser) });
      const meeting: Meeting = {
        ...input,
        language: 'ru',
        id: room.id,
        roomId: room.id,
        createdAt: new Date(),
        organiser: { id: organiser.id, name: organiser.name, schoolId: organiser.school },
        chatId,
      };
      await meetings.add(meeting);
      const lesson = booked(meeting);
      if (!lesson) throw new Error(`room ${room.id} of a new lesson is gone`);
      return lesson;
    },
    async linkCall(title, organiser) {
      const room = await registry.createStored({ title, owner: ownerOf(organiser) });
      const host = { displayName: organiser.name, userId: organiser.id, sortName: organiser.sort };
      const { joinUrl } = await joinTokens.mint(room, host, 'host');
      return {
        roomId: room.id,
        title,
        shortLink: `${publicUrl()}/j/${room.definition.code}`,
        code: room.definition.code,
        password: room.definition.password,
        joinUrl,
      };
    },
    of(organiserId) {
      const now = Date.now();
      return meetings
        .all()
        .filter((m) => m.organiser?.id === organiserId)
        .map((m) => booked(m, now))
        .filter((l): l is BookedLesson => l !== null)
        .sort((a, b) => a.startsAt - b.startsAt);
    },
  };
}

/** A room a teacher makes is their school's, and they are expected in it. */
function ownerOf(organiser: { name: string; school: string }): RoomOwner {
  return { school: organiser.school, staff: [organiser.name] };
}

/** Every lesson scheduled into a chat, as occurrences for the reminders (notifications/lessonReminders.ts). */
export function upcomingLessons(meetings: MeetingBook): UpcomingLessons {
  // A meeting is replaced, not changed, when edited: its start instants are worked out once.
  const starts = new WeakMap<Meeting, number[]>();
  const startsOf = (m: Meeting) => {
    let list = starts.get(m);
    if (!list) {
      list = occurrences(m)
        .map((d) => d.getTime())
        .sort((x, y) => x - y);
      starts.set(m, list);
    }
    return list;
  };
  return {
    startingBetween(from, to) {
      const out: UpcomingLesson[] = [];
      for (const m of meetings.all()) {
        if (!m.chatId) continue;
        const list = startsOf(m);
        // A term of weekly lessons is a few hundred starts: find the window, do not walk them all.
        for (let i = firstAfter(list, from); i < list.length && list[i]! <= to; i++) {
          out.push({ id: m.id, title: m.title, chatId: m.chatId, startsAt: list[i]! });
        }
      }
      return out;
    },
  };
}

/** The index of the first value greater than `t` in an ascending list. */
function firstAfter(list: number[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
