// Listens to each room's events and writes who came to the lesson running
// there: a lesson starts at the room's first arrival and ends when a host
// ends the call or the last person leaves (as the lesson chat's lesson does,
// messaging/lesson/lessonChats.ts). A handover to another host keeps the
// lesson and everyone's open visit. Writes for one room go one after another,
// in the order of the room's events; their times are the events' own.
import type { Logger } from '../common/log.js';
import type { Peer } from '../signaling/domain/peer.js';
import type { RoleName } from '../signaling/domain/roles.js';
import type { Room } from '../signaling/domain/room.js';
import type { AttendanceStore, Counter, LessonRow } from './store.js';

export interface TrackerDeps {
  store: AttendanceStore;
  /** The chat a room's lessons are handed back to ('' if none). */
  classChatOf(roomId: string): Promise<string>;
  /** The room's lesson chat's last message (0 if it has none). */
  lessonChatSeq(roomId: string): Promise<number>;
  /** A lesson ended here (once, whichever host saw it end). */
  ended(lesson: LessonRow): Promise<void>;
  now: () => number;
  log: Logger;
}

/** The proto's LessonRole numbers: lower is higher. */
const ROLE: Record<RoleName, number> = { host: 1, 'co-host': 2, participant: 3, guest: 4 };

export class AttendanceTracker {
  /** Per room: the writes not done yet, chained. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Per room: the running lesson's id, once known here. */
  private readonly lessons = new Map<string, string>();
  /** Per participant: when their hand went up, to count each raise once. */
  private readonly hands = new Map<string, number>();

  constructor(private readonly d: TrackerDeps) {}

  attach(room: Room): void {
    const ev = room.events;
    ev.on('participantJoined', ({ peer }) => {
      const at = this.d.now();
      this.inLesson(room, (id) => this.d.store.arrived(id, attendeeOf(peer), at));
    });
    ev.on('roleChanged', ({ peer }) => {
      this.inLesson(room, (id) => this.d.store.roleHeld(id, peer.identity.userId, ROLE[peer.identity.role]));
    });
    ev.on('participantUpdated', ({ peer }) => {
      const was = this.hands.get(peer.identity.participantId) ?? 0;
      if (peer.handRaisedAt === was) return;
      this.hands.set(peer.identity.participantId, peer.handRaisedAt);
      if (peer.handRaisedAt) this.count(room, peer, 'hands');
    });
    ev.on('chatMessageSent', ({ peer }) => this.count(room, peer, 'messages'));
    ev.on('pollAnswered', ({ peer }) => this.count(room, peer, 'poll_answers'));
    ev.on('participantLeft', ({ peer }) => {
      const at = this.d.now();
      this.hands.delete(peer.identity.participantId);
      this.known(room, (id) => this.d.store.left(id, peer.identity.userId, at));
      if (room.peers.size === 0) this.end(room, at);
    });
    ev.on('callEnded', ({ handedOver }) => {
      if (handedOver) this.queue(room, async () => void this.lessons.delete(room.id));
      else this.end(room, this.d.now());
    });
  }

  /** Waits for every write this host still has to do. */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  private count(room: Room, peer: Peer, what: Counter): void {
    this.known(room, (id) => this.d.store.count(id, peer.identity.userId, what));
  }

  private end(room: Room, at: number): void {
    this.known(room, async (id) => {
      this.lessons.delete(room.id);
      const ended = await this.d.store.end(id, at, await this.d.lessonChatSeq(room.id));
      if (ended) await this.d.ended(ended);
    });
  }

  /** Runs `job` on the room's running lesson, starting one if none runs. */
  private inLesson(room: Room, job: (lessonId: string) => Promise<void>): void {
    this.queue(room, async () => job(await this.lessonOf(room)));
  }

  /** Runs `job` on the room's running lesson if there is one (nobody came: nothing to end). */
  private known(room: Room, job: (lessonId: string) => Promise<void>): void {
    this.queue(room, async () => {
      const id = this.lessons.get(room.id) ?? (await this.d.store.runningOf(room.id))?.id;
      if (id) await job(id);
    });
  }

  private queue(room: Room, job: () => Promise<void>): void {
    const next = (this.queues.get(room.id) ?? Promise.resolve())
      .then(job)
      .catch((err: unknown) => this.d.log.error({ err, room: room.id }, 'attendance not written'));
    this.queues.set(room.id, next);
    void next.then(() => {
      if (this.queues.get(room.id) === next) this.queues.delete(room.id);
    });
  }

  private async lessonOf(room: Room): Promise<string> {
    const known = this.lessons.get(room.id);
    if (known) return known;
    const lesson = await this.d.store.running(
      {
        roomId: room.id,
        school: room.definition.owner?.school ?? '',
        title: room.definition.title || room.id,
        classChat: await this.d.classChatOf(room.id),
        firstSeq: (await this.d.lessonChatSeq(room.id)) + 1,
        startedAt: this.d.now(),
      },
      // Its host died and nobody came back for a day: that lesson is over.
      async (stale) => {
        const ended = await this.d.store.end(stale.id, this.d.now(), await this.d.lessonChatSeq(room.id));
        if (ended) await this.d.ended(ended);
      },
    );
    this.lessons.set(room.id, lesson.id);
    return lesson.id;
  }
}

function attendeeOf(peer: Peer) {
  const id = peer.identity;
  return {
    userId: id.userId,
    name: id.displayName,
    role: ROLE[id.role],
    guest: id.tokenRole === 'guest' || id.role === 'guest',
  };
}
