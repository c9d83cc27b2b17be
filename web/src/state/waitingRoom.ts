// Who waits to be let in, oldest first (told to hosts and co-hosts): the
// whole queue once, then deltas, however long it grows. A host hears a
// chime and sees a toast with the way to admit; a toast about someone who
// no longer waits goes away.
import { signal } from '@preact/signals';
import { t } from '../i18n/index.js';
import type { pb } from '../protocol/wire.js';
import type { CallContext } from './callContext.js';
import { chime } from './chime.js';
import type { Roster } from './roster.js';

export class WaitingRoom {
  readonly waiting = signal<pb.IParticipant[]>([]);
  /** The interface opens the people panel (set by the UI; the store knows no panels). */
  onOpenPeople: () => void = () => {};
  private readonly queue = new Map<string, pb.IParticipant>();
  private known = new Set<string>();

  constructor(
    private readonly ctx: CallContext,
    private readonly roster: Roster,
  ) {
    const call = ctx.call;
    call.on('waitingRoomChanged', (e) => this.replace(e.waiting ?? []));
    call.on('waitingRoomDelta', (e) => {
      for (const id of e.removed ?? []) this.queue.delete(id);
      for (const p of e.added ?? []) this.queue.set(p.participantId ?? '', p);
      this.changed([...this.queue.values()]);
    });
    call.on('resync', (e) => {
      if (roster.isModerator) this.replace(e.waiting ?? []);
    });
  }

  admit(participantIds: string[], all = false): Promise<boolean> {
    return this.ctx.run(() => this.ctx.call.request({ admit: { participantIds, all } }));
  }

  deny(participantIds: string[]): Promise<boolean> {
    return this.ctx.run(() => this.ctx.call.request({ deny: { participantIds } }));
  }

  private replace(list: pb.IParticipant[]): void {
    this.queue.clear();
    for (const p of list) this.queue.set(p.participantId ?? '', p);
    this.changed(list);
  }

  private changed(waiting: pb.IParticipant[]): void {
    const toasts = this.ctx.toasts;
    const fresh = waiting.filter((p) => !this.known.has(p.participantId ?? ''));
    this.known = new Set(waiting.map((p) => p.participantId ?? ''));
    this.waiting.value = waiting;
    // A toast about someone who no longer waits (admitted, denied, gone) goes.
    toasts.dismissWhere((tag) => tag.startsWith('waiting:') && !this.known.has(tag.slice(8)));
    if (waiting.length === 0) toasts.dismissWhere((tag) => tag === 'waiting');
    if (!this.roster.isModerator || fresh.length === 0) return;
    chime();
    const [first] = fresh;
    if (fresh.length === 1 && first && waiting.length === 1) {
      const id = first.participantId ?? '';
      const name = first.displayName ?? '';
      toasts.show({
        text: () => t('waitingRoom.toastOne', { name }),
        kind: 'warn',
        ms: 15_000,
        tag: `waiting:${id}`,
        action: { label: 'waitingRoom.admit', run: () => void this.admit([id]) },
      });
    } else {
      const count = waiting.length;
      toasts.dismissWhere((tag) => tag.startsWith('waiting:'));
      toasts.show({
        text: () => t('waitingRoom.toastMany', { count }),
        kind: 'warn',
        ms: 15_000,
        tag: 'waiting',
        action: { label: 'waitingRoom.open', run: () => this.onOpenPeople() },
      });
    }
  }
}
