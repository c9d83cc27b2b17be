// Bringing a connection up to date: for each chat, the summary, and for chats
// the client already holds (a cursor), every change after its rev; then the
// connection follows the chat live (see feed.ts for why nothing is missed or
// sent twice).
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { ChatService } from './chats.js';
import type { CaughtUp, ChatConnection, ChatFeed } from './feed.js';
import type { MessageService } from './messages.js';
import type { MessageStore } from './store/messageStore.js';

import cpb = schoolcall.chat.v1;

/** Past this many changes a catch-up sends the latest page and a reset instead. */
const REPLAY_MAX = 500;
const RESET_PAGE = 50;

export interface ChatCatchUp {
  chat: cpb.IChat;
  batch: cpb.IMessageBatch | null;
  caught: CaughtUp;
}

export class Resume {
  constructor(
    private readonly feed: ChatFeed,
    private readonly chats: ChatService,
    private readonly messages: MessageService,
    private readonly store: MessageStore,
  ) {}

  /**
   * Follows every given chat. Returns what to send (summaries, batches) and a
   * `finish` to call right after sending them, in the same tick.
   */
  async followAll(
    conn: ChatConnection,
    chatIds: string[],
    cursors: Map<string, number>,
  ): Promise<{ caughtUp: ChatCatchUp[]; finish: () => void }> {
    for (const id of chatIds) this.feed.begin(conn, id);
    const settled = await Promise.allSettled(
      chatIds.map((id) => this.catchUp(conn.userId, id, cursors.get(id))),
    );
    const caughtUp: ChatCatchUp[] = [];
    settled.forEach((s, i) => {
      // A chat removed meanwhile (or unreadable) is simply not followed.
      if (s.status === 'fulfilled' && s.value) caughtUp.push(s.value);
      else this.feed.stop(conn, chatIds[i]!);
    });
    return {
      caughtUp,
      finish: () => {
        for (const c of caughtUp) this.feed.finish(conn, c.chat.chatId!, c.caught);
      },
    };
  }

  private async catchUp(
    userId: string,
    chatId: string,
    cursor: number | undefined,
  ): Promise<ChatCatchUp | null> {
    const chat = await this.chats.summaryFor(chatId, userId);
    if (!chat.myRole) return null;
    const visibleFrom = chat.visibleFrom || 1;
    if (cursor === undefined) {
      return { chat, batch: null, caught: { rev: chat.rev ?? 0, sent: new Map(), visibleFrom } };
    }
    const changes = await this.store.changesAfter(chatId, cursor, REPLAY_MAX, visibleFrom);
    let seqs: number[];
    if (changes.reset) {
      const last = chat.lastSeq ?? 0;
      const first = Math.max(visibleFrom, last - RESET_PAGE + 1);
      seqs = [];
      for (let s = first; s <= last; s++) seqs.push(s);
    } else {
      seqs = changes.messages.map((m) => m.seq);
    }
    const messages = await this.messages.withFlags(chatId, userId, { visibleFrom }, seqs);
    if (!changes.reset) messages.sort((a, b) => (a.rev ?? 0) - (b.rev ?? 0));
    const sent = new Map(messages.map((m) => [m.seq ?? 0, m.rev ?? 0]));
    return {
      chat,
      batch: { chatId, messages, reset: changes.reset, rev: changes.rev },
      caught: { rev: changes.rev, sent, visibleFrom },
    };
  }
}
