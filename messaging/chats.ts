// Chats and their members: creating group and direct chats, settings, info,
// adding and removing people, admins, and the members list by surname.
// Over 400 lines: every change to a chat's members and settings sits beside
// the rights rule it checks (permissions.ts); invitations, join requests and
// folders are files of their own.
import { createHash, randomBytes } from 'node:crypto';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { MessagingConfig } from './config.js';
import { ChatError, ChatErrorCode, forbidden, invalid } from './errors.js';
import {
  type Caller,
  type ChatRights,
  type SchoolPolicy,
  messageFor,
  requireMember,
  requireRight,
  requireSameSchool,
  rightsOf,
  seesPeopleOf,
} from './permissions.js';
import {
  DEFAULT_SETTINGS,
  type MemberRoleName,
  type MemberSourceName,
  RECENT_HISTORY,
  type StoredChat,
  type StoredMember,
  type StoredSettings,
  type StoredUser,
  type SystemNoteName,
  chatKindToWire,
  commentsFromWire,
  memberRoleToWire,
  memberToWire,
  messageToWire,
  parseMessage,
  permissionFromWire,
  settingsToWire,
  userToWire,
} from './records.js';
import type { ChatStore, ChatSummary } from './store/chatStore.js';
import type { MessageStore } from './store/messageStore.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

const TITLE_MAX = 128;
const ABOUT_MAX = 1024;
const ADD_AT_ONCE_MAX = 500;

export function newChatId(): string {
  return randomBytes(12).toString('base64url').replace(/[-_]/g, 'x');
}

export function directChatId(a: string, b: string): string {
  const [x, y] = [a, b].sort();
  return `d.${createHash('sha256').update(`${x}\n${y}`).digest('base64url').slice(0, 24)}`;
}

/** Applies a partial wire update (unset fields keep their value). */
export function mergeSettings(
  base: StoredSettings,
  update: cpb.IChatSettings | null | undefined,
): StoredSettings {
  const u = update ?? {};
  return {
    write: permissionFromWire(u.whoMayWrite) ?? base.write,
    invite: permissionFromWire(u.whoMayInvite) ?? base.invite,
    pin: permissionFromWire(u.whoMayPin) ?? base.pin,
    editInfo: permissionFromWire(u.whoMayEditInfo) ?? base.editInfo,
    appoint: permissionFromWire(u.whoMayAppointAdmins) ?? base.appoint,
    history: u.newMembersSeeHistory ?? base.history,
    guestsWrite: u.guestsMayWrite ?? base.guestsWrite,
    comments: commentsFromWire(u.comments) ?? base.comments,
    archived: u.archived ?? base.archived ?? false,
    recent: u.newcomersSeeRecent ?? base.recent ?? false,
    approval: u.joinApproval ?? base.approval ?? false,
  };
}

/** The first message a newcomer sees: all, the last RECENT_HISTORY, or from now on. */
export function visibleFromFor(chat: StoredChat): number {
  if (chat.settings.history) return 1;
  if (chat.settings.recent) return Math.max(1, chat.seq - RECENT_HISTORY + 1);
  return chat.seq + 1;
}

export class ChatService {
  /** The school's rules (the directory's), when a school has one. */
  policy: SchoolPolicy | null = null;

  constructor(
    private readonly chats: ChatStore,
    private readonly messages: MessageStore,
    private readonly config: MessagingConfig,
  ) {}

  /** The chat and the caller's membership; typed errors if either is missing. */
  async access(chatId: string, caller: Caller) {
    const { chat, member } = await this.chats.access(check.chatId(chatId), caller.user.id);
    requireMember(chat, member);
    return { chat, member: member! };
  }

  /** Of these people, those the member may see by name (permissions.ts seesPeopleOf). */
  visibleIds(chat: StoredChat, viewer: StoredMember, viewerId: string, ids: string[]): string[] {
    return seesPeopleOf(chat, viewer) === 'self' ? ids.filter((id) => id === viewerId) : ids;
  }

  /** Profiles of people the caller names, who must exist in the caller's school. */
  private async knownUsers(caller: Caller, ids: string[]): Promise<StoredUser[]> {
    const found = await this.chats.users(ids);
    const users = ids.map((id) => {
      const u = found.get(id);
      if (!u) throw new ChatError(ChatErrorCode.CHAT_ERROR_USER_NOT_FOUND, `no such user ${id}`);
      requireSameSchool(caller, u);
      return u;
    });
    await this.policy?.mayReach(caller, users);
    return users;
  }

