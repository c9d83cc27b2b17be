// The admin API for scheduled meetings: each has its own room, and the
// answer carries the invitation text.
import type { Logger } from '../../common/log.js';
import {
  type Meeting,
  type MeetingBook,
  type MeetingInput,
  invitationText,
  isValidTimeZone,
  occurrences,
  parseLocal,
} from '../domain/meetings.js';
import type { Room } from '../domain/room.js';
import type { RoomOwner } from '../domain/roomDefinition.js';
import type { RoomRegistry } from '../domain/roomRegistry.js';
import { HttpError, sendJson } from './httpUtil.js';
import type { HttpRouter } from './router.js';
import { optionalInt, optionalString, parseOwner, parseSettings } from './validate.js';

/**
 * Who a meeting is for, when the request names one (the directory: a class or
 * its parents). `resolve` checks the body's field before anything is created
 * (HttpError to refuse; null when absent); `announce` runs once the meeting
 * exists (posts the invitation, lets those people skip the waiting room).
 */
export interface MeetingAudience {
  resolve(body: Record<string, unknown>): Promise<unknown | null>;
  /** Whose a meeting for this audience is: the school, and the staff expected (the class's teachers). */
  ownerOf(target: unknown): Promise<RoomOwner | undefined>;
  announce(
    target: unknown,
    meeting: Meeting,
    room: Room,
    invitation: string,
  ): Promise<Record<string, unknown>>;
}
/** Makes the public broadcast link of a meeting scheduled as a broadcast (the recorder feature). */
export type BroadcastScheduler = (roomId: string, title: string) => { url: string };

export interface MeetingRoutesDeps {
  audience?: MeetingAudience | null;
  registry: RoomRegistry;
  meetings: MeetingBook;
  publicUrl: string;
  log: Logger;
  deleteRoom(room: Room): Promise<void>;
  scheduleBroadcast: BroadcastScheduler;
}

/**
 * A meeting's fields from a request body (the admin API and a teacher's
 * request alike), refused with a 400 naming the field; also that it is not
 * over already.
 */
export function readMeetingInput(body: Record<string, unknown>): { input: MeetingInput; broadcast: boolean } {
  const title = optionalString(body, 'title', 200);
  if (!title) throw new HttpError(400, 'title is required');
  const startsAtLocal = optionalString(body, 'startsAt', 16) ?? '';
  if (!parseLocal(startsAtLocal))
    throw new HttpError(400, 'startsAt must be a local time like 2026-12-01T09:00');
  const timeZone = optionalString(body, 'timeZone', 64) ?? '';
  if (!isValidTimeZone(timeZone))
    throw new HttpError(400, 'timeZone must be an IANA zone like Europe/Moscow');
  const durationMinutes = optionalInt(body, 'durationMinutes', 5, 24 * 60);
  if (durationMinutes === undefined) throw new HttpError(400, 'durationMinutes is required');
  let weeklyCount = 1;
  if (body.recurrence !== undefined) {
    const r = body.recurrence as Record<string, unknown>;
    if (typeof r !== 'object' || r === null || r.weekly !== true) {
      throw new HttpError(400, 'recurrence must be {"weekly": true, "count": N}');
    }
    weeklyCount = optionalInt(r, 'count', 1, 52) ?? 52;
  }
  const language = optionalString(body, 'language', 2) ?? 'ru';
  if (language !== 'ru' && language !== 'en') throw new HttpError(400, 'language must be "ru" or "en"');
  if (body.broadcast !== undefined && typeof body.broadcast !== 'boolean') {
    throw new HttpError(400, 'broadcast must be true or false');
  }
  const input: MeetingInput = { title, startsAtLocal, durationMinutes, timeZone, weeklyCount, language };
  const [first] = occurrences(input);
  if (!first || first.getTime() + durationMinutes * 60_000 < Date.now()) {
    throw new HttpError(400, 'the meeting would be over already');
  }
  return { input, broadcast: body.broadcast === true };
}

export function registerMeetingRoutes(router: HttpRouter, deps: MeetingRoutesDeps): void {
  const { registry, meetings, log } = deps;
  const admin = { admin: true };

  const meetingJson = (m: Meeting) => {
    const room = registry.get(m.roomId);
    const join = room
      ? {
          shortLink: `${deps.publicUrl}/j/${room.definition.code}`,
          code: room.definition.code,
          password: room.definition.password,
        }
      : { shortLink: '', code: '', password: '' };
    return {
      id: m.id,
      roomId: m.roomId,
      title: m.title,
      startsAtLocal: m.startsAtLocal,
      timeZone: m.timeZone,
      durationMinutes: m.durationMinutes,
      weeklyCount: m.weeklyCount,
      language: m.language ?? 'ru',
      occurrences: occurrences(m).map((d) => d.toISOString()),
      ...join,
      broadcastUrl: m.broadcastUrl ?? null,
      invitation: invitationText(m, join),
    };
  };

  router.route('post', '/api/meetings', 'create_meeting', admin, async (reply, req) => {
    const body = await req.json();
    const { input, broadcast } = readMeetingInput(body);
    const { title, weeklyCount } = input;
    const [first] = occurrences(input);
    const target = (await deps.audience?.resolve(body)) ?? null;
    const owner = parseOwner(body.owner) ?? (target ? await deps.audience!.ownerOf(target) : undefined);
    const room = await registry.createStored({ title, settings: parseSettings(body.settings), owner });
    const meeting: Meeting = { ...input, id: room.id, roomId: room.id, createdAt: new Date() };
    // Viewers without an account watch at this link; it goes live when the host joins.
    if (broadcast) meeting.broadcastUrl = deps.scheduleBroadcast(room.id, title).url;
    await meetings.add(meeting);
    log.info({ meeting: meeting.id, startsAt: first!.toISOString(), weeklyCount }, 'meeting scheduled');
    const json = meetingJson(meeting);
    const announced = target ? await deps.audience!.announce(target, meeting, room, json.invitation) : {};
    sendJson(reply, 201, { ...json, ...announced });
  });

  router.route('get', '/api/meetings', 'list_meetings', admin, (reply) => {
    sendJson(reply, 200, { meetings: meetings.all().map(meetingJson) });
  });

  router.route('get', '/api/meetings/:id', 'get_meeting', admin, (reply, { params: [id] }) => {
    const m = meetings.get(id ?? '');
    if (!m) throw new HttpError(404, 'meeting not found');
    sendJson(reply, 200, meetingJson(m));
  });

  router.route('del', '/api/meetings/:id', 'delete_meeting', admin, async (reply, { params: [id] }) => {
    const m = meetings.get(id ?? '');
    if (!m) throw new HttpError(404, 'meeting not found');
    await meetings.delete(m.id);
    const room = await registry.find(m.roomId);
    if (room) await deps.deleteRoom(room);
    sendJson(reply, 200, { deleted: m.id });
  });
}
