// A raised hand and the reactions people send, shown for a few seconds over
// the stage with the sender's name.
import { signal } from '@preact/signals';
import type { pb } from '../protocol/wire.js';
import type { CallContext } from './callContext.js';
import type { Roster } from './roster.js';
import type { StageMedia } from './stageMedia.js';

export interface ShownReaction {
  id: number;
  participantId: string;
  name: string;
  reaction: pb.Reaction;
}

const REACTION_MS = 4000;

export class Gestures {
  readonly reactions = signal<ShownReaction[]>([]);
  private nextId = 1;

  constructor(
    private readonly ctx: CallContext,
    private readonly roster: Roster,
    private readonly stage: StageMedia,
  ) {
    ctx.call.on('reactionSent', (e) => this.shown(e.participantId ?? '', e.reaction ?? 0));
  }

  toggleHand(): Promise<boolean> {
    const raised = !this.roster.self.value?.handRaisedAt;
    return this.ctx.run(() => this.ctx.call.request({ raiseHand: { raised } }));
  }

  react(reaction: pb.Reaction): Promise<boolean> {
    return this.ctx.run(() => this.ctx.call.request({ sendReaction: { reaction } }));
  }

  private shown(participantId: string, reaction: pb.Reaction): void {
    const self = this.roster.self.value;
    const name =
      participantId === self?.participantId
        ? (self?.displayName ?? '')
        : (this.roster.participants.value.get(participantId)?.displayName ??
          this.stage.people.value.get(participantId)?.name ??
          '');
    const shown: ShownReaction = { id: this.nextId++, participantId, name, reaction };
    this.reactions.value = [...this.reactions.value.slice(-4), shown];
    setTimeout(() => {
      this.reactions.value = this.reactions.value.filter((r) => r.id !== shown.id);
    }, REACTION_MS);
  }
}
