// Puts each chat's message events back in rev order on this host. Hosts
// publish a change after its commit, so two changes of one chat committed a
// moment apart on two hosts (or two connections of one) can arrive swapped,
// and a host that died between its commit and its publish leaves a gap. An
// event past the next expected rev waits briefly for the missing ones; then
// the gap is read from the store. So every host hands on every change, in
// order, once.
import type { Logger } from '../common/log.js';
import type { FeedEvent } from './bus.js';
import type { StoredMessage } from './records.js';

type MessageEvent = Extract<FeedEvent, { t: 'm' }>;

interface ChatOrder {
  /** The highest rev handed on. */
  last: number;
  /** Revs at or below `last` handed on lately (a late one not among them is still handed on). */
  recent: Set<number>;
  held: Map<number, MessageEvent>;
  timer: NodeJS.Timeout | null;
}

/** Chats whose order is remembered at most (the oldest are forgotten). */
const MAX_CHATS = 50_000;
const RECENT = 256;

export class RevOrder {
  private readonly chats = new Map<string, ChatOrder>();

  constructor(
    private readonly deliver: (e: MessageEvent) => void,
    /** Messages of the chat changed after `afterRev`, in rev order (at most a page). */
    private readonly changesAfter: (chatId: string, afterRev: number) => Promise<StoredMessage[]>,
    private readonly log: Logger,
    private readonly waitMs = 150,
  ) {}

  push(e: MessageEvent): void {
    const rev = e.r.rev;
    let s = this.chats.get(e.c);
    if (!s) {
      // The first this host hears of the chat: nothing to compare with.
      s = { last: rev, recent: new Set([rev]), held: new Map(), timer: null };
      this.remember(e.c, s);
      this.deliver(e);
      return;
    }
    if (rev <= s.last) {
      if (!s.recent.has(rev)) this.handOn(s, e);
      return;
    }
    if (rev === s.last + 1) {
      this.handOn(s, e);
      this.drain(s);
      return;
    }
    s.held.set(rev, e);
    if (!s.timer) s.timer = setTimeout(() => void this.fillGap(e.c), this.waitMs);
  }

  /** Forgets every chat (the subscription dropped: connections resume from their cursors). */
  reset(): void {
    for (const s of this.chats.values()) if (s.timer) clearTimeout(s.timer);
    this.chats.clear();
  }

  private remember(chatId: string, s: ChatOrder): void {
    this.chats.set(chatId, s);
    if (this.chats.size > MAX_CHATS) {
      for (const [id, old] of this.chats) {
        if (old.held.size === 0) {
          this.chats.delete(id);
          break;
        }
      }
    }
  }

  private handOn(s: ChatOrder, e: MessageEvent): void {
    s.last = Math.max(s.last, e.r.rev);
    s.recent.add(e.r.rev);
    if (s.recent.size > RECENT) s.recent.delete(s.recent.values().next().value!);
    this.deliver(e);
  }

  private drain(s: ChatOrder): void {
    for (let next = s.held.get(s.last + 1); next; next = s.held.get(s.last + 1)) {
      s.held.delete(next.r.rev);
      this.handOn(s, next);
    }
    for (const rev of s.held.keys()) if (rev <= s.last) s.held.delete(rev);
    if (s.held.size === 0 && s.timer) {
      clearTimeout(s.timer);
      s.timer = null;
    }
  }

  private async fillGap(chatId: string): Promise<void> {
    const s = this.chats.get(chatId);
    if (!s) return;
    s.timer = null;
    try {
      for (const r of await this.changesAfter(chatId, s.last)) {
        if (r.rev > s.last) {
          s.held.delete(r.rev);
          this.handOn(s, { t: 'm', c: chatId, r });
        }
      }
    } catch (err) {
      this.log.warn({ err, chat: chatId }, 'cannot read a gap in the chat events; handing on what came');
    }
    // Whatever still waits (the store could not be read): hand it on in order.
    for (const rev of [...s.held.keys()].sort((a, b) => a - b)) {
      const e = s.held.get(rev)!;
      s.held.delete(rev);
      if (rev > s.last) this.handOn(s, e);
    }
  }
}
