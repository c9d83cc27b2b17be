// What the store keeps for chats, members and messages (a message's body is
// JSON in PostgreSQL), and how it becomes the wire's protobuf messages.
// Messages moved over from the Redis store of 0.1.0 (messaging/legacy) may
// hold {} where an array was empty (Lua's cjson wrote them so): readers go
// through list() so either shape reads as an array.
// Over 400 lines: the record types and their one conversion to the wire sit
// side by side, so a field added to one is seen missing from the other.
import { schoolcall } from '../common/protocol/generated/protocol.js';

import cpb = schoolcall.chat.v1;

export type ChatKindName = 'group' | 'direct' | 'lesson' | 'comments' | 'channel';
export type MemberRoleName = 'member' | 'admin' | 'creator';
export type MemberSourceName = 'creator' | 'invited' | 'self' | 'directory' | 'bot';
export type PermissionName = 'everyone' | 'admins' | 'creator';
export type CommentsModeName = 'off' | 'on' | 'moderated';

export interface StoredSettings {
  write: PermissionName;
  invite: PermissionName;
  pin: PermissionName;
  editInfo: PermissionName;
  appoint: PermissionName;
  history: boolean;
  guestsWrite: boolean;
  comments: CommentsModeName;
  /** Channels: closed for posting and left out of search. */
  archived?: boolean;
  /** Without `history`: newcomers still see the last RECENT_HISTORY messages. */
  recent?: boolean;
  /** Invitation links and subscriptions wait for an admin's approval. */
  approval?: boolean;
}

/** How many earlier messages newcomers see with `recent`. */
export const RECENT_HISTORY = 250;

export const DEFAULT_SETTINGS: StoredSettings = {
  write: 'everyone',
  invite: 'admins',
  pin: 'admins',
  editInfo: 'admins',
  appoint: 'creator',
  history: true,
  guestsWrite: false,
  comments: 'off',
};

/** The chat's hash in Redis, as read. */
export interface StoredChat {
  id: string;
  kind: ChatKindName;
  title: string;
  about: string;
  createdAt: number;
  createdBy: string;
  seq: number;
  rev: number;
  members: number;
  settings: StoredSettings;
  roomId: string;
  /** Direct chats: the two people. */
  pair: string[];
  /** The chat's own auto-deletion period in days (absent: off; retention.ts). */
  retentionDays?: number | null;
}

export interface StoredMember {
  role: MemberRoleName;
  source: MemberSourceName;
  joinedAt: number;
  /** First message seq this member may see. */
  visibleFrom: number;
}

export interface StoredUser {
  id: string;
  name: string;
  sort: string;
  role: string;
  school: string;
}

export interface StoredAttachment {
  id: string;
  name: string;
  type: string;
  size: number;
  preview?: boolean;
  w?: number;
  h?: number;
}

export interface StoredPoll {
  q: string;
  opts: { t: string; n: number }[];
  anon: boolean;
  multi: boolean;
  closesAt: number;
  closed: boolean;
  quiz: boolean;
  correct: number;
  voters: number;
}

export interface StoredMessage {
  seq: number;
  rev: number;
  at: number;
  kind: 'text' | 'poll' | 'call' | 'system';
  from: string;
  name: string;
  text: string;
  cmid?: string;
  reply?: { seq: number; name: string; text: string };
  mentions?: string[];
  edited?: number;
  deleted?: boolean;
  fwd?: { chat: string; seq: number; name: string; at: number };
  files?: StoredAttachment[];
  poll?: StoredPoll;
  /** Reaction counts by emoji. */
  rx?: Record<string, number>;
  pinned?: boolean;
  confirm?: boolean;
  /** A call to join; `audio`: started as an audio call. */
  call?: { room: string; title: string; audio?: boolean };
  /** The page of a lesson that ended (its id in the lessons part); `rec`: its recording was shared. */
  recap?: { lesson: string; title: string; from: number; to: number; rec?: boolean };
  /** A scheduled lesson is near: its title, start, and how many minutes before it this was posted (0: at it). */
  remind?: { title: string; at: number; before: number };
  sys?: { type: SystemNoteName; actor: string; users?: string[]; title?: string; days?: number };
  /** A viewer's comment waiting for a moderator. */
  pending?: boolean;
  /** A viewer's comment: the code of the broadcast it was written under (only its audience reads it). */
  broadcast?: string;
  /** A voice or round video message; its transcript once made ('' while pending). */
  voice?: 'audio' | 'video';
  transcript?: string;
  transcribing?: boolean;
  /** Written by a guest of a lesson (shown with a mark). */
  guest?: boolean;
  /** Written by a bot of the school's systems (bots.ts): shown with a mark, with its buttons. */
  bot?: boolean;
  /** A bot's buttons: what a person sees, and the data sent back to the bot when one is pressed. */
  buttons?: { label: string; data: string }[];
}