  async createGroup(caller: Caller, req: cpb.ICreateChatRequest): Promise<cpb.IChat> {
    if (caller.guest) throw forbidden('guests do not create chats');
    await this.policy?.mayCreate(caller, 'group');
    const title = check.shortText(req.title, 'title', TITLE_MAX, true);
    const about = check.shortText(req.about, 'about', ABOUT_MAX, false);
    const ids = check
      .userIds(req.members, this.config.maxMembersPerChat - 1)
      .filter((id) => id !== caller.user.id);
    const others = await this.knownUsers(caller, ids);
    const id = newChatId();
    await this.chats.create(
      {
        id,
        kind: 'group',
        title,
        about,
        createdBy: caller.user.id,
        settings: mergeSettings(DEFAULT_SETTINGS, req.settings),
      },
      [
        { user: caller.user, role: 'creator', source: 'creator' },
        ...others.map((user) => ({ user, role: 'member' as const, source: 'invited' as const })),
      ],
    );
    await this.note(id, caller, 'created', [], title);
    return this.summaryFor(id, caller.user.id);
  }

  /**
   * A chat made by the school's systems (the directory, the admin API): its
   * people are marked as added by the directory, the first admins as admins.
   */
  async createForDirectory(spec: {
    title: string;
    about?: string;
    createdBy: string;
    settings?: Partial<StoredSettings>;
    members: { user: StoredUser; role: MemberRoleName }[];
  }): Promise<string> {
    const id = newChatId();
    await this.chats.create(
      {
        id,
        kind: 'group',
        title: spec.title,
        about: spec.about ?? '',
        createdBy: spec.createdBy,
        settings: { ...DEFAULT_SETTINGS, ...spec.settings },
      },
      spec.members.map((m) => ({ user: m.user, role: m.role, source: 'directory' as const })),
    );
    return id;
  }

  async openDirect(caller: Caller, otherId: string): Promise<cpb.IChat> {
    if (caller.guest) throw forbidden('guests do not write directly');
    const id = check.userId(otherId);
    if (id === caller.user.id) throw invalid('a direct chat is with someone else');
    const [other] = await this.knownUsers(caller, [id]);
    const chatId = directChatId(caller.user.id, id);
    await this.chats.create(
      {
        id: chatId,
        kind: 'direct',
        title: '',
        about: '',
        createdBy: caller.user.id,
        settings: { ...DEFAULT_SETTINGS, pin: 'everyone', history: true },
        pair: [caller.user.id, id],
      },
      [
        { user: caller.user, role: 'member', source: 'creator' },
        { user: other!, role: 'member', source: 'invited' },
      ],
    );
    return this.summaryFor(chatId, caller.user.id);
  }

  async updateInfo(caller: Caller, req: cpb.IUpdateChatInfoRequest): Promise<cpb.IChat> {
    const { chat, member } = await this.access(req.chatId ?? '', caller);
    if (chat.kind === 'direct') throw forbidden('a direct chat has no title to edit');
    requireRight(chat, member, 'editInfo', "edit the chat's info");
    const title = req.title == null ? undefined : check.shortText(req.title, 'title', TITLE_MAX, true);
    const about = req.about == null ? undefined : check.shortText(req.about, 'about', ABOUT_MAX, false);
    await this.chats.updateChat(chat.id, { title, about });
    if (title !== undefined && title !== chat.title) await this.note(chat.id, caller, 'renamed', [], title);
    return this.summaryFor(chat.id, caller.user.id);
  }

  async updateSettings(caller: Caller, req: cpb.IUpdateChatSettingsRequest): Promise<cpb.IChat> {
    const { chat, member } = await this.access(req.chatId ?? '', caller);
    if (chat.kind === 'direct') throw forbidden('a direct chat has no settings');
    requireRight(chat, member, 'changeSettings', "change the chat's settings");
    const next = mergeSettings(chat.settings, req.settings);
    // Who appoints admins is the creator's decision alone.
    if (next.appoint !== chat.settings.appoint && member.role !== 'creator') {
      throw forbidden('only the creator decides who appoints admins');
    }
    await this.chats.updateChat(chat.id, { settings: next });
    return this.summaryFor(chat.id, caller.user.id);
  }

  async addMembers(caller: Caller, req: cpb.IAddMembersRequest): Promise<cpb.IChat> {
    const { chat, member } = await this.access(req.chatId ?? '', caller);
    if (chat.kind !== 'group') throw forbidden('people are added to group chats only');
    requireRight(chat, member, 'invite', 'add people');
    const ids = check.userIds(req.userIds, ADD_AT_ONCE_MAX);
    if (ids.length === 0) throw invalid('name at least one person');
    if (chat.members + ids.length > this.config.maxMembersPerChat) {
      throw invalid(`a chat holds at most ${this.config.maxMembersPerChat} people`);
    }
    const users = await this.knownUsers(caller, ids);
    await this.policy?.mayEnter(chat.id, users);
    await this.addPeople(chat, users, 'invited', caller);
    return this.summaryFor(chat.id, caller.user.id);
  }

