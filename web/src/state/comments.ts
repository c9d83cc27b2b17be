// For hosts and co-hosts: the broadcast viewers' comments inside the call.
// Whether viewers may comment (off, on, or after a moderator's approval),
// the comments with those waiting, approve and delete. The comments live in
// the room's second chat ("comments.<room>"): its new, approved and deleted
// messages and its mode come to moderators only, on the call's socket; the
// first page and the mode are read when the panel opens.
import { batch, computed, signal } from '@preact/signals';
import { type Msg, cpb } from '../chat/format.js';
import type { CallContext } from './callContext.js';
import type { Roster } from './roster.js';

export type CommentsMode = 'off' | 'on' | 'moderated';

const FROM_WIRE: Partial<Record<cpb.CommentsMode, CommentsMode>> = {
  [cpb.CommentsMode.COMMENTS_MODE_OFF]: 'off',
  [cpb.CommentsMode.COMMENTS_MODE_ON]: 'on',
  [cpb.CommentsMode.COMMENTS_MODE_MODERATED]: 'moderated',
};
const TO_WIRE: Record<CommentsMode, cpb.CommentsMode> = {
  off: cpb.CommentsMode.COMMENTS_MODE_OFF,
  on: cpb.CommentsMode.COMMENTS_MODE_ON,
  moderated: cpb.CommentsMode.COMMENTS_MODE_MODERATED,
};

/** The viewers' comments chat of a room, which is not the lesson's chat. */
export const isCommentsChat = (chatId: string | null | undefined) => Boolean(chatId?.startsWith('comments.'));

export class CommentsStore {
  readonly mode = signal<CommentsMode>('off');
  /** By seq; deleted ones are dropped. */
  readonly comments = signal<ReadonlyMap<number, Msg>>(new Map());
  readonly waiting = computed(() => [...this.comments.value.values()].filter((m) => m.pending).length);
  private loaded = false;

  constructor(
    private readonly ctx: CallContext,
    private readonly roster: Roster,
    private readonly roomId: string,
  ) {
    const call = ctx.call;
    call.on('commentPending', (m) => this.put(m));
    call.on('chatMessage', (m) => {
      if (isCommentsChat(m.chatId)) this.put(m);
    });
    call.on('chatChanged', (c) => {
      const mode = FROM_WIRE[c.settings?.comments ?? 0];
      if (isCommentsChat(c.chatId) && mode) this.mode.value = mode;
    });
    call.on('resync', () => {
      if (this.loaded) void this.load();
    });
  }

  list(): Msg[] {
    return [...this.comments.value.values()].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  }

  /** The panel opened: the mode and the latest comments, waiting ones included. */
  async load(): Promise<void> {
    if (!this.roster.isModerator) return;
    this.loaded = true;
    await this.ctx.run(async () => {
      const [res, page] = await Promise.all([
        fetch(`/api/rooms/${encodeURIComponent(this.roomId)}/comments`, { cache: 'no-store' }),
        this.ctx.call.request({ commentHistory: { limit: 100 } }),
      ]);
      const mode = res.ok ? ((await res.json()) as { mode?: CommentsMode }).mode : undefined;
      batch(() => {
        if (mode) this.mode.value = mode;
        for (const m of page.chatPage?.messages ?? []) this.put(m);
      });
    });
  }

  setMode(mode: CommentsMode): Promise<boolean> {
    return this.ctx.run(async () => {
      await this.ctx.call.request({ chatSettings: { settings: { comments: TO_WIRE[mode] } } });
      this.mode.value = mode;
    });
  }

  approve(seq: number): Promise<boolean> {
    return this.moderate(seq, true);
  }

  remove(seq: number): Promise<boolean> {
    return this.moderate(seq, false);
  }

  private moderate(seq: number, approve: boolean): Promise<boolean> {
    return this.ctx.run(() => this.ctx.call.request({ commentModerate: { seq, approve } }));
  }

  private put(m: Msg): void {
    const seq = m.seq ?? 0;
    const held = this.comments.value.get(seq);
    if (held && (held.rev ?? 0) > (m.rev ?? 0)) return;
    if (m.kind === cpb.MessageKind.MESSAGE_KIND_SYSTEM) return;
    const next = new Map(this.comments.value);
    if (m.deleted) next.delete(seq);
    else next.set(seq, m);
    this.comments.value = next;
  }
}
