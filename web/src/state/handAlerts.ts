// For hosts and co-hosts: a hand that goes up (or a pupil asking for the
// floor) is announced with a toast naming the person, «Дать слово» in it,
// and the soft chime; the count of raised hands is the «Люди» badge. A
// toast about a hand no longer up goes away. Hands already up when this
// person joins or resyncs are counted but not announced.
import { computed } from '@preact/signals';
import { t } from '../i18n/index.js';
import type { pb } from '../protocol/wire.js';
import type { CallContext } from './callContext.js';
import { chime } from './chime.js';
import type { Moderation } from './moderation.js';
import type { Roster } from './roster.js';

const TOAST_MS = 15_000;

const wantsFloor = (p: pb.IParticipant) => Boolean(p.handRaisedAt) || Boolean(p.asksToSpeak);

export class HandAlerts {
  /** Raised hands and asks to speak among the people this browser knows of. */
  readonly raised = computed(() => [...this.roster.participants.value.values()].filter(wantsFloor).length);
  private known = new Set<string>();

  constructor(
    private readonly ctx: CallContext,
    private readonly roster: Roster,
    private readonly moderation: Moderation,
  ) {
    // Subscribed after the roster's own listeners, so the roster is already updated.
    ctx.call.on('presenceChanged', () => this.changed(true));
    ctx.call.on('resync', () => this.changed(false));
    ctx.call.onJoinAnswer(() => this.changed(false));
  }

  private changed(announce: boolean): void {
    const up = [...this.roster.participants.value.values()].filter(wantsFloor);
    const before = this.known;
    this.known = new Set(up.map((p) => p.participantId ?? ''));
    const toasts = this.ctx.toasts;
    toasts.dismissWhere((tag) => tag.startsWith('hand:') && !this.known.has(tag.slice(5)));
    if (!announce || !this.roster.isModerator) return;
    const fresh = up.filter((p) => !before.has(p.participantId ?? ''));
    if (fresh.length === 0) return;
    chime();
    for (const p of fresh) {
      const name = p.displayName ?? '';
      const asks = !p.handRaisedAt;
      toasts.show({
        text: () => t(asks ? 'hands.toastAsks' : 'hands.toastRaised', { name }),
        kind: 'warn',
        ms: TOAST_MS,
        tag: `hand:${p.participantId ?? ''}`,
        action: { label: 'hands.allow', run: () => void this.moderation.giveFloor(p) },
      });
    }
  }
}
