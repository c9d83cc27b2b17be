// One messenger connection: every frame pays the same FloodGuard as the
// call's sockets before it is decoded (past the limit a request is refused,
// a client that goes on is closed, and so is one that keeps sending
// garbage), authentication comes first (the endpoint closes a connection
// that does not authenticate in time), then every request is answered from
// the handler table with a response of the same id. Failures become typed
// errors and are counted; an unreachable store is CHAT_ERROR_UNAVAILABLE,
// never a crash.
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { isStoreUnavailable } from '../signaling/storeErrors.js';
import { FloodGuard, type FloodLimits } from '../signaling/transport/floodGuard.js';
import type { CallStarter } from './calls.js';
import { ChatError, ChatErrorCode, chatErrorLabel } from './errors.js';
import { ChatConnection, type ChatSocket } from './feed.js';
import type { FileLinks } from './fileLinks.js';
import { type HandlerResult, chatHandlerFor } from './handlers.js';
import type { LessonScheduler } from './lessonSchedule.js';
import type { Messenger } from './messenger.js';
import type { ChatMetrics } from './metrics.js';
import type { Caller } from './permissions.js';
import { type StoredUser, userToWire } from './records.js';
import type { UserTokens } from './userTokens.js';
import {
  type ChatRequestType,
  decodeChatFrame,
  encodeChatError,
  encodeChatEvent,
  encodeChatResponse,
} from './wire.js';

import cpb = schoolcall.chat.v1;

export interface ChatSessionContext {
  /** Null when no store is configured: every request is answered UNAVAILABLE. */
  messenger: Messenger | null;
  tokens: UserTokens;
  calls: CallStarter | null;
  /** Teachers' scheduled lessons (null without a call server's meetings book). */
  lessons: LessonScheduler | null;
  fileLinks: FileLinks;
  metrics: ChatMetrics;
  log: Logger;
  maxFrameBytes: number;
}

/** What the session tells its endpoint. */
export interface ChatSessionEvents {
  /** Authenticated as `userId`: the connection no longer counts as pending against its address. */
  authenticated(userId: string): void;
  /** Closed for flooding or garbage: counts against its address. */
  abused(): void;
}

// A client sends a burst on connecting (history pages), then little.
const CHAT_FLOOD_LIMITS: FloodLimits = { burst: 100, perSecond: 30, floodFrames: 300, malformedBurst: 20 };
const CURSORS_MAX = 5000;

export class ChatSession {
  private state: 'connected' | 'authenticating' | 'ready' | 'closed' = 'connected';
  private caller: Caller | null = null;
  private conn: ChatConnection | null = null;
  private readonly flood = new FloodGuard(CHAT_FLOOD_LIMITS);
  /** Closed for abuse; frames still in flight are ignored. */
  private cutOff = false;
  private identity: { userId: string; sessionId?: string } | null = null;

  constructor(
    private readonly socket: ChatSocket,
    private readonly ctx: ChatSessionContext,
    private readonly events: ChatSessionEvents,
  ) {}

