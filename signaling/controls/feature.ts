// Lesson controls as a feature: what hosts and co-hosts do to run a lesson,
// and what participants do to take part.
import type { Logger } from '../../common/log.js';
import type { Membership } from '../call/membership.js';
import type { Moves } from '../call/moves.js';
import type { ClientFanout } from '../fanout/clientFanout.js';
import type { Feature } from '../requests/features.js';
import { BreakoutControl } from './breakouts.js';
import { type ControlRequest, controlHandlers } from './handlers.js';
import { Hands } from './hands.js';
import { Moderation } from './moderation.js';
import { SettingsControl } from './settings.js';
import { WaitingRoomControl } from './waitingRoom.js';

export interface ControlsDeps {
  membership: Membership;
  moves: Moves;
  fanout: ClientFanout;
  log: Logger;
}

export function createControlsFeature({
  membership,
  moves,
  fanout,
  log,
}: ControlsDeps): Feature<ControlRequest> {
  const breakouts = new BreakoutControl(moves, fanout, log);
  return {
    name: 'controls',
    handlers: controlHandlers({
      settings: new SettingsControl(log),
      waitingRoom: new WaitingRoomControl(membership, log),
      moderation: new Moderation(membership, fanout, log),
      hands: new Hands(fanout),
      breakouts,
    }),
    attach(room) {
      room.events.on('callStateRestored', () => breakouts.resumeTimer(room));
    },
  };
}
