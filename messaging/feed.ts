// Live delivery on one host. Every host hears every chat event on the chat
// bus (bus.ts; published after each commit, and put back in each chat's rev
// order by revOrder.ts) and hands it to its own connections: a message is encoded once and published
// on the chat's uWS topic, so a 2000-member chat costs one encode and one
// native fan-out.
//
// A connection joins a chat's topic only once it has caught up: until then
// events for that chat are buffered for it, the catch-up is read from the store
// and sent, and the buffer is replayed without what the catch-up already
// held, all before the connection subscribes. So it gets every change after
// its cursor, in order, exactly once. Members who may not see a chat's older
// messages stay off the topic and get only the messages they may see.
// A connection that falls behind (too much buffered, or a read it needed to
// follow a change failed) is closed: the client reconnects and resumes from
// its cursor, instead of staying open and missing that chat in silence.
import type { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { BUS_CHANNEL, type FeedEvent, decodeBusEvent, expiredToWire } from './bus.js';
import { type ChatService, sharedChatToWire } from './chats.js';
import type { ChatMetrics } from './metrics.js';
import { readerView } from './permissions.js';
import { type StoredMessage, messageToWire, quizAnswerVisible } from './records.js';
import { RevOrder } from './revOrder.js';
import type { ChatStore } from './store/chatStore.js';
import type { MessageStore } from './store/messageStore.js';
import { encodeChatEvent } from './wire.js';

export type { FeedEvent } from './bus.js';

import cpb = schoolcall.chat.v1;

export interface ChatSocket {
  readonly id: string;
  readonly closed: boolean;
  send(bytes: Uint8Array): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  close(reason: string): void;
}

interface Buffered {
  /** 0 for events outside the rev order (chat info). */
  rev: number;
  seq: number;
  bytes: Uint8Array;
  /** The message the bytes carry, for members who see it differently (permissions.ts readerView). */
  message?: StoredMessage;
}

type Follow =
  /** visibleFrom: the person cleared the history while catching up (the catch-up may have read it before). */
  | { mode: 'syncing'; buffer: Buffered[]; visibleFrom?: number }
  | { mode: 'live' }
  | { mode: 'restricted'; visibleFrom: number };

/** What a catch-up sent, so the buffered events it already covered are skipped. */
export interface CaughtUp {
  rev: number;
  sent: Map<number, number>;
  visibleFrom: number;
}

/** A connection's buffered events past this many: it is closed and resumes from its cursor. */
const MAX_BUFFERED = 10_000;

export class ChatConnection {
  readonly follows = new Map<string, Follow>();

  constructor(
    readonly socket: ChatSocket,
    readonly userId: string,
  ) {}
}

export const chatTopic = (chatId: string) => `c/${chatId}`;

/** Past this many changes behind, a gap is not replayed (clients resume from their cursors). */
const GAP_PAGE = 500;

export class ChatFeed {
  /** Others on this host that act on chat events too (the call's in-call chat). */
  private readonly listeners: ((e: FeedEvent) => void)[] = [];
  private readonly byUser = new Map<string, Set<ChatConnection>>();
  /** Connections following a chat outside its topic: catching up, or restricted. */
  private readonly watchers = new Map<string, Set<ChatConnection>>();
  private readonly order: RevOrder;

  constructor(
    private readonly sub: Redis,
    private readonly publish: (topic: string, bytes: Uint8Array) => void,
    private readonly chats: ChatStore,
    private readonly messages: MessageStore,
    private readonly chatService: ChatService,
    private readonly metrics: ChatMetrics,
    private readonly log: Logger,
  ) {
    this.order = new RevOrder(
      (e) => this.onEvent(e),
      async (chatId, afterRev) => (await messages.changesAfter(chatId, afterRev, GAP_PAGE, 1)).messages,
      log,
    );
  }

  private subscribedOnce = false;

  /** Whether this host hears chat events now (nobody is served before). */
  get listening(): boolean {
    return this.subscribedOnce && this.sub.status === 'ready';
  }

  async start(): Promise<void> {
    this.sub.on('messageBuffer', (_channel: Buffer, payload: Buffer) => this.onBus(payload));
    this.sub.on('ready', () => {
      // Events published while we were not subscribed are lost to this host:
      // its connections reconnect and resume from their cursors.
      if (this.subscribedOnce) {
        this.order.reset();
        this.dropAll('the server lost its link to the store; reconnect');
      }
    });
    await this.sub.subscribe(BUS_CHANNEL);
    this.subscribedOnce = true;
  }

  listen(listener: (e: FeedEvent) => void): void {
    this.listeners.push(listener);
  }

  get connectionCount(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  add(conn: ChatConnection): void {
    const set = this.byUser.get(conn.userId) ?? new Set();
    this.byUser.set(conn.userId, set);
    set.add(conn);
  }

  remove(conn: ChatConnection): void {
    const set = this.byUser.get(conn.userId);
    set?.delete(conn);
    if (set?.size === 0) this.byUser.delete(conn.userId);
    for (const chatId of conn.follows.keys()) this.unwatch(chatId, conn);
    conn.follows.clear();
  }

  /** Starts following a chat: its events are held for this connection until finish(). */
  begin(conn: ChatConnection, chatId: string): void {
    if (conn.follows.get(chatId)?.mode === 'live') conn.socket.unsubscribe(chatTopic(chatId));
    conn.follows.set(chatId, { mode: 'syncing', buffer: [] });
    const set = this.watchers.get(chatId) ?? new Set();
    this.watchers.set(chatId, set);
    set.add(conn);
  }

  /** The catch-up is sent: replay what it did not cover, then go live. */
  finish(conn: ChatConnection, chatId: string, caught: CaughtUp): void {
    const follow = conn.follows.get(chatId);
    if (follow?.mode !== 'syncing' || conn.socket.closed) return;
    const visibleFrom = Math.max(caught.visibleFrom, follow.visibleFrom ?? 1);
    for (const b of follow.buffer) {
      if (b.rev !== 0 && (b.rev <= caught.rev || (caught.sent.get(b.seq) ?? 0) >= b.rev)) continue;
      this.sendAsSeen(conn, chatId, visibleFrom, b);
    }
    if (visibleFrom > 1) {
      conn.follows.set(chatId, { mode: 'restricted', visibleFrom });
      return;
    }
    this.unwatch(chatId, conn);
    conn.follows.set(chatId, { mode: 'live' });
    conn.socket.subscribe(chatTopic(chatId));
  }

  /** Stops following a chat (left, removed, or the catch-up failed). */
  stop(conn: ChatConnection, chatId: string): void {
    if (conn.follows.get(chatId)?.mode === 'live') conn.socket.unsubscribe(chatTopic(chatId));
    conn.follows.delete(chatId);
    this.unwatch(chatId, conn);
  }

  private unwatch(chatId: string, conn: ChatConnection): void {
    const set = this.watchers.get(chatId);
    set?.delete(conn);
    if (set?.size === 0) this.watchers.delete(chatId);
  }

  private onBus(payload: Buffer): void {
    let e: FeedEvent | null;
    try {
      e = decodeBusEvent(payload);
    } catch (err) {
      this.log.error({ err }, 'unreadable chat event');
      return;
    }
    if (!e) return;
    if (e.t === 'm') this.order.push(e);
    else this.onEvent(e);
  }

  private onEvent(e: FeedEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(e);
      } catch (err) {
        this.log.error({ err, event: e.t }, 'a chat event listener failed');
      }
    }
    switch (e.t) {
      case 'm':
        this.toChat(e.c, encodeChatEvent({ message: messageToWire(e.c, e.r) }), e.r.rev, e.r.seq, e.r);
        this.metrics.eventsFannedOut.inc();
        if (e.r.poll?.quiz && !quizAnswerVisible(e.r.poll, e.r.from, null)) void this.quizCounts(e.c, e.r);
        return;
      case 'my':
        this.toUser(
          e.u,
          encodeChatEvent({
            myFlags: {
              chatId: e.c,
              seq: e.s,
              myReactions: e.f.rx,
              myVotes: e.f.v,
              important: e.f.imp,
            },
          }),
        );
        return;
      case 'rd': {
        const bytes = encodeChatEvent({ read: { chatId: e.c, userId: e.u, seq: e.s, unread: e.n } });
        // In a direct chat the other person sees it too; their topic has both.
        if (e.d) this.toChat(e.c, bytes, 0, 0);
        else this.toUser(e.u, bytes);
        return;
      }
      case 'ca':
        for (const u of e.u) for (const conn of this.byUser.get(u) ?? []) void this.added(conn, e.c);
        return;
      case 'cr':
        for (const u of e.u) {
          for (const conn of this.byUser.get(u) ?? []) {
            this.stop(conn, e.c);
            conn.socket.send(encodeChatEvent({ chatRemoved: { chatId: e.c, reason: e.why } }));
          }
        }
        return;
      case 'cc':
        void this.chatChanged(e.c);
        return;
      case 'ru':
        for (const conn of this.byUser.get(e.u) ?? []) void this.roleChanged(conn, e.c);
        return;
      case 'hc':
        for (const conn of this.byUser.get(e.u) ?? []) void this.historyCleared(conn, e.c, e.v);
        return;
      case 'ex':
        // Outside the rev order (no message changed): a range every follower drops, restricted ones too.
        this.toChat(e.c, encodeChatEvent({ messagesExpired: expiredToWire(e) }), 0, 0);
        return;
    }
  }

  private toChat(chatId: string, bytes: Uint8Array, rev: number, seq: number, message?: StoredMessage): void {
    this.publish(chatTopic(chatId), bytes);
    for (const conn of this.watchers.get(chatId) ?? []) {
      const follow = conn.follows.get(chatId);
      if (follow?.mode === 'syncing') {
        follow.buffer.push({ rev, seq, bytes, message });
        if (follow.buffer.length > MAX_BUFFERED) this.fellBehind(conn, chatId, 'too much to buffer');
      } else if (follow?.mode === 'restricted') {
        this.sendAsSeen(conn, chatId, follow.visibleFrom, { rev, seq, bytes, message });
      }
    }
  }

  /** An event to a member who may not see all of the chat: as they see it, or not at all. */
  private sendAsSeen(conn: ChatConnection, chatId: string, visibleFrom: number, b: Buffered): void {
    if (!b.message) {
      if (b.seq === 0 || b.seq >= visibleFrom) conn.socket.send(b.bytes);
      return;
    }
    const view = readerView({ visibleFrom }, b.message);
    if (!view) return;
    conn.socket.send(
      view === b.message ? b.bytes : encodeChatEvent({ message: messageToWire(chatId, view) }),
    );
  }

  /**
   * An open quiz went to everyone without its counts: its author and those
   * who voted, following the chat on this host, get them each on their own
   * (without personal flags, which the client keeps).
   */
  private async quizCounts(chatId: string, m: StoredMessage): Promise<void> {
    let votes: Map<string, number[]>;
    try {
      votes = await this.messages.votesOf(chatId, m.seq);
    } catch (err) {
      this.log.warn({ err, chatId, seq: m.seq }, "a quiz's counts were not sent to its voters");
      return;
    }
    for (const userId of new Set([m.from, ...votes.keys()])) {
      for (const conn of this.byUser.get(userId) ?? []) {
        const follow = conn.follows.get(chatId);
        // One still catching up reads the quiz, with its counts, from the store.
        if (!follow || follow.mode === 'syncing') continue;
        const view = readerView({ visibleFrom: follow.mode === 'restricted' ? follow.visibleFrom : 1 }, m);
        if (!view) continue;
        const mine = { reactions: [], votes: votes.get(userId) ?? [], important: false, reader: userId };
        const { myReactions: _r, myVotes: _v, important: _i, ...message } = messageToWire(chatId, view, mine);
        conn.socket.send(encodeChatEvent({ message }));
      }
    }
  }

  private toUser(userId: string, bytes: Uint8Array): void {
    for (const conn of this.byUser.get(userId) ?? []) conn.socket.send(bytes);
  }

  /** Someone here was added to a chat: announce it, then follow it live. */
  private async added(conn: ChatConnection, chatId: string): Promise<void> {
    this.begin(conn, chatId);
    try {
      const chat = await this.chatService.summaryFor(chatId, conn.userId);
      if (conn.socket.closed || conn.follows.get(chatId)?.mode !== 'syncing') return;
      conn.socket.send(encodeChatEvent({ chatAdded: chat }));
      this.finish(conn, chatId, { rev: chat.rev ?? 0, sent: new Map(), visibleFrom: chat.visibleFrom ?? 1 });
    } catch (err) {
      this.fellBehind(conn, chatId, 'cannot follow a chat someone was added to', err);
    }
  }

  private async chatChanged(chatId: string): Promise<void> {
    try {
      const [chat, pins] = await Promise.all([this.chats.chat(chatId), this.chats.pins(chatId)]);
      if (!chat) return;
      this.toChat(chatId, encodeChatEvent({ chatChanged: sharedChatToWire(chat, pins) }), 0, 0);
    } catch (err) {
      // Every connection here that follows the chat missed the change.
      for (const set of [...this.byUser.values()])
        for (const conn of [...set])
          if (conn.follows.has(chatId)) this.fellBehind(conn, chatId, 'cannot announce a chat change', err);
    }
  }

  private async roleChanged(conn: ChatConnection, chatId: string): Promise<void> {
    try {
      const chat: cpb.IChat = await this.chatService.summaryFor(chatId, conn.userId);
      if (!conn.socket.closed) conn.socket.send(encodeChatEvent({ chatChanged: chat }));
    } catch (err) {
      this.fellBehind(conn, chatId, 'cannot announce a role change', err);
    }
  }

  /**
   * The person cleared the chat's history on some device: from now on this
   * connection gets only what they may still read (off the chat's topic,
   * as a restricted member), and the client is told to drop what it holds.
   */
  private async historyCleared(conn: ChatConnection, chatId: string, visibleFrom: number): Promise<void> {
    const follow = conn.follows.get(chatId);
    if (follow?.mode === 'syncing') follow.visibleFrom = Math.max(follow.visibleFrom ?? 1, visibleFrom);
    else if (follow) {
      const from = follow.mode === 'restricted' ? Math.max(follow.visibleFrom, visibleFrom) : visibleFrom;
      if (follow.mode === 'live') conn.socket.unsubscribe(chatTopic(chatId));
      conn.follows.set(chatId, { mode: 'restricted', visibleFrom: from });
      const set = this.watchers.get(chatId) ?? new Set();
      this.watchers.set(chatId, set);
      set.add(conn);
    }
    try {
      const chat: cpb.IChat = await this.chatService.summaryFor(chatId, conn.userId);
      if (!conn.socket.closed) conn.socket.send(encodeChatEvent({ historyCleared: chat }));
    } catch (err) {
      this.fellBehind(conn, chatId, 'cannot announce a cleared history', err);
    }
  }

  /**
   * The feed's one rule for a connection that missed a change of a chat it
   * follows: close it, so the client reconnects and resumes from its cursor
   * (a reconnect reads the chat list and the changes after each cursor).
   */
  private fellBehind(conn: ChatConnection, chatId: string, what: string, err?: unknown): void {
    this.log.warn({ err, chat: chatId, socket: conn.socket.id }, `${what}: closing the connection to resume`);
    this.metrics.fellBehind.inc();
    this.stop(conn, chatId);
    if (!conn.socket.closed) conn.socket.close('fell behind; reconnect to resume');
  }

  dropAll(reason: string): void {
    for (const set of [...this.byUser.values()]) for (const conn of [...set]) conn.socket.close(reason);
  }
}