  async onFrame(data: Uint8Array, isBinary: boolean): Promise<void> {
    if (this.cutOff || this.state === 'closed') return;
    // Every frame pays, valid or not, before it is decoded.
    const verdict = this.flood.frame();
    if (verdict === 'close') return this.cutOffFor('flooding', 'too many requests');
    const frame = decodeChatFrame(data, isBinary, this.ctx.maxFrameBytes);
    if (verdict === 'refuse') {
      return this.reject(
        frame.requestId,
        new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'too many requests'),
      );
    }
    if (!frame.ok) {
      if (this.flood.malformed()) return this.cutOffFor('malformed', 'too many malformed frames');
      return this.reject(frame.requestId, frame.error);
    }
    const { requestId, type, message } = frame;
    this.ctx.metrics.requests.inc({ type });
    const stop = this.ctx.metrics.requestDuration.startTimer({ type });
    try {
      const { after, ...result } = await this.dispatch(type, message);
      if (this.isOpen) this.socket.send(encodeChatResponse({ requestId, ...result }));
      after?.();
    } catch (err) {
      this.reject(requestId, this.asChatError(err, type));
    } finally {
      stop();
    }
  }

  private get isOpen(): boolean {
    return this.state !== 'closed';
  }

  onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.conn) this.ctx.messenger?.feed.remove(this.conn);
    this.conn = null;
  }

  /** Who this connection signed in as (and from which session), once authenticated. */
  get who(): { userId: string; sessionId?: string } | null {
    return this.state === 'ready' ? this.identity : null;
  }

  private asChatError(err: unknown, type: string): ChatError {
    if (err instanceof ChatError) return err;
    const messenger = this.ctx.messenger;
    if (!messenger?.available || isStoreUnavailable(err)) {
      this.ctx.log.warn({ err, type }, 'chat store unavailable');
      return new ChatError(
        ChatErrorCode.CHAT_ERROR_UNAVAILABLE,
        'the messenger is unavailable; try again soon',
      );
    }
    this.ctx.log.error({ err, type }, 'chat request failed');
    return new ChatError(ChatErrorCode.CHAT_ERROR_INTERNAL, 'internal error');
  }

  private async dispatch(type: ChatRequestType, m: cpb.ChatClientMessage): Promise<HandlerResult> {
    const messenger = this.ctx.messenger;
    if (!messenger)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_UNAVAILABLE, 'the messenger is not set up on this server');
    messenger.requireAvailable();
    if (type === 'authenticate') return this.authenticate(messenger, m.authenticate!);
    if (this.state !== 'ready' || !this.caller || !this.conn) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_NOT_AUTHENTICATED, 'authenticate first');
    }
    const handler = chatHandlerFor(type);
    if (!handler) throw new ChatError(ChatErrorCode.CHAT_ERROR_UNKNOWN_MESSAGE, `unknown request ${type}`);
    return handler(
      {
        caller: this.caller,
        conn: this.conn,
        messenger,
        calls: this.ctx.calls,
        lessons: this.ctx.lessons,
        fileLinks: this.ctx.fileLinks,
      },
      m,
    );
  }

  private async authenticate(messenger: Messenger, req: cpb.IAuthenticateRequest): Promise<HandlerResult> {
    if (this.state !== 'connected') {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_ALREADY_AUTHENTICATED, 'already authenticated');
    }
    if ((req.cursors?.length ?? 0) > CURSORS_MAX)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT, 'too many cursors');
    this.state = 'authenticating';
    try {
      const id = await this.ctx.tokens.verify(req.token ?? '');
      this.identity = { userId: id.userId, ...(id.sessionId ? { sessionId: id.sessionId } : {}) };
      const user: StoredUser = {
        id: id.userId,
        name: id.displayName,
        sort: id.sortName,
        role: id.role,
        school: id.schoolId,
      };
      await messenger.chatStore.saveUser(user);
      if (this.state !== 'authenticating') return {};
      const conn = new ChatConnection(this.socket, user.id);
      messenger.feed.add(conn);
      this.conn = conn;
      const chatIds = await messenger.chatStore.userChatIds(user.id);
      const cursors = new Map((req.cursors ?? []).map((c) => [c.chatId ?? '', c.rev ?? 0]));
      const { caughtUp, finish } = await messenger.resume.followAll(conn, chatIds, cursors);
      if (this.state !== 'authenticating') return {};
      for (const c of caughtUp) if (c.batch) this.socket.send(encodeChatEvent({ batch: c.batch }));
      const chats = caughtUp.map((c) => c.chat).sort((a, b) => activity(b) - activity(a));
      this.caller = { user, guest: false };
      this.state = 'ready';
      this.events.authenticated(user.id);
      return {
        authenticated: {
          user: userToWire(user),
          chats,
        },
        after: finish,
      };
    } catch (err) {
      if (this.state === 'authenticating') {
        this.state = 'connected';
        if (this.conn) messenger.feed.remove(this.conn);
        this.conn = null;
      }
      throw err;
    }
  }

  private reject(requestId: number, error: ChatError): void {
    this.ctx.metrics.rejected.inc({ reason: chatErrorLabel(error.code) });
    this.ctx.log.debug(
      { requestId, code: chatErrorLabel(error.code), msg: error.message },
      'chat request rejected',
    );
    if (this.state !== 'closed') this.socket.send(encodeChatError(requestId, error));
  }

  /** Closes an abusive connection once; frames already on their way are ignored. */
  private cutOffFor(label: string, reason: string): void {
    this.cutOff = true;
    this.ctx.metrics.rejected.inc({ reason: `closed_${label}` });
    this.ctx.log.info({ socket: this.socket.id, reason: label }, 'chat connection cut off');
    this.events.abused();
    this.socket.close(reason);
  }
}

function activity(c: cpb.IChat): number {
  return c.lastMessage?.sentAt || c.createdAt || 0;
}