  /**
   * The school's rules for people entering a chat on someone's word (an
   * invitation link, an accepted join request): the chat admits them, and
   * whoever let them in and the chat's creator may reach them, as if they had
   * added them (the pupil protection covers every way into a chat).
   */
  async mayJoin(chat: StoredChat, users: StoredUser[], letIn: string): Promise<void> {
    if (!this.policy) return;
    await this.policy.mayEnter(chat.id, users);
    const ids = [...new Set([letIn, chat.createdBy].filter((id) => id))];
    const vouching = await this.chats.users(ids);
    // Someone no longer known lets nobody in; a chat made by the system (the directory) has no creator to ask.
    if (!vouching.has(letIn)) throw forbidden('the invitation is no longer valid');
    for (const user of vouching.values()) {
      await this.policy.mayReach(
        { user, guest: false },
        users.filter((u) => u.id !== user.id),
      );
    }
  }

  /**
   * Adds people as members (new ones only) and notes it in the chat.
   * `visibleFrom`: the first message they may read (the chat's rule unless
   * something stricter applies, as for a lesson's guests).
   */
  async addPeople(
    chat: StoredChat,
    users: StoredUser[],
    source: MemberSourceName,
    actor: Caller | null,
    visibleFrom = visibleFromFor(chat),
  ) {
    const added = await this.chats.addMembers(
      chat.id,
      users.map((user) => ({ user, role: 'member' as const, source })),
      visibleFrom,
      chat.seq,
    );
    if (added.length && actor) {
      const self = added.length === 1 && added[0]!.id === actor.user.id;
      await this.note(chat.id, actor, self ? 'joined' : 'added', self ? [] : added.map((u) => u.name));
    }
    return added;
  }

  async removeMember(caller: Caller, req: cpb.IRemoveMemberRequest): Promise<void> {
    const { chat, member } = await this.access(req.chatId ?? '', caller);
    if (chat.kind !== 'group' && chat.kind !== 'channel') {
      throw forbidden('people are removed from group chats and channels only');
    }
    const targetId = check.userId(req.userId);
    if (targetId === caller.user.id) throw invalid('to leave a chat, use leave_chat');
    const target = await this.chats.member(chat.id, targetId);
    if (!target)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER, 'that person is not in this chat');
    requireRight(chat, member, 'moderate', 'remove people');
    if (target.role === 'creator' || (target.role === 'admin' && member.role !== 'creator')) {
      throw forbidden('an admin is removed by the creator only');
    }
    const user = (await this.chats.users([targetId])).get(targetId);
    if (!user) throw new ChatError(ChatErrorCode.CHAT_ERROR_USER_NOT_FOUND, 'no such user');
    if (await this.chats.removeMember(chat.id, user, 'removed')) {
      await this.note(chat.id, caller, 'removed', [user.name]);
    }
  }

  async leave(caller: Caller, req: cpb.ILeaveChatRequest): Promise<void> {
    const { chat } = await this.access(req.chatId ?? '', caller);
    if (chat.kind === 'direct') throw forbidden('a direct chat cannot be left');
    if (await this.chats.removeMember(chat.id, caller.user, 'left'))
      await this.note(chat.id, caller, 'left', []);
  }

  async setRole(caller: Caller, req: cpb.ISetMemberRoleRequest): Promise<void> {
    const { chat, member } = await this.access(req.chatId ?? '', caller);
    if (chat.kind !== 'group' && chat.kind !== 'channel')
      throw forbidden('only groups and channels have admins');
    requireRight(chat, member, 'appointAdmins', 'appoint admins');
    const role =
      req.role === cpb.MemberRole.MEMBER_ROLE_ADMIN
        ? 'admin'
        : req.role === cpb.MemberRole.MEMBER_ROLE_MEMBER
          ? 'member'
          : null;
    if (!role) throw invalid('role must be MEMBER or ADMIN');
    const targetId = check.userId(req.userId);
    const target = await this.chats.member(chat.id, targetId);
    if (!target)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER, 'that person is not in this chat');
    if (target.role === 'creator') throw forbidden("the creator's role does not change");
    if (target.role !== role) await this.chats.setMemberRole(chat.id, targetId, target, role);
  }

  async listMembers(caller: Caller, req: cpb.IListMembersRequest): Promise<cpb.IMemberPage> {
    const { chat, member } = await this.access(req.chatId ?? '', caller);
    const fold = (x: string) => x.toLocaleLowerCase('ru').replace(/ё/g, 'е');
    const query = fold(check.shortText(req.query, 'query', 64, false));
    const limit = check.limit(req.limit, 50, 200);
    const offset = req.offset ?? 0;
    const ids =
      seesPeopleOf(chat, member) === 'self' ? [caller.user.id] : await this.chats.memberIdsByName(chat.id);
    const [users, members] = await Promise.all([this.chats.users(ids), this.chats.allMembers(chat.id)]);
    const matching = ids.filter((id) => {
      if (!query) return true;
      const u = users.get(id);
      return !!u && (fold(u.name).includes(query) || fold(u.sort).includes(query));
    });
    const page = matching.slice(offset, offset + limit).flatMap((id) => {
      const u = users.get(id);
      const m = members.get(id);
      return u && m ? [memberToWire(u, m)] : [];
    });
    return { members: page, total: matching.length };
  }

  /** Every chat of the caller, most recently active first. */
  async list(userId: string): Promise<cpb.IChat[]> {
    const ids = await this.chats.userChatIds(userId);
    const summaries = await this.chats.summaries(ids, userId);
    const peers = await this.chats.users(summaries.flatMap((s) => s.chat.pair.filter((id) => id !== userId)));
    summaries.sort((a, b) => lastActivity(b) - lastActivity(a));
    return summaries.filter((s) => s.member).map((s) => summaryToWire(s, userId, peers));
  }

  async summaryFor(chatId: string, userId: string): Promise<cpb.IChat> {
    const s = await this.chats.summary(chatId, userId);
    if (!s) throw new ChatError(ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND, 'no such chat');
    const peers = await this.chats.users(s.chat.pair.filter((id) => id !== userId));
    return summaryToWire(s, userId, peers);
  }

  /** A system note in the chat ("Anna added Boris"), worded by each client. */
  async note(
    chatId: string,
    actor: Caller,
    type: SystemNoteName,
    users: string[],
    title?: string,
    /** 'retention': the chat's new period (0: off). */
    days?: number,
  ) {
    await this.messages.append(chatId, '', `sys-${randomBytes(9).toString('base64url')}`, {
      kind: 'system',
      from: '',
      name: '',
      text: '',
      sys: {
        type,
        actor: actor.user.name,
        users,
        ...(title ? { title } : {}),
        ...(days !== undefined ? { days } : {}),
      },
    });
  }
}

