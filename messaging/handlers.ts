// The messenger's request table: one entry per request type, each a small
// function from the request to its result. Authentication is the session's
// own (it changes the connection); everything else is here.
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { CallStarter } from './calls.js';
import { copyChat } from './chatCopy.js';
import type { ChatConnection } from './feed.js';
import type { FileLinks } from './fileLinks.js';
import type { LessonScheduler } from './lessonSchedule.js';
import type { Messenger } from './messenger.js';
import type { Caller } from './permissions.js';
import * as check from './validate.js';
import type { ChatRequestType } from './wire.js';
import { encodeChatEvent } from './wire.js';

import cpb = schoolcall.chat.v1;

export interface HandlerContext {
  caller: Caller;
  conn: ChatConnection;
  messenger: Messenger;
  calls: CallStarter | null;
  lessons: LessonScheduler | null;
  fileLinks: FileLinks;
}

/** A result, and optionally what to do right after it is sent (in the same tick). */
export type HandlerResult = Omit<cpb.IChatResponse, 'requestId'> & { after?: () => void };

export type ChatHandler = (ctx: HandlerContext, m: cpb.ChatClientMessage) => Promise<HandlerResult>;

/**
 * One handler for every request of ChatClientMessage's oneof but
 * `authenticate` (the session's own): a request added to the .proto without
 * a handler does not compile, as with the call's handler table.
 */
export type ChatHandlerTable = {
  readonly [K in Exclude<ChatRequestType, 'authenticate' | RegisteredChatRequest>]: ChatHandler;
};

/** Requests a part above the messenger answers (notifications/, homework/, awards/, attendance/, documents/), through registerChatHandlers. */
export type RegisteredChatRequest =
  | 'getPushKey'
  | 'savePushSubscription'
  | 'removePushSubscription'
  | 'createCollection'
  | 'listCollections'
  | 'getCollection'
  | 'submitFiles'
  | 'reviewSubmission'
  | 'remindMissing'
  | 'getSubmissionFileUrl'
  | 'getCollectionZipUrl'
  | 'listAwardKinds'
  | 'addAwardKind'
  | 'giveAward'
  | 'withdrawAward'
  | 'getAwardBoard'
  | 'getClassAwards'
  | 'renameAwardKind'
  | 'retireAwardKind'
  | 'restoreAwardKind'
  | 'getLessonRecap'
  | 'getLessonFile'
  | 'shareLessonRecording'
  | 'listDocuments'
  | 'createDocumentFolder'
  | 'addDocuments'
  | 'renameDocument'
  | 'moveDocument'
  | 'deleteDocument'
  | 'shareDocument'
  | 'getDocumentsQuota'
  | 'setDocumentsQuota';

const registered = new Map<ChatRequestType, ChatHandler>();

const ok = { ok: {} };

