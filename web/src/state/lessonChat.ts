// The lesson's chat inside the call: its messages as signals, fed by the
// call's own socket (chat_* requests and events). Messages are kept by seq
// and replaced only by a newer rev. Every change in a chat has the next rev,
// so a jump in the revs of live events means something was missed (the
// room moved to another host, a slow connection was resynchronised): the
// store then asks chat_sync for everything after the last rev it has. It
// also syncs whenever the panel opens, which catches a lost last change.
import { batch, signal } from '@preact/signals';
import type { CallLink } from '../call/callClient.js';
import type { ComposerActions, ThreadActions } from '../chat/actions.js';
import { type Msg, cpb } from '../chat/format.js';
import { mergeMessage } from '../chat/mergeMessage.js';
import { myRights } from '../chat/rights.js';
import { uploadFile } from '../chat/upload.js';
import { pb } from '../protocol/wire.js';
import type { CallContext } from './callContext.js';
import { isCommentsChat } from './comments.js';
import type { Roster } from './roster.js';

export type ChatState = 'idle' | 'loading' | 'ready' | 'unavailable';

const PAGE = 50;

/** Why this person cannot write now, or null if they can. */
export type WriteBlock = 'readOnly' | 'guests' | null;

export class LessonChat {
  readonly state = signal<ChatState>('idle');
  readonly chat = signal<cpb.IChat | null>(null);
  readonly messages = signal<ReadonlyMap<number, Msg>>(new Map());
  readonly atStart = signal(false);
  readonly unread = signal(0);
  readonly replyTo = signal<Msg | null>(null);
  readonly editing = signal<Msg | null>(null);
  /** The highest rev applied without a gap; null until the chat is open. */
  private rev: number | null = null;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  /** Whether the latest page of history was fetched (when the panel first opened). */
  private pageLoaded = false;
  /** How many chat_sync requests a gap or an opening caused (tests and diagnostics). */
  syncCount = 0;

  /** Whether the person is looking at the chat now (panel open, page visible): set by the interface. */
  looking: () => boolean = () => false;
  private readonly call: CallLink;
  private readonly run: CallContext['run'];

  constructor(
    private readonly ctx: CallContext,
    private readonly roster: Roster,
  ) {
    this.call = ctx.call;
    this.run = (action) => ctx.run(action);
    // None of these waits for media; onEvent is looked up at each event (tests drop one on purpose).
    for (const type of ['chatMessage', 'chatChanged', 'chatMyFlags', 'chatMessagesExpired'] as const) {
      this.call.on(type, (_, e) => this.onEvent(e));
    }
    this.call.on('resync', () => this.resynced(), 'direct');
    ctx.inCall(() => void this.open());
  }

  private get meId(): string {
    return this.roster.self.value?.userId ?? '';
  }

  get isAdmin(): boolean {
    const role = this.chat.value?.myRole;
    return role === cpb.MemberRole.MEMBER_ROLE_ADMIN || role === cpb.MemberRole.MEMBER_ROLE_CREATOR;
  }

  /** The server decides; this only explains a closed composer before anyone tries. */
  get writeBlock(): WriteBlock {
    const settings = this.chat.value?.settings;
    if (this.isAdmin || !settings) return null;
    if (this.roster.self.value?.role === pb.Role.ROLE_GUEST && !settings.guestsMayWrite) return 'guests';
    if (settings.whoMayWrite === cpb.Permission.PERMISSION_ADMINS) return 'readOnly';
    return null;
  }

  list(): Msg[] {
    return [...this.messages.value.values()].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  }

  /**
   * Once the call is entered: the chat (its rules, rev and unread count) and
   * its last message only. The page of history waits until the panel opens,
   * so a lesson of 2000 does not fetch 2000 pages as everyone joins.
   */
  async open(): Promise<void> {
    if (this.state.value === 'loading' || this.state.value === 'ready') return;
    this.state.value = 'loading';
    try {
      const r = await this.call.request({ chatOpen: { limit: 1 } });
      const opened = r.chatOpened ?? {};
      batch(() => {
        this.chat.value = opened.chat ?? null;
        this.upsert(opened.page?.messages ?? [], true);
        this.atStart.value = Boolean(opened.page?.atStart);
        this.unread.value = opened.chat?.unread ?? 0;
        this.state.value = 'ready';
      });
      this.rev = Math.max(this.rev ?? 0, opened.chat?.rev ?? 0, this.highestRev());
      if (this.looking()) await this.shown();
    } catch {
      this.state.value = 'unavailable';
    }
  }

  /** The panel opened: the latest page the first time, anything missed since, all counted read. */
  async shown(): Promise<void> {
    if (this.state.value !== 'ready') {
      await this.open();
      return;
    }
    if (!this.pageLoaded) {
      this.pageLoaded = true;
      const ok = await this.run(async () => {
        const r = await this.call.request({ chatHistory: { limit: PAGE } });
        batch(() => {
          this.upsert(r.chatPage?.messages ?? [], true);
          this.atStart.value = Boolean(r.chatPage?.atStart);
        });
      });
      if (!ok) this.pageLoaded = false;
    }
    await this.sync();
    await this.markRead();
  }

