// The lesson's chat from inside the call: handlers for requests 90-119 of the
// call's own protocol, each the messenger's own operation on the chat of the
// caller's room, with the call participant's identity. A guest reads, and
// writes only when a host allows it. The messenger's typed errors become the
// call's (ERROR_CODE_CHAT_*).
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { isModerator } from '../../signaling/domain/roles.js';
import type { JoinedPeer } from '../../signaling/domain/room.js';
import { ErrorCode, SignalingError } from '../../signaling/errors.js';
import type { Handlers, RequestContext } from '../../signaling/requests/handlerTable.js';
import { mergeSettings } from '../chats.js';
import { ChatError, ChatErrorCode } from '../errors.js';
import type { FileLinks } from '../fileLinks.js';
import type { Messenger } from '../messenger.js';
import { type Caller, requireWrite } from '../permissions.js';
import { messageToWire } from '../records.js';
import type { LessonChats } from './lessonChats.js';
import { callerOf, commentsChatId, lessonChatId } from './lessonChats.js';
import type { UploadGrants } from './uploadGrants.js';

import cpb = schoolcall.chat.v1;

export type CallChatRequest =
  | 'chatOpen'
  | 'chatHistory'
  | 'chatSend'
  | 'chatEdit'
  | 'chatDelete'
  | 'chatReact'
  | 'chatPin'
  | 'chatMarkRead'
  | 'chatVote'
  | 'chatClosePoll'
  | 'chatSettings'
  | 'chatSync'
  | 'commentModerate'
  | 'commentHistory'
  | 'chatUploadGrant'
  | 'chatFileUrl';

const CHAT_TO_CALL: Partial<Record<ChatErrorCode, ErrorCode>> = {
  [ChatErrorCode.CHAT_ERROR_READ_ONLY]: ErrorCode.ERROR_CODE_CHAT_READ_ONLY,
  [ChatErrorCode.CHAT_ERROR_GUESTS_MAY_NOT_WRITE]: ErrorCode.ERROR_CODE_CHAT_GUESTS_MAY_NOT_WRITE,
  [ChatErrorCode.CHAT_ERROR_MESSAGE_TOO_LONG]: ErrorCode.ERROR_CODE_CHAT_MESSAGE_TOO_LONG,
  [ChatErrorCode.CHAT_ERROR_MESSAGE_NOT_FOUND]: ErrorCode.ERROR_CODE_CHAT_MESSAGE_NOT_FOUND,
  [ChatErrorCode.CHAT_ERROR_NOT_YOUR_MESSAGE]: ErrorCode.ERROR_CODE_CHAT_NOT_YOUR_MESSAGE,
  [ChatErrorCode.CHAT_ERROR_EDIT_WINDOW_PASSED]: ErrorCode.ERROR_CODE_CHAT_EDIT_WINDOW_PASSED,
  [ChatErrorCode.CHAT_ERROR_UNAVAILABLE]: ErrorCode.ERROR_CODE_CHAT_UNAVAILABLE,
  [ChatErrorCode.CHAT_ERROR_ALREADY_VOTED]: ErrorCode.ERROR_CODE_CHAT_ALREADY_VOTED,
  [ChatErrorCode.CHAT_ERROR_POLL_CLOSED]: ErrorCode.ERROR_CODE_CHAT_POLL_CLOSED,
  [ChatErrorCode.CHAT_ERROR_COMMENTS_OFF]: ErrorCode.ERROR_CODE_CHAT_COMMENTS_OFF,
  [ChatErrorCode.CHAT_ERROR_MESSAGE_DELETED]: ErrorCode.ERROR_CODE_CHAT_MESSAGE_DELETED,
  [ChatErrorCode.CHAT_ERROR_NOT_A_POLL]: ErrorCode.ERROR_CODE_CHAT_NOT_A_POLL,
  [ChatErrorCode.CHAT_ERROR_FORBIDDEN]: ErrorCode.ERROR_CODE_FORBIDDEN,
  [ChatErrorCode.CHAT_ERROR_NOT_A_MEMBER]: ErrorCode.ERROR_CODE_FORBIDDEN,
  [ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT]: ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
  [ChatErrorCode.CHAT_ERROR_TOO_MANY_TARGETS]: ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
  [ChatErrorCode.CHAT_ERROR_RATE_LIMITED]: ErrorCode.ERROR_CODE_RATE_LIMITED,
  [ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND]: ErrorCode.ERROR_CODE_NOT_FOUND,
  [ChatErrorCode.CHAT_ERROR_FILE_NOT_FOUND]: ErrorCode.ERROR_CODE_NOT_FOUND,
  [ChatErrorCode.CHAT_ERROR_USER_NOT_FOUND]: ErrorCode.ERROR_CODE_NOT_FOUND,
};