function lastActivity(s: ChatSummary): number {
  return s.lastMessage ? parseMessage(s.lastMessage).at : s.chat.createdAt;
}

/** The shared part of a chat (what every member sees), for chat_changed events. */
export function sharedChatToWire(chat: StoredChat, pins: number[]): cpb.IChat {
  return {
    chatId: chat.id,
    kind: chatKindToWire(chat.kind),
    title: chat.title,
    about: chat.about,
    settings: settingsToWire(chat.settings),
    memberCount: chat.members,
    lastSeq: chat.seq,
    rev: chat.rev,
    createdAt: chat.createdAt,
    createdBy: chat.createdBy,
    pinned: pins,
    roomId: chat.roomId,
    retentionDays: chat.retentionDays ?? 0,
    rights: {
      member: rightsToWire(rightsOf(chat, 'member')),
      admin: rightsToWire(rightsOf(chat, 'admin')),
      creator: rightsToWire(rightsOf(chat, 'creator')),
      guest: rightsToWire(rightsOf(chat, 'member', true)),
    },
  };
}

function rightsToWire(r: ChatRights): cpb.IChatRights {
  return {
    write: r.write,
    comment: r.comment,
    pin: r.pin,
    moderate: r.moderate,
    invite: r.invite,
    editInfo: r.editInfo,
    appointAdmins: r.appointAdmins,
    changeSettings: r.changeSettings,
    transfer: r.transfer,
  };
}

export function summaryToWire(s: ChatSummary, userId: string, peers: Map<string, StoredUser>): cpb.IChat {
  const out = sharedChatToWire(s.chat, s.pins);
  if (s.member) {
    out.myRole = memberRoleToWire(s.member.role);
    out.visibleFrom = s.member.visibleFrom;
    // A message before what this member may see is not shown in the list either.
    const last = s.lastMessage ? messageFor(s.chat.id, s.member, parseMessage(s.lastMessage)) : null;
    if (last) out.lastMessage = last;
  } else if (s.lastMessage) {
    out.lastMessage = messageToWire(s.chat.id, parseMessage(s.lastMessage));
  }
  out.readSeq = s.readSeq;
  out.unread = s.unread;
  out.unreadMentions = s.unreadMentions;
  if (s.peerReadSeq) out.peerReadSeq = s.peerReadSeq;
  const peerId = s.chat.pair.find((id) => id !== userId);
  const peer = peerId ? peers.get(peerId) : undefined;
  if (peer) out.peer = userToWire(peer);
  return out;
}
