// The messenger page's state: chats and their messages as signals, kept
// current from the server's events. Messages are stored by seq and replaced
// only by a newer rev; each chat's cursor (the highest rev seen) lets a
// reconnect resume where the connection stopped.
import { signal } from '@preact/signals';
import { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { mergeMessage } from '../chat/mergeMessage.js';
import { ChatClient } from '../protocol/chatClient.js';
import { chatErrorText } from './chatErrors.js';

import cpb = schoolcall.chat.v1;

export { cpb };

export type Msg = cpb.IChatMessage;

const RECONNECT_MS = 2000;
/** Messages in one page of history. */
const PAGE = 50;

export class MessengerStore {
  readonly chats = signal<Map<string, cpb.IChat>>(new Map());
  readonly messages = signal<Map<string, Map<number, Msg>>>(new Map());
  readonly selected = signal<string | null>(null);
  readonly me = signal<cpb.IUser | null>(null);
  readonly replyTo = signal<Msg | null>(null);
  readonly editing = signal<Msg | null>(null);
  readonly connected = signal(false);
  readonly error = signal<string | null>(null);
  /** A sentence shown for a moment (a refusal, a lost connection, or what was done), in the person's language. */
  readonly notice = signal<string | null>(null);
  /** Whether the notice is a refusal (shown as an error) or word of what was done (neutral). */
  readonly noticeTone = signal<'error' | 'done'>('error');
  /** What the right side shows besides a chat: a new chat, or the chat's people and settings. */
  readonly sheet = signal<
    | 'new'
    | 'info'
    | 'schedule'
    | 'lessons'
    | 'homework'
    | 'homework-all'
    | 'class-awards'
    | 'awards'
    | 'important'
    | 'documents'
    | null
  >(null);
  /** Pinned messages fetched with the list of pins, by chat (those outside the loaded pages too). */
  readonly pinnedFetched = signal<Map<string, Map<number, Msg>>>(new Map());
  /** Chats whose history is loaded back to its start. */
  private readonly atStart = signal<ReadonlySet<string>>(new Set());
  /**
   * Chats whose latest page was fetched: from then on every change reaches
   * us live (or in the catch-up after a reconnect), so what we hold has no
   * gap. A chat we only heard live messages of is not in here: opening it
   * fetches its latest page and merges the live ones in.
   */
  private readonly loaded = new Set<string>();
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private client: ChatClient | null = null;
  private readonly cursors = new Map<string, number>();

  constructor(
    private readonly url: string,
    /** A link's token, or (signed in) a way to get a fresh one for each connection (kept in memory only). */
    private readonly tokenSource: string | (() => Promise<string>),
  ) {
    this.token = typeof tokenSource === 'string' ? tokenSource : '';
  }

  /** The person's user token now: authenticates the socket and the chat's file uploads. */
  token: string;

  get chat(): ChatClient {
    if (!this.client) throw new Error('not connected');
    return this.client;
  }

  async connect(): Promise<void> {
    const client = new ChatClient(this.url);
    for (const [k, v] of this.cursors) client.cursors.set(k, v);
    client.onEvent = (e) => this.onEvent(e);
    client.onClose = () => {
      this.connected.value = false;
      for (const [k, v] of client.cursors) this.cursors.set(k, v);
      setTimeout(() => void this.connect().catch(() => undefined), RECONNECT_MS);
    };
    await client.connect();
    this.client = client;
    if (typeof this.tokenSource !== 'string') this.token = await this.tokenSource();
    const auth = await client.authenticate(this.token);
    this.me.value = auth.user ?? null;
    this.chats.value = new Map((auth.chats ?? []).map((c) => [c.chatId ?? '', c]));
    this.connected.value = true;
  }

  /** Runs a request; a refusal becomes a translated sentence on screen. Null when it failed. */
  async run<T>(action: () => Promise<T>): Promise<T | null> {
    try {
      return await action();
    } catch (err) {
      this.say(chatErrorText(err));
      return null;
    }
  }

  /** Shows a sentence for a moment: a refusal by default, or (tone 'done') word of what was done. */
  say(text: string, tone: 'error' | 'done' = 'error'): void {
    this.notice.value = text;
    this.noticeTone.value = tone;
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notice.value = null;
    }, 6000);
  }

  /** Takes a chat as the server answered it (created, changed by us). */
  putChat(c: cpb.IChat): void {
    const next = new Map(this.chats.value);
    next.set(c.chatId ?? '', { ...next.get(c.chatId ?? ''), ...c });
    this.chats.value = next;
  }

  sortedChats(): cpb.IChat[] {
    const at = (c: cpb.IChat) => c.lastMessage?.sentAt || c.createdAt || 0;
    return [...this.chats.value.values()].sort((a, b) => at(b) - at(a));
  }

  list(chatId: string): Msg[] {
    return [...(this.messages.value.get(chatId)?.values() ?? [])].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  }

  /** Opens a chat: its latest page, then everything in it counts as read. */
  async open(chatId: string): Promise<void> {
    this.selected.value = chatId;
    this.sheet.value = null;
    this.replyTo.value = null;
    this.editing.value = null;
    if (!this.loaded.has(chatId)) {
      const r = await this.chat.request({ getHistory: { chatId, limit: PAGE } });
      this.upsert(r.page?.messages ?? [], true);
      this.loaded.add(chatId);
      if (r.page?.atStart) this.reachedStart(chatId);
    }
    await this.markRead(chatId);
  }

  /** Forgets what we hold of a chat (joined again, history reset): opening it loads its latest page. */
  forget(chatId: string): void {
    this.loaded.delete(chatId);
    const next = new Map(this.messages.value);
    next.delete(chatId);
    this.messages.value = next;
    const start = new Set(this.atStart.value);
    start.delete(chatId);
    this.atStart.value = start;
  }

  /**
   * The person cleared a chat's history (here, or on another device of
   * theirs: ChatEvent.history_cleared): what we hold of it goes, and an
   * open chat loads its latest page again. Told twice (the answer, then the
   * event), it does the work once.
   */
  async historyCleared(c: cpb.IChat): Promise<void> {
    const chatId = c.chatId ?? '';
    const held = this.chats.value.get(chatId);
    if (held && (held.visibleFrom ?? 1) >= (c.visibleFrom ?? 1)) return;
    this.forget(chatId);
    this.putChat({ ...c, lastMessage: c.lastMessage ?? null });
    if (this.selected.value === chatId) await this.open(chatId);
  }

  /**
   * The chat's retention removed its messages up to a seq
   * (ChatEvent.messages_expired): they leave the screen, pins among them
   * too; held pages reached into the range, so nothing older is left to load.
   * A read mark below the range moved up to its end on the server: the
   * badge takes the server's count, plus what came after it was counted.
   */
  expired(e: cpb.IMessagesExpired): void {
    const chatId = e.chatId ?? '';
    const upToSeq = e.upToSeq ?? 0;
    const gone = (held: Map<number, Msg> | undefined) =>
      held && [...held.keys()].some((seq) => seq <= upToSeq)
        ? new Map([...held].filter(([seq]) => seq > upToSeq))
        : null;
    const kept = gone(this.messages.value.get(chatId));
    if (kept) {
      this.messages.value = new Map(this.messages.value).set(chatId, kept);
      this.reachedStart(chatId);
    }
    const pins = gone(this.pinnedFetched.value.get(chatId));
    if (pins) this.pinnedFetched.value = new Map(this.pinnedFetched.value).set(chatId, pins);
    const c = this.chats.value.get(chatId);
    if (c?.lastMessage && (c.lastMessage.seq ?? 0) <= upToSeq) this.patchChat(chatId, { lastMessage: null });
    if (c && (c.readSeq ?? 0) < upToSeq) {
      const unread = (e.unread ?? 0) + Math.max(0, (c.lastSeq ?? 0) - (e.lastSeq ?? 0));
      this.patchChat(chatId, {
        readSeq: upToSeq,
        unread,
        unreadMentions: Math.min(c.unreadMentions ?? 0, unread),
      });
    }
  }

  /** Whether the chat has older messages than those loaded. */
  hasOlder(chatId: string): boolean {
    const first = this.list(chatId)[0]?.seq ?? 0;
    return first > 1 && !this.atStart.value.has(chatId);
  }

  async older(chatId: string): Promise<void> {
    const first = this.list(chatId)[0]?.seq ?? 0;
    if (first <= 1) return;
    const r = await this.run(() =>
      this.chat.request({ getHistory: { chatId, beforeSeq: first, limit: PAGE } }),
    );
    this.upsert(r?.page?.messages ?? []);
    if (r?.page?.atStart) this.reachedStart(chatId);
  }

  /** Fetches a chat's pinned messages (the bar names them even when they are far back). */
  async loadPins(chatId: string): Promise<void> {
    const r = await this.run(() => this.chat.request({ listPinned: { chatId } }));
    if (!r?.page) return;
    const next = new Map(this.pinnedFetched.value);
    next.set(chatId, new Map((r.page.messages ?? []).map((m) => [m.seq ?? 0, m])));
    this.pinnedFetched.value = next;
  }

  /** A message of a chat as we hold it: loaded, or fetched as a pin. */
  held(chatId: string, seq: number): Msg | undefined {
    return this.messages.value.get(chatId)?.get(seq) ?? this.pinnedFetched.value.get(chatId)?.get(seq);
  }

  /** Loads older pages until the message with this seq is among the loaded ones. */
  async reveal(chatId: string, seq: number): Promise<void> {
    while (!this.messages.value.get(chatId)?.has(seq) && this.hasOlder(chatId)) {
      const before = this.list(chatId)[0]?.seq ?? 0;
      await this.older(chatId);
      if ((this.list(chatId)[0]?.seq ?? 0) === before) return;
    }
  }

  private reachedStart(chatId: string): void {
    this.atStart.value = new Set(this.atStart.value).add(chatId);
  }

  async markRead(chatId: string): Promise<void> {
    const last = this.list(chatId).at(-1)?.seq ?? 0;
    const c = this.chats.value.get(chatId);
    if (!last || !c || (c.readSeq ?? 0) >= last) return;
    const r = await this.chat.request({ markRead: { chatId, seq: last } });
    // Read to the end: no mention is left unread (the server counts them again on the next list).
    this.patchChat(chatId, { readSeq: r.read?.seq ?? last, unread: r.read?.unread ?? 0, unreadMentions: 0 });
  }

  private patchChat(chatId: string, patch: Partial<cpb.IChat>): void {
    const c = this.chats.value.get(chatId);
    if (!c) return;
    const next = new Map(this.chats.value);
    next.set(chatId, { ...c, ...patch });
    this.chats.value = next;
  }

  /** Takes messages in, each replacing what we hold only if it is newer. */
  upsert(list: Msg[], mine = false): void {
    if (!list.length) return;
    const next = new Map(this.messages.value);
    for (const m of list) {
      const chatId = m.chatId ?? '';
      const inChat = new Map(next.get(chatId) ?? []);
      const merged = mergeMessage(inChat.get(m.seq ?? 0), m, mine);
      if (!merged) continue;
      inChat.set(m.seq ?? 0, merged);
      next.set(chatId, inChat);
    }
    this.messages.value = next;
  }

  private onEvent(e: cpb.ChatEvent): void {
    if (e.message) {
      const m = e.message;
      this.upsert([m]);
      const c = this.chats.value.get(m.chatId ?? '');
      if (c && (m.seq ?? 0) > (c.lastSeq ?? 0)) {
        const fromMe = m.senderId === this.me.value?.userId;
        const open = this.selected.value === m.chatId && document.visibilityState === 'visible';
        const news = !fromMe && !open;
        const mentionsMe = (m.mentions ?? []).includes(this.me.value?.userId ?? '');
        this.patchChat(m.chatId ?? '', {
          lastSeq: m.seq,
          lastMessage: m,
          unread: news ? (c.unread ?? 0) + 1 : c.unread,
          unreadMentions: news && mentionsMe ? (c.unreadMentions ?? 0) + 1 : c.unreadMentions,
        });
        if (open && !fromMe) void this.markRead(m.chatId ?? '');
      } else if (c?.lastMessage?.seq === m.seq) {
        this.patchChat(m.chatId ?? '', { lastMessage: m });
      }
    } else if (e.batch) {
      // A reset carries the latest page: what it brings is the chat's loaded page.
      if (e.batch.reset) this.forget(e.batch.chatId ?? '');
      this.upsert(e.batch.messages ?? [], true);
      if (e.batch.reset) this.loaded.add(e.batch.chatId ?? '');
    } else if (e.chatAdded) {
      const next = new Map(this.chats.value);
      next.set(e.chatAdded.chatId ?? '', e.chatAdded);
      this.chats.value = next;
    } else if (e.chatChanged) {
      const id = e.chatChanged.chatId ?? '';
      const c = this.chats.value.get(id);
      // A change to everyone has no personal fields: keep ours unless it has them.
      const personal = e.chatChanged.myRole
        ? {}
        : {
            myRole: c?.myRole,
            readSeq: c?.readSeq,
            unread: c?.unread,
            unreadMentions: c?.unreadMentions,
            peerReadSeq: c?.peerReadSeq,
            peer: c?.peer,
          };
      this.patchChat(id, { ...e.chatChanged, ...personal });
    } else if (e.chatRemoved) {
      const next = new Map(this.chats.value);
      next.delete(e.chatRemoved.chatId ?? '');
      this.chats.value = next;
      this.forget(e.chatRemoved.chatId ?? '');
      if (this.selected.value === e.chatRemoved.chatId) this.selected.value = null;
    } else if (e.read) {
      if (e.read.userId !== this.me.value?.userId) {
        // The other person of a direct chat read on: the sender's ticks turn.
        const c = this.chats.value.get(e.read.chatId ?? '');
        if (c && (e.read.seq ?? 0) > (c.peerReadSeq ?? 0))
          this.patchChat(c.chatId ?? '', { peerReadSeq: e.read.seq });
      } else {
        const c = this.chats.value.get(e.read.chatId ?? '');
        this.patchChat(e.read.chatId ?? '', {
          readSeq: e.read.seq,
          unread: e.read.unread,
          // Read elsewhere to the end: no mention left.
          unreadMentions: e.read.unread ? c?.unreadMentions : 0,
        });
      }
    } else if (e.historyCleared) {
      void this.run(() => this.historyCleared(e.historyCleared!));
    } else if (e.messagesExpired) {
      this.expired(e.messagesExpired);
    } else if (e.myFlags) {
      const f = e.myFlags;
      const held = this.messages.value.get(f.chatId ?? '')?.get(f.seq ?? 0);
      if (held) {
        this.upsert(
          [{ ...held, myReactions: f.myReactions, myVotes: f.myVotes, important: f.important }],
          true,
        );
      }
    }
  }
}