/** The call's typed error for a messenger error; others pass through (INTERNAL, logged). */
export function toCallError(err: unknown, available: boolean): unknown {
  if (err instanceof ChatError) {
    return new SignalingError(CHAT_TO_CALL[err.code] ?? ErrorCode.ERROR_CODE_INTERNAL, err.message);
  }
  if (!available)
    return new SignalingError(
      ErrorCode.ERROR_CODE_CHAT_UNAVAILABLE,
      'the chat is unavailable; try again soon',
    );
  return err;
}

type Op<T> = (m: Messenger, caller: Caller, chatId: string, joined: JoinedPeer) => Promise<T>;

/** Attachments in the call: grants for uploads, signed links for downloads. */
export interface CallChatFiles {
  grants: UploadGrants;
  links: FileLinks;
}

export function callChatHandlers(
  messenger: () => Messenger | null,
  lessons: () => LessonChats | null,
  files: CallChatFiles,
): Handlers<CallChatRequest> {
  /** Runs an operation on the caller's lesson chat (or its comments) with their identity. */
  const on = async <T>(ctx: RequestContext, comments: boolean, op: Op<T>): Promise<T> => {
    const joined = ctx.present();
    const m = messenger();
    const l = lessons();
    if (!m || !l)
      throw new SignalingError(
        ErrorCode.ERROR_CODE_CHAT_UNAVAILABLE,
        'the chat needs REDIS_URL on this server',
      );
    try {
      m.requireAvailable();
      await l.admit(joined.room, joined.peer);
      const chatId = comments ? commentsChatId(joined.room.id) : lessonChatId(joined.room.id);
      return await op(m, callerOf(joined.peer), chatId, joined);
    } catch (err) {
      throw toCallError(err, m.available);
    }
  };
  const moderator = (joined: JoinedPeer) => {
    if (!isModerator(joined.peer.identity.role)) {
      throw new SignalingError(ErrorCode.ERROR_CODE_FORBIDDEN, 'only hosts and co-hosts do this');
    }
  };
  return {
    chatOpen: (ctx, req) =>
      on(ctx, false, async (m, caller, chatId) => ({
        chatOpened: {
          chat: await m.chats.summaryFor(chatId, caller.user.id),
          page: await m.messages.history(caller, { chatId, limit: req.limit || 50 }),
        },
      })),
    chatHistory: (ctx, req) =>
      on(ctx, false, async (m, caller, chatId) => ({
        chatPage: await m.messages.history(caller, { ...req, chatId }),
      })),
    chatSync: (ctx, req) =>
      on(ctx, false, async (m, caller, chatId) => {
        const { member } = await m.chats.access(chatId, caller);
        const changes = await m.messageStore.changesAfter(chatId, req.rev ?? 0, 500, member.visibleFrom);
        if (changes.reset) return { chatPage: await m.messages.history(caller, { chatId }) };
        const seqs = changes.messages.map((x) => x.seq);
        return {
          chatPage: { chatId, messages: await m.messages.withFlags(chatId, caller.user.id, member, seqs) },
        };
      }),
    chatSend: (ctx, req) =>
      on(ctx, false, async (m, caller, chatId, { room, peer }) => {
        const sent = await m.messages.send(caller, { ...req, chatId });
        // Attendance counts what each person wrote (a resend has the same seq).
        room.events.emit('chatMessageSent', { peer, seq: sent.seq ?? 0 });
        return { chatMessage: sent };
      }),
    chatEdit: (ctx, req) =>
      on(ctx, false, async (m, caller, chatId) => ({
        chatMessage: await m.messages.edit(caller, { ...req, chatId }),
      })),
    chatDelete: (ctx, req) =>
      on(ctx, false, async (m, caller, chatId) => {
        await m.messages.delete(caller, { ...req, chatId });
        return undefined;
      }),
    chatReact: (ctx, req) =>
      on(ctx, false, async (m, caller, chatId) => ({
        chatMessage: await m.marks.react(caller, { ...req, chatId }),
      })),
    chatPin: (ctx, req) =>
      on(ctx, false, async (m, caller, chatId) => ({
        chatMessage: await m.marks.pin(caller, { ...req, chatId }),
      })),
    chatMarkRead: (ctx, req) =>
      on(ctx, false, async (m, caller, chatId) => {
        await m.marks.markRead(caller, { ...req, chatId });
        return undefined;
      }),
    chatVote: (ctx, req) =>
      on(ctx, false, async (m, caller, chatId, { room, peer }) => {
        const { message } = await m.marks.vote(caller, { ...req, chatId });
        room.events.emit('pollAnswered', { peer, seq: req.seq ?? 0 });
        return { chatMessage: message };
      }),
    chatClosePoll: (ctx, req) =>
      on(ctx, false, async (m, caller, chatId) => ({
        chatMessage: await m.marks.closePoll(caller, { ...req, chatId }),
      })),
    chatSettings: (ctx, req) =>
      on(ctx, false, async (m, _caller, chatId, joined) => {
        moderator(joined);
        const s = req.settings ?? {};
        const lesson = await m.chatStore.chat(chatId);
        if (lesson) {
          const next = mergeSettings(lesson.settings, {
            whoMayWrite: s.whoMayWrite,
            guestsMayWrite: s.guestsMayWrite,
          });
          await m.chatStore.updateChat(chatId, { settings: next });
        }
        if (s.comments) {
          const commentsId = commentsChatId(joined.room.id);
          const comments = await m.chatStore.chat(commentsId);
          if (comments) {
            await m.chatStore.updateChat(commentsId, {
              settings: mergeSettings(comments.settings, { comments: s.comments }),
            });
          }
        }
        return undefined;
      }),
    chatUploadGrant: (ctx) =>
      on(ctx, false, async (m, caller, chatId) => {
        // Refused like a send (read-only, guests), before any byte is stored.
        const { chat, member } = await m.chats.access(chatId, caller);
        requireWrite(chat, member, caller);
        const grant = await files.grants.mint({ caller, chatId });
        return { chatUploadGrant: { ...grant, chatId } };
      }),
    chatFileUrl: (ctx, req) =>
      on(ctx, false, async (_m, caller, chatId) => ({
        chatFileUrl: await files.links.urlFor(caller, { ...req, chatId }),
      })),
    commentHistory: (ctx, req) =>
      on(ctx, true, async (m, _caller, chatId, joined) => {
        moderator(joined);
        return { chatPage: await commentPage(m, chatId, req) };
      }),
    commentModerate: (ctx, req) =>
      on(ctx, true, async (m, _caller, chatId, joined) => {
        moderator(joined);
        const seq = req.seq ?? 0;
        const everything = { role: 'admin' as const, source: 'self' as const, joinedAt: 0, visibleFrom: 1 };
        await m.messages.mutate(chatId, seq, everything, (msg) => {
          if (msg.deleted) return null;
          if (req.approve) return msg.pending ? { next: { ...msg, pending: false }, flag: '' } : null;
          const { seq: s, rev, at, kind, from, name } = msg;
          return { next: { seq: s, rev, at, kind, from, name, text: '', deleted: true }, flag: 'deleted' };
        });
        return undefined;
      }),
  };
}

/** A page of a comments chat for moderators: pending comments included. */
async function commentPage(
  m: Messenger,
  chatId: string,
  req: cpb.IGetHistoryRequest,
): Promise<cpb.IMessagePage> {
  const chat = await m.chatStore.chat(chatId);
  const last = chat?.seq ?? 0;
  const limit = Math.min(req.limit || 50, 100);
  const hi = Math.min(last, (req.beforeSeq || last + 1) - 1);
  const lo = Math.max(1, hi - limit + 1);
  const seqs: number[] = [];
  for (let s = lo; s <= hi; s++) seqs.push(s);
  const messages = (await m.messageStore.getMany(chatId, seqs)).flatMap((x) => (x ? [x] : []));
  return { chatId, messages: messages.map((x) => messageToWire(chatId, x)), atStart: lo <= 1 };
}
