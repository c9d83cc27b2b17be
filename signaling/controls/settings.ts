// Room settings changed by a host or co-host during the lesson. The room
// tells its listeners (clients, and the registry that saves them).
import type { Logger } from '../../common/log.js';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { JoinedPeer } from '../domain/room.js';
import { MAX_LAST_N } from '../domain/roomDefinition.js';
import { invalid } from '../errors.js';
import { waitingModeFromWire } from '../wire/roomWire.js';
import { requireHost, requireModerator } from './guards.js';

import pb = schoolcall.v1;

const MAX_SCREEN_SHARES = 16;

export class SettingsControl {
  constructor(private readonly log: Logger) {}

  update({ room, peer }: JoinedPeer, req: pb.IUpdateRoomSettingsRequest): void {
    requireModerator(peer);
    const next = { ...room.settings };
    if (req.waitingRoom != null) {
      const mode = waitingModeFromWire(req.waitingRoom);
      if (!mode) throw invalid('unknown waiting room mode');
      next.waitingRoom = mode;
    }
    if (req.maxScreenShares != null) {
      if (req.maxScreenShares > MAX_SCREEN_SHARES)
        throw invalid(`maxScreenShares is at most ${MAX_SCREEN_SHARES}`);
      next.maxScreenShares = req.maxScreenShares;
    }
    if (req.lastN != null) {
      if (req.lastN > MAX_LAST_N) throw invalid(`lastN is at most ${MAX_LAST_N}`);
      next.lastN = req.lastN;
    }
    if (req.locked != null) next.locked = req.locked;
    if (req.guestsAllowed != null) next.guestsAllowed = req.guestsAllowed;
    if (req.selfUnmuteAllowed != null) next.selfUnmuteAllowed = req.selfUnmuteAllowed;
    if (req.participantsMayShareScreen != null)
      next.participantsMayShareScreen = req.participantsMayShareScreen;
    if (req.coHostsMayRecord != null) {
      // A co-host may not give co-hosts the recorder: it is the host's to lend.
      requireHost(peer);
      next.coHostsMayRecord = req.coHostsMayRecord;
    }
    room.updateSettings(next, peer);
    this.log.info({ room: room.id, by: peer.id, settings: next }, 'room settings changed');
  }
}
