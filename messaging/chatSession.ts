import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
// One messenger connection: decodes frames, refuses floods cheaply, requires
// authentication first, then answers every request from the handler table
// with a response of the same id. Failures become typed errors and are
// counted; an unreachable store is CHAT_ERROR_UNAVAILABLE, never a crash.
import { isStoreUnavailable } from '../signaling/storeErrors.js';
import type { CallStarter } from './calls.js';
import { ChatError, ChatErrorCode, chatErrorLabel } from './errors.js';
import { ChatConnection, type ChatSocket } from './feed.js';
import type { FileLinks } from './fileLinks.js';
import { CHAT_HANDLERS, type HandlerResult } from './handlers.js';
import type { LessonScheduler } from './lessonSchedule.js';
import type { Messenger } from './messenger.js';
import type { ChatMetrics } from './metrics.js';
import type { Caller } from './permissions.js';
import { type StoredUser, userToWire } from './records.js';
import type { UserTokens } from './userTokens.js';
import { decodeChatFrame, encodeChatError, encodeChatEvent, encodeChatResponse } from './wire.js';

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

// Token bucket: a client sends a burst on connecting (history pages), then little.
const RATE_BURST = 100;
const RATE_PER_SECOND = 30;
const CURSORS_MAX = 5000;

export class ChatSession {
  private state: 'connected' | 'authenticating' | 'ready' | 'closed' = 'connected';
  private caller: Caller | null = null;
  private conn: ChatConnection | null = null;
  private tokens = RATE_BURST;
  private lastRefill = Date.now();
  private identity: { userId: string; sessionId?: string } | null = null;

  constructor(
    private readonly socket: ChatSocket,
    private readonly ctx: ChatSessionContext,
  ) {}

  async onFrame(data: Uint8Array, isBinary: boolean): Promise<void> {
    const frame = decodeChatFrame(data, isBinary, this.ctx.maxFrameBytes);
    if (!frame.ok) return this.reject(frame.requestId, frame.error);
    if (!this.takeToken()) {
      return this.reject(
        frame.requestId,
        new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'too many requests'),
      );
    }
    const { requestId, type, message } = frame;
    this.ctx.metrics.requests.inc({ type });
    const stop = this.ctx.metrics.requestDuration.startTimer({ type });
    try {
      const { after, ...result } = await this.dispatch(type, message);
      if (this.state !== 'closed') this.socket.send(encodeChatResponse({ requestId, ...result }));
      after?.();
    } catch (err) {
      this.reject(requestId, this.asChatError(err, type));
    } finally {
      stop();
    }
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

  private async dispatch(type: string, m: cpb.ChatClientMessage): Promise<HandlerResult> {
    const messenger = this.ctx.messenger;
    if (!messenger)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_UNAVAILABLE, 'the messenger is not set up on this server');
    // Without the chat bus nobody would see a change live: refuse rather than store it unseen.
    if (!messenger.available) {
      throw new ChatError(
        ChatErrorCode.CHAT_ERROR_UNAVAILABLE,
        'the messenger is unavailable; try again soon',
      );
    }
    if (type === 'authenticate') return this.authenticate(messenger, m.authenticate!);
    if (this.state !== 'ready' || !this.caller || !this.conn) {
      throw new ChatError(ChatErrorCode.CHAT_ERROR_NOT_AUTHENTICATED, 'authenticate first');
    }
    const handler = CHAT_HANDLERS[type as keyof typeof CHAT_HANDLERS];
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

  private takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(RATE_BURST, this.tokens + ((now - this.lastRefill) / 1000) * RATE_PER_SECOND);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function activity(c: cpb.IChat): number {
  return c.lastMessage?.sentAt || c.createdAt || 0;
}