export type SystemNoteName = 'created' | 'added' | 'removed' | 'joined' | 'left' | 'renamed' | 'retention';

/** A message as written by a client, before the store numbers it. */
export type NewMessage = Omit<StoredMessage, 'seq' | 'rev' | 'at'>;

/** Per-person flags on one message. */
export interface MyFlags {
  reactions: string[];
  votes: number[];
  important: boolean;
  /** Whose flags these are: the author of a quiz sees its right answer without voting. */
  reader?: string;
}

export function list<T>(value: T[] | Record<string, never> | undefined | null): T[] {
  return Array.isArray(value) ? value : [];
}

export function parseMessage(json: string): StoredMessage {
  return JSON.parse(json) as StoredMessage;
}

export function parseSettings(json: string | undefined): StoredSettings {
  if (!json) return { ...DEFAULT_SETTINGS };
  return { ...DEFAULT_SETTINGS, ...(JSON.parse(json) as Partial<StoredSettings>) };
}

export function parseChat(hash: Record<string, string>): StoredChat | null {
  if (!hash.id) return null;
  return {
    id: hash.id,
    kind: (hash.kind as ChatKindName) ?? 'group',
    title: hash.title ?? '',
    about: hash.about ?? '',
    createdAt: Number(hash.createdAt ?? 0),
    createdBy: hash.createdBy ?? '',
    seq: Number(hash.seq ?? 0),
    rev: Number(hash.rev ?? 0),
    members: Number(hash.members ?? 0),
    settings: parseSettings(hash.settings),
    roomId: hash.roomId ?? '',
    pair: hash.pair ? hash.pair.split('\n') : [],
  };
}

// ---- enums between names and the wire ----

const PERMISSIONS: Record<PermissionName, cpb.Permission> = {
  everyone: cpb.Permission.PERMISSION_EVERYONE,
  admins: cpb.Permission.PERMISSION_ADMINS,
  creator: cpb.Permission.PERMISSION_CREATOR,
};
const COMMENTS: Record<CommentsModeName, cpb.CommentsMode> = {
  off: cpb.CommentsMode.COMMENTS_MODE_OFF,
  on: cpb.CommentsMode.COMMENTS_MODE_ON,
  moderated: cpb.CommentsMode.COMMENTS_MODE_MODERATED,
};
const KINDS: Record<ChatKindName, cpb.ChatKind> = {
  group: cpb.ChatKind.CHAT_KIND_GROUP,
  direct: cpb.ChatKind.CHAT_KIND_DIRECT,
  lesson: cpb.ChatKind.CHAT_KIND_LESSON,
  comments: cpb.ChatKind.CHAT_KIND_COMMENTS,
  channel: cpb.ChatKind.CHAT_KIND_CHANNEL,
};
const MEMBER_ROLES: Record<MemberRoleName, cpb.MemberRole> = {
  member: cpb.MemberRole.MEMBER_ROLE_MEMBER,
  admin: cpb.MemberRole.MEMBER_ROLE_ADMIN,
  creator: cpb.MemberRole.MEMBER_ROLE_CREATOR,
};
const SOURCES: Record<MemberSourceName, cpb.MemberSource> = {
  creator: cpb.MemberSource.MEMBER_SOURCE_CREATOR,
  invited: cpb.MemberSource.MEMBER_SOURCE_INVITED,
  self: cpb.MemberSource.MEMBER_SOURCE_SELF,
  directory: cpb.MemberSource.MEMBER_SOURCE_DIRECTORY,
  bot: cpb.MemberSource.MEMBER_SOURCE_BOT,
};
const USER_ROLES: Record<string, cpb.UserRole> = {
  admin: cpb.UserRole.USER_ROLE_ADMIN,
  teacher: cpb.UserRole.USER_ROLE_TEACHER,
  student: cpb.UserRole.USER_ROLE_STUDENT,
  parent: cpb.UserRole.USER_ROLE_PARENT,
  guest: cpb.UserRole.USER_ROLE_GUEST,
};
const MESSAGE_KINDS: Record<StoredMessage['kind'], cpb.MessageKind> = {
  text: cpb.MessageKind.MESSAGE_KIND_TEXT,
  poll: cpb.MessageKind.MESSAGE_KIND_POLL,
  call: cpb.MessageKind.MESSAGE_KIND_CALL,
  system: cpb.MessageKind.MESSAGE_KIND_SYSTEM,
};