  async older(): Promise<void> {
    const first = this.list()[0]?.seq ?? 0;
    if (first <= 1 || this.atStart.value) return;
    await this.run(async () => {
      const r = await this.call.request({ chatHistory: { beforeSeq: first, limit: PAGE } });
      batch(() => {
        this.upsert(r.chatPage?.messages ?? [], true);
        this.atStart.value = Boolean(r.chatPage?.atStart);
      });
    });
  }

  async markRead(): Promise<void> {
    const last = this.list().at(-1)?.seq ?? 0;
    const chat = this.chat.value;
    if (!chat || !last) return;
    this.unread.value = 0;
    if ((chat.readSeq ?? 0) >= last) return;
    this.chat.value = { ...chat, readSeq: last };
    await this.call.request({ chatMarkRead: { seq: last } }).catch(() => undefined);
  }

  // ---- events from the call's socket --------------------------------------------

  onEvent(e: pb.Event): void {
    // Hosts also hear the broadcast's comments chat on this socket: that is CommentsStore's.
    if (e.chatMessage) {
      if (!isCommentsChat(e.chatMessage.chatId)) this.onMessage(e.chatMessage);
    } else if (e.chatChanged) {
      if (!isCommentsChat(e.chatChanged.chatId)) this.onChatChanged(e.chatChanged);
    } else if (e.chatMyFlags) this.onMyFlags(e.chatMyFlags);
    else if (e.chatMessagesExpired) this.onExpired(e.chatMessagesExpired);
  }

  /**
   * Retention removed the messages up to a seq (outside the rev order: no
   * rev to advance): they leave the panel, nothing older is left to load,
   * and a read mark below them moved up, so the unread count is the
   * server's, plus messages that came after it was counted.
   */
  private onExpired(e: cpb.IMessagesExpired): void {
    const upToSeq = e.upToSeq ?? 0;
    const chat = this.chat.value;
    if (!chat || e.chatId !== chat.chatId) return;
    batch(() => {
      const held = [...this.messages.value].filter(([seq]) => seq > upToSeq);
      if (held.length < this.messages.value.size) {
        this.messages.value = new Map(held);
        this.atStart.value = true;
      }
      if ((chat.readSeq ?? 0) < upToSeq) {
        this.chat.value = { ...chat, readSeq: upToSeq };
        this.unread.value = Math.min(
          this.unread.value,
          (e.unread ?? 0) + Math.max(0, (chat.lastSeq ?? 0) - (e.lastSeq ?? 0)),
        );
      }
      if ((chat.lastMessage?.seq ?? 0) && (chat.lastMessage?.seq ?? 0) <= upToSeq) {
        this.chat.value = { ...this.chat.value!, lastMessage: null };
      }
    });
  }

  /** The call resynchronised after falling behind: events may have been dropped. */
  private resynced(): void {
    if (this.state.value === 'ready') void this.sync();
  }

  private onMessage(m: Msg): void {
    const lastSeq = this.chat.value?.lastSeq ?? 0;
    const isNew = (m.seq ?? 0) > lastSeq;
    this.upsert([m], false);
    if (isNew && this.chat.value) {
      this.chat.value = { ...this.chat.value, lastSeq: m.seq, lastMessage: m };
      if (m.senderId !== this.meId && !m.deleted) {
        if (this.looking()) void this.markRead();
        else this.unread.value++;
      }
    }
    this.advance(m.rev ?? 0);
  }

  private onChatChanged(c: cpb.IChat): void {
    const held = this.chat.value;
    if (!held) return;
    // An event to everyone has no personal fields: keep ours.
    this.chat.value = {
      ...held,
      ...c,
      myRole: held.myRole,
      readSeq: held.readSeq,
      unread: held.unread,
      visibleFrom: held.visibleFrom,
      rev: Math.max(held.rev ?? 0, c.rev ?? 0),
      lastSeq: Math.max(held.lastSeq ?? 0, c.lastSeq ?? 0),
      lastMessage: held.lastMessage,
    };
  }

  private onMyFlags(f: Msg): void {
    const held = this.messages.value.get(f.seq ?? 0);
    if (!held) return;
    this.put({ ...held, myReactions: f.myReactions, myVotes: f.myVotes, important: f.important });
  }

  /** Tracks the revs of live changes; a jump means a gap to fill. */
  private advance(rev: number): void {
    if (this.rev === null || rev <= this.rev) return;
    if (rev === this.rev + 1) {
      this.rev = rev;
      return;
    }
    void this.sync();
  }

