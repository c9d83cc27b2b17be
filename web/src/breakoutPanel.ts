// Breakout rooms in the page: for hosts, creating, assigning, opening with a
// timer, broadcasting, visiting and closing; for everyone, where they are
// and how long is left.
import type { CallClient, pb } from './callClient.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class BreakoutPanel {
  private state: pb.IBreakoutsChanged = {};
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly call: CallClient,
    private readonly report: (err: unknown) => void,
  ) {
    const r = report;
    $('breakout-create').addEventListener('click', () =>
      call.createBreakouts(Number($<HTMLInputElement>('breakout-count').value) || 1).catch(r),
    );
    $('breakout-auto').addEventListener('click', () => call.assignBreakouts([], true).catch(r));
    $('breakout-open').addEventListener('click', () =>
      call
        .openBreakouts(Math.round((Number($<HTMLInputElement>('breakout-minutes').value) || 0) * 60))
        .catch(r),
    );
    $('breakout-close').addEventListener('click', () => call.closeBreakouts().catch(r));
    $('breakout-send').addEventListener('click', () => {
      const input = $<HTMLInputElement>('breakout-message');
      if (!input.value.trim()) return;
      call
        .broadcastToBreakouts(input.value)
        .then(() => {
          input.value = '';
        })
        .catch(r);
    });
    $('back-to-main').addEventListener('click', () => call.moveTo('').catch(r));
  }

  update(state: pb.IBreakoutsChanged): void {
    this.state = state;
    this.render();
  }

  render(): void {
    const moderator = this.call.isModerator;
    const rooms = this.state.breakouts ?? [];
    $('breakout-section').hidden = !moderator;
    $('back-to-main').hidden = !moderator || this.call.location === '';
    $('breakout-list').replaceChildren(
      ...rooms.map((b) => {
        const li = document.createElement('li');
        li.dataset.breakout = b.id ?? '';
        const who = document.createElement('span');
        who.className = 'who';
        const names = (b.participantIds ?? []).map(
          (id) => this.call.participants.get(id)?.displayName ?? '…',
        );
        who.textContent = `${b.name}: ${names.length ? names.join(', ') : 'nobody yet'}`;
        li.append(who);
        if (moderator && this.state.open && this.call.location !== b.id) {
          const visit = document.createElement('button');
          visit.type = 'button';
          visit.textContent = 'Visit';
          visit.dataset.visit = b.id ?? '';
          visit.addEventListener('click', () => this.call.moveTo(b.id ?? '').catch(this.report));
          li.append(visit);
        }
        return li;
      }),
    );
    this.renderLocation();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker =
      this.state.open && this.state.endsAt ? setInterval(() => this.renderLocation(), 1000) : null;
  }

  private renderLocation(): void {
    const badge = $('location');
    const here = (this.state.breakouts ?? []).find((b) => b.id === this.call.location);
    if (!here) {
      badge.hidden = true;
      return;
    }
    const left = this.state.endsAt
      ? Math.max(0, Math.round((Number(this.state.endsAt) - Date.now()) / 1000))
      : 0;
    const clock = left ? ` · ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left` : '';
    badge.textContent = `${here.name}${clock}`;
    badge.hidden = false;
  }
}