const SYSTEM_NOTES: Record<SystemNoteName, cpb.SystemNoteType> = {
  created: cpb.SystemNoteType.SYSTEM_NOTE_TYPE_CREATED,
  added: cpb.SystemNoteType.SYSTEM_NOTE_TYPE_ADDED,
  removed: cpb.SystemNoteType.SYSTEM_NOTE_TYPE_REMOVED,
  joined: cpb.SystemNoteType.SYSTEM_NOTE_TYPE_JOINED,
  left: cpb.SystemNoteType.SYSTEM_NOTE_TYPE_LEFT,
  renamed: cpb.SystemNoteType.SYSTEM_NOTE_TYPE_RENAMED,
  retention: cpb.SystemNoteType.SYSTEM_NOTE_TYPE_RETENTION,
};

function reverse<K extends string, V>(map: Record<K, V>): Map<V, K> {
  return new Map(Object.entries(map).map(([k, v]) => [v as V, k as K]));
}
const PERMISSION_NAMES = reverse(PERMISSIONS);
const COMMENTS_NAMES = reverse(COMMENTS);
const MEMBER_ROLE_NAMES = reverse(MEMBER_ROLES);

export const permissionFromWire = (p: cpb.Permission | null | undefined) =>
  p ? PERMISSION_NAMES.get(p) : undefined;
export const commentsFromWire = (c: cpb.CommentsMode | null | undefined) =>
  c ? COMMENTS_NAMES.get(c) : undefined;
export const memberRoleFromWire = (r: cpb.MemberRole | null | undefined) =>
  r ? MEMBER_ROLE_NAMES.get(r) : undefined;
export const memberRoleToWire = (r: MemberRoleName) => MEMBER_ROLES[r];
export const chatKindToWire = (k: ChatKindName) => KINDS[k];

export function settingsToWire(s: StoredSettings): cpb.IChatSettings {
  return {
    whoMayWrite: PERMISSIONS[s.write],
    whoMayInvite: PERMISSIONS[s.invite],
    whoMayPin: PERMISSIONS[s.pin],
    whoMayEditInfo: PERMISSIONS[s.editInfo],
    whoMayAppointAdmins: PERMISSIONS[s.appoint],
    newMembersSeeHistory: s.history,
    guestsMayWrite: s.guestsWrite,
    comments: COMMENTS[s.comments],
    archived: s.archived ?? false,
    newcomersSeeRecent: s.recent ?? false,
    joinApproval: s.approval ?? false,
  };
}

export function userToWire(u: StoredUser): cpb.IUser {
  return {
    userId: u.id,
    displayName: u.name,
    sortName: u.sort,
    role: USER_ROLES[u.role] ?? cpb.UserRole.USER_ROLE_UNSPECIFIED,
    schoolId: u.school,
  };
}

export function memberToWire(u: StoredUser, m: StoredMember): cpb.IMember {
  return { user: userToWire(u), role: MEMBER_ROLES[m.role], source: SOURCES[m.source], joinedAt: m.joinedAt };
}