  /** Asks for every change after our rev; one request at a time, again if more gaps showed meanwhile. */
  sync(): Promise<void> {
    if (this.rev === null) return Promise.resolve();
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        this.syncCount++;
        const from = this.rev ?? 0;
        try {
          const r = await this.call.request({ chatSync: { rev: from } });
          const got = r.chatPage?.messages ?? [];
          this.upsert(got, true);
          const top = Math.max(from, ...got.map((m) => m.rev ?? 0));
          this.rev = Math.max(this.rev ?? 0, top);
          const lastSeq = Math.max(this.chat.value?.lastSeq ?? 0, ...got.map((m) => m.seq ?? 0));
          if (this.chat.value) this.chat.value = { ...this.chat.value, lastSeq };
        } catch {
          // The next gap or opening of the panel tries again.
          return;
        }
      } while (this.syncAgain);
    })().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private highestRev(): number {
    let top = 0;
    for (const m of this.messages.value.values()) top = Math.max(top, m.rev ?? 0);
    return top;
  }

  /** Takes messages in, each replacing what we hold only if it is newer. */
  private upsert(list: Msg[], personal: boolean): void {
    if (!list.length) return;
    const next = new Map(this.messages.value);
    for (const m of list) {
      const merged = mergeMessage(next.get(m.seq ?? 0), m, personal);
      if (merged) next.set(m.seq ?? 0, merged);
    }
    this.messages.value = next;
  }

  private put(m: Msg): void {
    const next = new Map(this.messages.value);
    next.set(m.seq ?? 0, m);
    this.messages.value = next;
  }

  // ---- actions ---------------------------------------------------------------------

  private async answer(action: () => Promise<pb.Response>): Promise<boolean> {
    return this.run(async () => {
      const r = await action();
      if (r.chatMessage) this.upsert([r.chatMessage], true);
    });
  }

  private readonly react = (m: Msg, emoji: string) =>
    void this.answer(() =>
      this.call.request({
        chatReact: { seq: m.seq, emoji, add: !(m.myReactions ?? []).includes(emoji) },
      }),
    );

  private readonly fileUrl = async (_m: Msg, fileId: string, preview: boolean): Promise<string> => {
    try {
      const r = await this.call.request({ chatFileUrl: { fileId, preview } });
      return r.chatFileUrl?.url ?? '';
    } catch {
      return '';
    }
  };

  /** What the chat view may do, for who is looking now. */
  actions(): ThreadActions {
    const request = this.call;
    return {
      meId: this.meId,
      rights: myRights(this.chat.value, this.roster.self.value?.role === pb.Role.ROLE_GUEST),
      react: this.react,
      pin: (m, pin) => void this.answer(() => request.request({ chatPin: { seq: m.seq, pin } })),
      remove: (m) => void this.answer(() => request.request({ chatDelete: { seq: m.seq } })),
      reply: (m) =>
        batch(() => {
          this.editing.value = null;
          this.replyTo.value = m;
        }),
      edit: (m) =>
        batch(() => {
          this.replyTo.value = null;
          this.editing.value = m;
        }),
      vote: (m, options) => void this.answer(() => request.request({ chatVote: { seq: m.seq, options } })),
      fileUrl: this.fileUrl,
    };
  }

  readonly composer: ComposerActions = {
    send: (text, replyTo, fileIds) =>
      this.answer(() =>
        this.call.request({
          chatSend: { text, replyTo: replyTo?.seq ?? 0, fileIds, clientMessageId: crypto.randomUUID() },
        }),
      ),
    saveEdit: (m, text) => this.answer(() => this.call.request({ chatEdit: { seq: m.seq, text } })),
    upload: async (file, progress) => {
      let grant: pb.IChatUploadGrant | null = null;
      const ok = await this.run(async () => {
        grant = (await this.call.request({ chatUploadGrant: {} })).chatUploadGrant ?? null;
      });
      const g = grant as pb.IChatUploadGrant | null;
      if (!ok || !g?.token) return null;
      const up = await uploadFile(file, file.name, { token: g.token, chatId: g.chatId ?? '' }, progress);
      if (up.failure) this.ctx.toast(up.failure, {}, 'warn');
      return up.fileId;
    },
  };

  /** Hosts: let guests write, or make the chat read-only (only hosts write). */
  setWriting(change: { guestsMayWrite?: boolean; readOnly?: boolean }): Promise<boolean> {
    const settings: cpb.IChatSettings = {};
    if (change.guestsMayWrite !== undefined) settings.guestsMayWrite = change.guestsMayWrite;
    if (change.readOnly !== undefined) {
      settings.whoMayWrite = change.readOnly
        ? cpb.Permission.PERMISSION_ADMINS
        : cpb.Permission.PERMISSION_EVERYONE;
    }
    return this.run(() => this.call.request({ chatSettings: { settings } }));
  }

  /** The chat as plain text, for keeping after the call. */
  transcript(): string {
    return this.list()
      .filter((m) => !m.deleted && m.kind !== cpb.MessageKind.MESSAGE_KIND_SYSTEM)
      .map((m) => {
        const at = new Date(m.sentAt ?? 0).toLocaleString();
        const files = (m.attachments ?? []).map((a) => ` [${a.name}]`).join('');
        return `[${at}] ${m.senderName}: ${m.text ?? ''}${m.poll?.question ?? ''}${files}`;
      })
      .join('\n');
  }
}
