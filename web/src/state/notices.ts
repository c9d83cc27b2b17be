// Notices that stay until closed: a host's call for attention (the latest
// one replaces the one before) and the teacher's messages to the breakout
// rooms, which end with them (the rounds close, or this person goes back
// to the main room).
import { signal } from '@preact/signals';
import type { pb } from '../protocol/wire.js';
import type { CallContext } from './callContext.js';

export interface Notice {
  id: number;
  kind: 'attention' | 'teacher';
  from: string;
  text: string;
  everyone: boolean;
}

export class Notices {
  readonly list = signal<Notice[]>([]);
  private nextId = 1;
  /** Where this person is: '' in the main room. */
  private location = '';

  constructor(ctx: CallContext) {
    const call = ctx.call;
    call.onJoinAnswer((join) => {
      this.location = join.self?.location ?? this.location;
    });
    call.on('attentionRequested', (e) => {
      this.list.value = [
        ...this.list.value.filter((n) => n.kind !== 'attention'),
        {
          id: this.nextId++,
          kind: 'attention',
          from: e.fromDisplayName ?? '',
          text: e.message ?? '',
          everyone: Boolean(e.everyone),
        },
      ];
    });
    call.on('breakoutMessage', (e) => {
      const notice: Notice = {
        id: this.nextId++,
        kind: 'teacher',
        from: e.fromDisplayName ?? '',
        text: e.message ?? '',
        everyone: true,
      };
      this.list.value = [...this.list.value, notice];
    });
    call.on('breakoutsChanged', (e) => {
      if (!e.open) this.endTeacherMessages();
    });
    call.on('resync', (e) => {
      if (e.breakouts && !e.breakouts.open) this.endTeacherMessages();
    });
    call.on('moved', (e) => {
      const location = e.location ?? '';
      if (location === '' && this.location !== '') this.endTeacherMessages();
      this.location = location;
    });
  }

  dismiss(id: number): void {
    this.list.value = this.list.value.filter((n) => n.id !== id);
  }

  private endTeacherMessages(): void {
    this.list.value = this.list.value.filter((n) => n.kind !== 'teacher');
  }
}