export const CHAT_HANDLERS: ChatHandlerTable = {
  pressButton: async ({ caller, messenger }, m) => {
    const p = m.pressButton!;
    await messenger.bots.pressed(caller, p.chatId ?? '', check.seq(p.seq), p.button ?? 0);
    return ok;
  },

  listChats: async ({ caller, messenger }) => ({
    chats: { chats: await messenger.chats.list(caller.user.id) },
  }),

  syncChat: async ({ caller, conn, messenger }, m) => {
    const cursor = m.syncChat?.cursor;
    const chatId = check.chatId(cursor?.chatId);
    await messenger.chats.access(chatId, caller);
    const { caughtUp, finish } = await messenger.resume.followAll(
      conn,
      [chatId],
      new Map([[chatId, cursor?.rev ?? 0]]),
    );
    const c = caughtUp[0];
    if (!c?.batch) return { synced: { chatId, rev: 0 }, after: finish };
    conn.socket.send(encodeChatEvent({ batch: c.batch }));
    return { synced: { chatId, rev: c.batch.rev ?? 0, reset: c.batch.reset ?? false }, after: finish };
  },

  getHistory: async ({ caller, messenger }, m) => ({
    page: await messenger.messages.history(caller, m.getHistory!),
  }),

  createChat: async ({ caller, messenger }, m) => ({
    chat: await messenger.chats.createGroup(caller, m.createChat!),
  }),
  openDirectChat: async ({ caller, messenger }, m) => ({
    chat: await messenger.chats.openDirect(caller, m.openDirectChat?.userId ?? ''),
  }),
  updateChatInfo: async ({ caller, messenger }, m) => ({
    chat: await messenger.chats.updateInfo(caller, m.updateChatInfo!),
  }),
  updateChatSettings: async ({ caller, messenger }, m) => ({
    chat: await messenger.chats.updateSettings(caller, m.updateChatSettings!),
  }),
  getChatRetention: async ({ caller, messenger }, m) => ({
    retention: await messenger.chatRetention.get(caller, m.getChatRetention!),
  }),
  setChatRetention: async ({ caller, messenger }, m) => ({
    chat: await messenger.chatRetention.set(caller, m.setChatRetention!),
  }),
  addMembers: async ({ caller, messenger }, m) => ({
    chat: await messenger.chats.addMembers(caller, m.addMembers!),
  }),
  removeMember: async ({ caller, messenger }, m) => {
    await messenger.chats.removeMember(caller, m.removeMember!);
    return ok;
  },
  leaveChat: async ({ caller, messenger }, m) => {
    await messenger.chats.leave(caller, m.leaveChat!);
    return ok;
  },
  setMemberRole: async ({ caller, messenger }, m) => {
    await messenger.chats.setRole(caller, m.setMemberRole!);
    return ok;
  },
  listMembers: async ({ caller, messenger }, m) => ({
    members: await messenger.chats.listMembers(caller, m.listMembers!),
  }),

  sendMessage: async ({ caller, messenger }, m) => {
    await messenger.perPerson.messagesSent(caller.user.id);
    return { message: await messenger.messages.send(caller, m.sendMessage!) };
  },
  editMessage: async ({ caller, messenger }, m) => ({
    message: await messenger.messages.edit(caller, m.editMessage!),
  }),
  deleteMessage: async ({ caller, messenger }, m) => {
    await messenger.messages.delete(caller, m.deleteMessage!);
    return ok;
  },
  forwardMessages: async ({ caller, messenger }, m) => {
    // Each target chat counts (at most maxForwardTargets: more is refused as invalid by forward()).
    const asked = m.forwardMessages!.toChatIds?.length ?? 1;
    const targets = Math.min(messenger.config.maxForwardTargets, Math.max(1, asked));
    await messenger.perPerson.messagesSent(caller.user.id, targets);
    return { forwarded: await messenger.messages.forward(caller, m.forwardMessages!) };
  },

  react: async ({ caller, messenger }, m) => ({ message: await messenger.marks.react(caller, m.react!) }),
  getReactions: async ({ caller, messenger }, m) => ({
    reactions: await messenger.marks.reactions(caller, m.getReactions!),
  }),
  pinMessage: async ({ caller, messenger }, m) => ({
    message: await messenger.marks.pin(caller, m.pinMessage!),
  }),
  listPinned: async ({ caller, messenger }, m) => ({
    page: await messenger.marks.listPinned(caller, m.listPinned!),
  }),
  markImportant: async ({ caller, messenger }, m) => ({
    message: await messenger.marks.markImportant(caller, m.markImportant!),
  }),
  listImportant: async ({ caller, messenger }, m) => ({
    page: await messenger.marks.listImportant(caller, m.listImportant!),
  }),
  listAllImportant: async ({ caller, messenger }, m) => ({
    important: await messenger.marks.listAllImportant(caller, m.listAllImportant!),
  }),
  markRead: async ({ caller, messenger }, m) => ({
    read: await messenger.marks.markRead(caller, m.markRead!),
  }),
  getReadBy: async ({ caller, messenger }, m) => ({
    readBy: await messenger.marks.readBy(caller, m.getReadBy!),
  }),

  vote: async ({ caller, messenger }, m) => ({ voted: await messenger.marks.vote(caller, m.vote!) }),
  closePoll: async ({ caller, messenger }, m) => ({
    message: await messenger.marks.closePoll(caller, m.closePoll!),
  }),
  getPollVoters: async ({ caller, messenger }, m) => ({
    pollVoters: await messenger.marks.pollVoters(caller, m.getPollVoters!),
  }),

  getFileUrl: async ({ caller, fileLinks }, m) => ({
    fileUrl: await fileLinks.urlFor(caller, m.getFileUrl!),
  }),

  startCall: async ({ caller, calls }, m) => ({
    call: await requireCalls(calls).start(caller, m.startCall!),
  }),
  joinCall: async ({ caller, calls }, m) => ({ call: await requireCalls(calls).join(caller, m.joinCall!) }),
  scheduleLesson: async ({ caller, lessons }, m) => ({
    lesson: await requireLessons(lessons).schedule(caller, m.scheduleLesson!),
  }),
  listMyLessons: async ({ caller, lessons }) => ({ lessons: requireLessons(lessons).list(caller) }),
  createLinkCall: async ({ caller, lessons }, m) => ({
    linkCall: await requireLessons(lessons).linkCall(caller, m.createLinkCall!),
  }),

  createChannel: async ({ caller, messenger }, m) => ({
    chat: await messenger.channels.create(caller, m.createChannel!),
  }),
  searchChannels: async ({ caller, messenger }, m) => ({
    channels: await messenger.channels.search(caller, m.searchChannels!),
  }),
  searchMessages: async ({ caller, messenger }, m) => ({
    searchResults: await messenger.search.search(caller, m.searchMessages!),
  }),
  subscribe: async ({ caller, messenger }, m) => messenger.channels.subscribe(caller, m.subscribe!),
  createInvite: async ({ caller, messenger }, m) => ({
    invite: await messenger.invites.create(caller, m.createInvite!),
  }),
  revokeInvite: async ({ caller, messenger }, m) => {
    await messenger.invites.revoke(caller, m.revokeInvite!);
    return ok;
  },
  schedulePost: async ({ caller, messenger }, m) => ({
    scheduled: await messenger.scheduled.schedule(caller, m.schedulePost!),
  }),
  listScheduled: async ({ caller, messenger }, m) => ({
    scheduledList: await messenger.scheduled.list(caller, m.listScheduled!),
  }),
  updateScheduled: async ({ caller, messenger }, m) => ({
    scheduled: await messenger.scheduled.update(caller, m.updateScheduled!),
  }),
  cancelScheduled: async ({ caller, messenger }, m) => {
    await messenger.scheduled.cancel(caller, m.cancelScheduled!);
    return ok;
  },
  askChannel: async ({ caller, messenger }, m) => {
    const req = m.askChannel!;
    const chatId = await messenger.channels.ask(caller, req);
    await messenger.messages.send(caller, { chatId, text: req.text, clientMessageId: req.clientMessageId });
    return { chat: await messenger.chats.summaryFor(chatId, caller.user.id) };
  },
  joinByInvite: async ({ caller, messenger }, m) => messenger.invites.join(caller, m.joinByInvite!),
  listJoinRequests: async ({ caller, messenger }, m) => ({
    joinRequests: await messenger.joinRequests.list(caller, m.listJoinRequests!),
  }),
  decideJoinRequest: async ({ caller, messenger }, m) => {
    await messenger.joinRequests.decide(caller, m.decideJoinRequest!);
    return ok;
  },
  getPrefs: async ({ caller, messenger }) => ({ prefs: await messenger.prefs.get(caller) }),
  setFolders: async ({ caller, messenger }, m) => ({
    prefs: await messenger.prefs.setFolders(caller, m.setFolders!),
  }),
  archiveChat: async ({ caller, messenger }, m) => ({
    prefs: await messenger.prefs.archive(caller, m.archiveChat!),
  }),
  markUnread: async ({ caller, messenger }, m) => ({
    prefs: await messenger.prefs.markUnread(caller, m.markUnread!),
  }),
  clearHistory: async ({ caller, messenger }, m) => ({
    chat: await messenger.marks.clearHistory(caller, m.clearHistory!),
  }),
  muteChat: async ({ caller, messenger }, m) => ({ prefs: await messenger.prefs.mute(caller, m.muteChat!) }),
  pinChat: async ({ caller, messenger }, m) => ({ prefs: await messenger.prefs.pin(caller, m.pinChat!) }),
  setQuietHours: async ({ caller, messenger }, m) => ({
    prefs: await messenger.prefs.setQuietHours(caller, m.setQuietHours!),
  }),
  getQuiet: async ({ caller, messenger }, m) => ({
    quiet: await messenger.prefs.quietOf(caller, m.getQuiet!),
  }),
  openSavedMessages: async ({ caller, messenger }) => ({
    chat: await messenger.prefs.savedMessages(caller),
  }),
  copyChat: async ({ caller, messenger }, m) => ({
    chat: await copyChat(messenger, caller, m.copyChat!),
  }),
};

function requireLessons(lessons: LessonScheduler | null): LessonScheduler {
  if (!lessons) throw new Error('lessons are not connected to the messenger');
  return lessons;
}

function requireCalls(calls: CallStarter | null): CallStarter {
  if (!calls) throw new Error('calls are not connected to the messenger');
  return calls;
}

/**
 * A part above the messenger (notifications/, homework/, awards/) answers requests of its own on
 * the same socket, through the same gate, validation and metrics. Registered
 * once per process; per-server state is found from the handler's context.
 */
export function registerChatHandlers(extra: Partial<Record<RegisteredChatRequest, ChatHandler>>): void {
  for (const [type, handler] of Object.entries(extra) as [RegisteredChatRequest, ChatHandler][]) {
    const known = registered.get(type);
    if (known && known !== handler) throw new Error(`two handlers for the chat request ${type}`);
    registered.set(type, handler);
  }
}

/** The handler of a request: the messenger's table, else a registered part's (none: not on this server). */
export function chatHandlerFor(type: Exclude<ChatRequestType, 'authenticate'>): ChatHandler | undefined {
  return (CHAT_HANDLERS as Partial<Record<ChatRequestType, ChatHandler>>)[type] ?? registered.get(type);
}