/** Whether a quiz's answer and counts may be shown: it is closed, this person voted, or wrote the quiz. */
export function quizAnswerVisible(poll: StoredPoll, from: string, mine: MyFlags | null): boolean {
  return (
    poll.closed ||
    (poll.closesAt > 0 && poll.closesAt <= Date.now()) ||
    (mine?.votes.length ?? 0) > 0 ||
    (mine?.reader !== undefined && mine.reader === from)
  );
}

/**
 * The wire form of a stored message. `mine` adds the asking person's flags;
 * without it the message is the one sent to every member.
 */
export function messageToWire(
  chatId: string,
  m: StoredMessage,
  mine: MyFlags | null = null,
): cpb.IChatMessage {
  const out: cpb.IChatMessage = {
    chatId,
    seq: m.seq,
    rev: m.rev,
    kind: MESSAGE_KINDS[m.kind],
    senderId: m.from,
    senderName: m.name,
    sentAt: m.at,
    text: m.text,
    mentions: list(m.mentions),
    editedAt: m.edited ?? 0,
    deleted: m.deleted ?? false,
    pinned: m.pinned ?? false,
    readConfirmation: m.confirm ?? false,
    clientMessageId: m.cmid ?? '',
    pending: m.pending ?? false,
    fromGuest: m.guest ?? false,
  };
  if (m.bot) out.fromBot = true;
  // The buttons' data is the bot's own: readers get the labels and press by index.
  if (m.buttons?.length) out.buttons = m.buttons.map((b) => ({ label: b.label }));
  if (m.reply) out.replyTo = { seq: m.reply.seq, senderName: m.reply.name, text: m.reply.text };
  if (m.fwd)
    out.forwardedFrom = { chatId: m.fwd.chat, seq: m.fwd.seq, senderName: m.fwd.name, sentAt: m.fwd.at };
  const files = list(m.files);
  if (files.length) {
    out.attachments = files.map((f) => ({
      fileId: f.id,
      name: f.name,
      mimeType: f.type,
      size: f.size,
      hasPreview: f.preview ?? false,
      width: f.w ?? 0,
      height: f.h ?? 0,
    }));
  }
  if (m.poll) {
    const p = m.poll;
    // An open quiz's counts only for those who may see its answer (the event to everyone has none).
    const hidden = p.quiz && !quizAnswerVisible(p, m.from, mine);
    out.poll = {
      question: p.q,
      options: list(p.opts).map((o) => ({ text: o.t, votes: hidden ? 0 : o.n })),
      resultsHidden: hidden,
      anonymous: p.anon,
      multiple: p.multi,
      closesAt: p.closesAt,
      closed: p.closed,
      quiz: p.quiz,
      correctOption: p.quiz && !hidden ? p.correct : -1,
      voters: p.voters,
    };
  }
  if (m.rx) {
    out.reactions = Object.entries(m.rx)
      .filter(([, n]) => n > 0)
      .map(([emoji, count]) => ({ emoji, count }));
  }
  if (m.call) out.call = { roomId: m.call.room, title: m.call.title, audioOnly: m.call.audio ?? false };
  if (m.recap) {
    const r = m.recap;
    out.recap = {
      lessonId: r.lesson,
      title: r.title,
      startedAt: r.from,
      endedAt: r.to,
      recording: r.rec ?? false,
    };
  }
  if (m.remind)
    out.reminder = { title: m.remind.title, startsAt: m.remind.at, minutesBefore: m.remind.before };
  if (m.voice) {
    out.voice = m.voice === 'audio' ? cpb.VoiceKind.VOICE_KIND_AUDIO : cpb.VoiceKind.VOICE_KIND_ROUND_VIDEO;
    out.transcript = m.transcript ?? '';
    out.transcriptPending = m.transcribing ?? false;
  }
  if (m.sys) {
    out.system = {
      type: SYSTEM_NOTES[m.sys.type],
      actorName: m.sys.actor,
      userNames: list(m.sys.users),
      title: m.sys.title ?? '',
      days: m.sys.days ?? 0,
    };
  }
  if (mine) {
    out.myReactions = mine.reactions;
    out.myVotes = mine.votes;
    out.important = mine.important;
  }
  return out;
}
