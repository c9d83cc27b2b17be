// Lessons and meetings for a class: `POST /api/meetings` with
// `"class": {"schoolId", "classId", "audience": "class" | "parents"}` posts
// the invitation into the class chat (or the parents' chat), where each member
// takes their own join link, and the call lets that chat's members in without
// the waiting room. Which room serves which class is kept in Redis, so a
// restarted host (or another host) knows it too.
import type { Logger } from '../common/log.js';
import type { Messenger } from '../messaging/messenger.js';
import type { Meeting } from '../signaling/domain/meetings.js';
import type { Peer } from '../signaling/domain/peer.js';
import type { Room } from '../signaling/domain/room.js';
import type { RoomOwner } from '../signaling/domain/roomDefinition.js';
import { HttpError } from '../signaling/http/httpUtil.js';
import type { MeetingAudience } from '../signaling/http/meetingRoutes.js';
import { classSlot, parentsSlot } from './chatPlan.js';
import { ID_PATTERN } from './parse.js';
import type { DirectoryStore } from './store.js';

export interface ClassTarget {
  schoolId: string;
  classId: string;
  audience: 'class' | 'parents';
  chatId: string;
  /** The invitation's message in the chat (absent for meetings announced before it was kept). */
  seq?: number;
}

const meetingKey = (roomId: string) => `school-call:dir:meeting:${roomId}`;

export class ClassMeetings implements MeetingAudience {
  constructor(
    private readonly store: DirectoryStore | null,
    private readonly messenger: Messenger | null,
    /** Lets a waiting peer in (the call's membership). */
    private readonly admit: (room: Room, peer: Peer) => Promise<void>,
    private readonly log: Logger,
  ) {}

  async resolve(body: Record<string, unknown>): Promise<ClassTarget | null> {
    const raw = body.class;
    if (raw === undefined) return null;
    const c = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const schoolId = typeof c.schoolId === 'string' ? c.schoolId : '';
    const classId = typeof c.classId === 'string' ? c.classId : '';
    const audience = c.audience === undefined ? 'class' : c.audience;
    if (
      !ID_PATTERN.test(schoolId) ||
      !ID_PATTERN.test(classId) ||
      (audience !== 'class' && audience !== 'parents')
    ) {
      throw new HttpError(400, 'class must be {"schoolId", "classId", "audience": "class" | "parents"}');
    }
    if (!this.store) throw new HttpError(503, 'the directory needs REDIS_URL');
    const slots = await this.store.slots(schoolId);
    const chatId = slots.get(audience === 'parents' ? parentsSlot(classId) : classSlot(classId));
    if (!chatId) throw new HttpError(404, `the directory has no class ${classId} in school ${schoolId}`);
    return { schoolId, classId, audience, chatId };
  }

  /** A class's meeting is its school's; its class teacher and the teachers who teach the class are expected. */
  async ownerOf(target: unknown): Promise<RoomOwner> {
    const t = target as ClassTarget;
    const d = await this.store?.load(t.schoolId);
    const classTeacher = d?.classes.find((c) => c.id === t.classId)?.teacher ?? '';
    const staff = (d?.teachers ?? [])
      .filter((p) => p.id === classTeacher || p.lessons.some((l) => l.classId === t.classId))
      .map((p) => p.name);
    return { school: t.schoolId, staff };
  }

  async announce(target: unknown, meeting: Meeting, room: Room, invitation: string) {
    const t = target as ClassTarget;
    const m = this.messenger!;
    await m.redis.set(meetingKey(room.id), JSON.stringify(t));
    const { message } = await m.messageStore.append(t.chatId, '', `meeting-${meeting.id}`, {
      kind: 'call',
      from: '',
      name: 'Расписание',
      text: invitation,
      call: { room: room.id, title: meeting.title },
    });
    await m.redis.set(meetingKey(room.id), JSON.stringify({ ...t, seq: message.seq }));
    await this.letIn(room, t);
    return { class: { ...t, seq: message.seq } };
  }

  /** The class (and chat message) a meeting's room was announced to, or null for other rooms. */
  async targetOf(roomIds: string[]): Promise<(ClassTarget | null)[]> {
    const redis = this.messenger?.redis;
    if (!redis || roomIds.length === 0) return roomIds.map(() => null);
    const found = await redis.mget(...roomIds.map(meetingKey));
    return found.map((j) => (j ? (JSON.parse(j) as ClassTarget) : null));
  }

  /** For every room this host holds: a class meeting's members skip its waiting room. */
  attach(room: Room): void {
    const redis = this.messenger?.redis;
    if (!redis) return;
    void redis
      .get(meetingKey(room.id))
      .then((json) => {
        if (!json) return;
        const target = JSON.parse(json) as ClassTarget;
        void this.letIn(room, target);
        // A new call starts with nobody admitted: the class again.
        room.events.on('callEnded', () => void this.letIn(room, target));
        // Someone who came into the chat after the call began waits only as long as one lookup.
        room.events.on('participantWaiting', ({ peer }) => void this.admitMember(room, target, peer));
      })
      .catch((err: unknown) => this.log.warn({ err, room: room.id }, 'cannot read the class of a meeting'));
  }

  private async letIn(room: Room, t: ClassTarget): Promise<void> {
    try {
      const members = await this.messenger!.chatStore.allMembers(t.chatId);
      for (const id of members.keys()) room.admittedUserIds.add(id);
    } catch (err) {
      this.log.warn({ err, room: room.id }, "cannot read a class meeting's members");
    }
  }

  private async admitMember(room: Room, t: ClassTarget, peer: Peer): Promise<void> {
    try {
      if (await this.messenger!.chatStore.member(t.chatId, peer.identity.userId)) {
        room.admittedUserIds.add(peer.identity.userId);
        await this.admit(room, peer);
      }
    } catch (err) {
      this.log.warn({ err, room: room.id }, 'cannot let a class member in');
    }
  }
}
