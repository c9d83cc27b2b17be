// Every room has a chat ("room.<room id>"): made when someone first enters
// the call, with everyone who was in the call as a member, so it stays
// readable in the messenger after the call. Hosts and co-hosts are its
// admins. A broadcast's viewers comment in a second chat
// ("comments.<room id>") that the organiser sets off, on or moderated.
import type { Peer } from '../../signaling/domain/peer.js';
import type { RoleName } from '../../signaling/domain/roles.js';
import type { Room } from '../../signaling/domain/room.js';
import type { Messenger } from '../messenger.js';
import type { Caller } from '../permissions.js';
import { DEFAULT_SETTINGS, type MemberRoleName, type StoredUser } from '../records.js';

export const lessonChatId = (roomId: string) => `room.${roomId}`;
export const commentsChatId = (roomId: string) => `comments.${roomId}`;

/** The room a lesson or comments chat belongs to, or null for other chats. */
export function roomOfChat(chatId: string): { roomId: string; comments: boolean } | null {
  if (chatId.startsWith('room.')) return { roomId: chatId.slice(5), comments: false };
  if (chatId.startsWith('comments.')) return { roomId: chatId.slice(9), comments: true };
  return null;
}

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

export class LessonChats {
  /** "chat\nuser" pairs known to be members with their current role, so a request checks nothing twice. */
  private readonly known = new Map<string, MemberRoleName>();

  constructor(private readonly messenger: Messenger) {}

  /** The call ended: forget what this host knew of its members (they stay members). */
  forget(roomId: string): void {
    const prefix = `${lessonChatId(roomId)}\n`;
    for (const key of this.known.keys()) if (key.startsWith(prefix)) this.known.delete(key);
  }

  /** Makes the room's chats if they do not exist yet (idempotent, also across hosts). */
  async ensure(room: Room): Promise<void> {
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
    if (this.known.get(key) === role) return;
    await this.ensure(room);
    const caller = callerOf(peer);
    const store = this.messenger.chatStore;
    await store.saveUserIfNew(caller.user);
    const user: StoredUser = (await store.users([caller.user.id])).get(caller.user.id) ?? caller.user;
    const member = await store.member(chatId, user.id);
    if (!member) {
      const chat = await store.chat(chatId);
      if (chat) await this.messenger.chats.addPeople(chat, [user], 'self', null);
      if (role === 'admin') {
        const added = await store.member(chatId, user.id);
        if (added && added.role !== 'admin') await store.setMemberRole(chatId, user.id, added, 'admin');
      }
    } else if (member.role !== role && member.role !== 'creator') {
      await store.setMemberRole(chatId, user.id, member, role);
    }
    this.known.set(key, role);
  }
}
