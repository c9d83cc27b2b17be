// Every room has a chat ("room.<room id>"): made when someone first enters
// the call, with everyone who was in the call as a member, so it stays
// readable in the messenger after the call. Hosts and co-hosts are its
// admins. A guest reads it from the lesson they came to on (not the room's
// earlier lessons: a lesson ends when a host ends it or the last person
// leaves, and the next arrival starts a new one); someone banned from the call leaves it. A broadcast's
// viewers comment in a second chat ("comments.<room id>") that the organiser
// sets off, on or moderated.
import type { Peer } from '../../signaling/domain/peer.js';
import type { RoleName } from '../../signaling/domain/roles.js';
import type { Room } from '../../signaling/domain/room.js';
import { visibleFromFor } from '../chats.js';
import type { Messenger } from '../messenger.js';
import type { Caller, Reader } from '../permissions.js';
import { DEFAULT_SETTINGS, type MemberRoleName, type StoredUser } from '../records.js';

export const lessonChatId = (roomId: string) => `room.${roomId}`;
export const commentsChatId = (roomId: string) => `comments.${roomId}`;

/** The room a lesson or comments chat belongs to, or null for other chats. */
export function roomOfChat(chatId: string): { roomId: string; comments: boolean } | null {
  if (chatId.startsWith('room.')) return { roomId: chatId.slice(5), comments: false };
  if (chatId.startsWith('comments.')) return { roomId: chatId.slice(9), comments: true };
  return null;
}

/** Redis key of a room's current lesson start (a lesson lasts less than a day). */
const lessonStartKey = (roomId: string) => `lesson-start:${roomId}`;
const LESSON_START_TTL_S = 24 * 3600;

const chatRole = (role: RoleName): MemberRoleName =>
  role === 'host' || role === 'co-host' ? 'admin' : 'member';

export function callerOf(peer: Peer): Caller {
  const id = peer.identity;
  return {
    user: {
      id: id.userId,
      name: id.displayName,
      sort: id.sortName || id.displayName,
      role: 'guest',
      school: '',
    },
    guest: id.role === 'guest',
  };
}

interface Known {
  role: MemberRoleName;
  visibleFrom: number;
}

export class LessonChats {
  /** "chat\nuser" pairs known to be members with their current role, so a request checks nothing twice. */
  private readonly known = new Map<string, Known>();
  /**
   * Per room: the first message of the lesson running now (the chat's next
   * seq at the lesson's first admission). Kept in Redis too, so a host that
   * takes the room over carries on the same lesson.
   */
  private readonly lessonStart = new Map<string, number>();

  constructor(private readonly messenger: Messenger) {}

  /**
   * The call ended here: forget what this host knew of its members (they stay
   * members). Unless it was `handedOver` to another host, the lesson is over.
   */
  forget(roomId: string, handedOver = false): void {
    const prefix = `${lessonChatId(roomId)}\n`;
    for (const key of this.known.keys()) if (key.startsWith(prefix)) this.known.delete(key);
    this.lessonStart.delete(roomId);
    if (!handedOver) this.lessonOver(roomId);
  }

  /**
   * The lesson is over (ended, or the last person left): the next arrival
   * starts a new one, and a guest admitted to it reads from there on.
   * Issued before any later admission's read, on the same connection.
   */
  lessonOver(roomId: string): Promise<void> {
    this.lessonStart.delete(roomId);
    return this.messenger.redis.del(lessonStartKey(roomId)).then(() => undefined);
  }

  /**
   * From which message a participant reads the lesson chat, as far as this
   * host knows; someone not yet admitted reads this lesson's only.
   */
  readerOf(roomId: string, userId: string): Reader {
    const known = this.known.get(`${lessonChatId(roomId)}\n${userId}`);
    return { visibleFrom: known?.visibleFrom ?? this.lessonStart.get(roomId) ?? Number.MAX_SAFE_INTEGER };
  }

  /**
   * A host banned someone from the call: they leave its chat too (the
   * messenger and the call's upload grant stop working for them); the next
   * call admits them again.
   */
  async banned(room: Room, userId: string): Promise<void> {
    const chatId = lessonChatId(room.id);
    this.known.delete(`${chatId}\n${userId}`);
    const store = this.messenger.chatStore;
    const user = (await store.users([userId])).get(userId);
    if (user) await store.removeMember(chatId, user, 'banned');
  }

  /** Makes the room's chats if they do not exist yet (idempotent, also across hosts). */
  async ensure(room: Room): Promise<void> {
    if (!this.lessonStart.has(room.id)) {
      // The first admission of this lesson here: it starts after what is there,
      // unless the lesson began on a host this room was taken over from.
      const key = lessonStartKey(room.id);
      const redis = this.messenger.redis;
      if ((await redis.get(key)) === null) {
        const seq = (await this.messenger.chatStore.chat(lessonChatId(room.id)))?.seq ?? 0;
        await redis.set(key, String(seq + 1), 'EX', LESSON_START_TTL_S, 'NX');
      }
      const start = Number(await redis.get(key));
      if (!this.lessonStart.has(room.id) && start > 0) this.lessonStart.set(room.id, start);
    }
    const title = room.definition.title || room.id;
    const base = { about: '', createdBy: '', roomId: room.id };
    await this.messenger.chatStore.create(
      {
        ...base,
        id: lessonChatId(room.id),
        kind: 'lesson',
        title,
        settings: { ...DEFAULT_SETTINGS, pin: 'admins' },
      },
      [],
    );
    await this.messenger.chatStore.create(
      {
        ...base,
        id: commentsChatId(room.id),
        kind: 'comments',
        title,
        settings: { ...DEFAULT_SETTINGS, comments: 'off' },
      },
      [],
    );
  }

  /**
   * Makes sure a participant is a member of the lesson's chat with the role
   * their call role gives (admins: hosts and co-hosts). Their profile is kept
   * if the school's systems already gave one.
   */
  async admit(room: Room, peer: Peer): Promise<void> {
    const chatId = lessonChatId(room.id);
    const role = chatRole(peer.identity.role);
    const key = `${chatId}\n${peer.identity.userId}`;
    if (this.known.get(key)?.role === role) return;
    await this.ensure(room);
    const caller = callerOf(peer);
    const store = this.messenger.chatStore;
    await store.saveUserIfNew(caller.user);
    const user: StoredUser = (await store.users([caller.user.id])).get(caller.user.id) ?? caller.user;
    let member = await store.member(chatId, user.id);
    if (!member) {
      const chat = await store.chat(chatId);
      if (chat) {
        // A guest does not read the room's earlier lessons.
        const start = this.lessonStart.get(room.id) ?? chat.seq + 1;
        const visibleFrom = callerOf(peer).guest
          ? Math.max(start, visibleFromFor(chat))
          : visibleFromFor(chat);
        await this.messenger.chats.addPeople(chat, [user], 'self', null, visibleFrom);
      }
      member = await store.member(chatId, user.id);
      if (role === 'admin' && member && member.role !== 'admin') {
        await store.setMemberRole(chatId, user.id, member, 'admin');
      }
    } else if (member.role !== role && member.role !== 'creator') {
      await store.setMemberRole(chatId, user.id, member, role);
    }
    this.known.set(key, { role, visibleFrom: member?.visibleFrom ?? 1 });
  }
}
