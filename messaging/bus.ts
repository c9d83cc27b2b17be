// The chat event bus between hosts: every event is built here as a
// ChatBusEvent (signaling/proto/chatBus.proto) and published on one Redis
// channel after the change it tells of has committed in PostgreSQL. A
// publish that fails loses nothing stored: the feeds find the missing rev
// from the next event of that chat (or a client catches up from its cursor).
import type { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { type StoredMessage, parseMessage } from './records.js';

import cpb = schoolcall.chat.v1;

/** The Redis channel every host's feed listens on. */
export const BUS_CHANNEL = 'school-call:chat-bus';

/** A chat event as the feed and its listeners see it. */
export type FeedEvent =
  | { t: 'm'; c: string; r: StoredMessage }
  | { t: 'my'; c: string; u: string; s: number; f: { rx: string[]; v: number[]; imp: boolean } }
  | { t: 'rd'; c: string; u: string; s: number; n: number; d: boolean }
  | { t: 'ca'; c: string; u: string[] }
  | { t: 'cr'; c: string; u: string[]; why: string }
  | { t: 'cc'; c: string }
  | { t: 'ru'; c: string; u: string }
  | { t: 'hc'; c: string; u: string; v: number }
  /** Retention removed the chat's messages up to seq `s`; a moved read mark leaves `n` unread at last seq `l`. */
  | { t: 'ex'; c: string; s: number; n: number; l: number };

export function encodeBusEvent(e: FeedEvent): Uint8Array {
  const body: cpb.IChatBusEvent = { chatId: e.c };
  switch (e.t) {
    case 'm':
      body.message = { recordJson: JSON.stringify(e.r) };
      break;
    case 'my':
      body.myFlags = { userId: e.u, seq: e.s, reactions: e.f.rx, votes: e.f.v, important: e.f.imp };
      break;
    case 'rd':
      body.read = { userId: e.u, seq: e.s, unread: e.n, direct: e.d };
      break;
    case 'ca':
      body.membersAdded = { userIds: e.u };
      break;
    case 'cr':
      body.membersRemoved = { userIds: e.u, reason: e.why };
      break;
    case 'cc':
      body.chatChanged = {};
      break;
    case 'ru':
      body.roleChanged = { userId: e.u };
      break;
    case 'hc':
      body.historyCleared = { userId: e.u, visibleFrom: e.v };
      break;
    case 'ex':
      body.messagesExpired = { upToSeq: e.s, unread: e.n, lastSeq: e.l };
      break;
  }
  return cpb.ChatBusEvent.encode(body).finish();
}

/** A retention batch as the browser hears it (the messenger's socket and the call's). */
export function expiredToWire(e: Extract<FeedEvent, { t: 'ex' }>): cpb.IMessagesExpired {
  return { chatId: e.c, upToSeq: e.s, unread: e.n, lastSeq: e.l };
}

/** The event in `bytes`, or null for one this host does not know (a newer host's). */
export function decodeBusEvent(bytes: Uint8Array): FeedEvent | null {
  const e = cpb.ChatBusEvent.decode(bytes);
  const c = e.chatId;
  // Decoded sub-messages are instances with every field set (defaults for absent ones).
  switch (e.body) {
    case 'message':
      return { t: 'm', c, r: parseMessage((e.message as cpb.BusMessage).recordJson) };
    case 'myFlags': {
      const f = e.myFlags as cpb.BusFlags;
      return { t: 'my', c, u: f.userId, s: f.seq, f: { rx: f.reactions, v: f.votes, imp: f.important } };
    }
    case 'read': {
      const r = e.read as cpb.BusRead;
      return { t: 'rd', c, u: r.userId, s: r.seq, n: r.unread, d: r.direct };
    }
    case 'membersAdded':
      return { t: 'ca', c, u: (e.membersAdded as cpb.BusMembers).userIds };
    case 'membersRemoved': {
      const r = e.membersRemoved as cpb.BusMembersRemoved;
      return { t: 'cr', c, u: r.userIds, why: r.reason };
    }
    case 'chatChanged':
      return { t: 'cc', c };
    case 'roleChanged':
      return { t: 'ru', c, u: (e.roleChanged as cpb.BusRoleChanged).userId };
    case 'historyCleared': {
      const h = e.historyCleared as cpb.BusHistoryCleared;
      return { t: 'hc', c, u: h.userId, v: h.visibleFrom };
    }
    case 'messagesExpired': {
      const x = e.messagesExpired as cpb.BusMessagesExpired;
      return { t: 'ex', c, s: x.upToSeq, n: x.unread, l: x.lastSeq };
    }
    default:
      return null;
  }
}

/** Publishes committed changes to every host. */
export class ChatBus {
  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
  ) {}

  /**
   * Publishes the events in order (one connection keeps its commands in
   * order) and resolves once Redis has passed them on, so a request is
   * answered after its event went out, as before. Called right after
   * COMMIT; never rejects: the change is stored either way.
   */
  async publish(...events: FeedEvent[]): Promise<void> {
    await Promise.all(
      events.map((e) =>
        this.redis.publish(BUS_CHANNEL, Buffer.from(encodeBusEvent(e))).catch((err: unknown) => {
          this.log.warn({ err, chat: e.c, event: e.t }, 'a chat event was not published (it is stored)');
        }),
      ),
    );
  }
}
