import type { Logger } from '../../common/log.js';
// Keeps a call going when media fails under it. If the worker of a
// location's router dies, everyone there stays in the call: a new router is
// made on a live worker and each of them is told to set up their transports
// again (the client does this without reloading). If a worker holding only
// receive transports dies, or a participant's transport on an edge host is
// lost, only those participants set up again.
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { RoomMedia } from '../../sfu/roomMedia.js';
import type { Peer } from '../domain/peer.js';
import type { Room } from '../domain/room.js';
import type { RoomLocation } from '../domain/roomDefinition.js';
import { encodeEvent } from '../wire/frames.js';
import { movedEvent } from '../wire/mediaWire.js';
import type { Membership } from './membership.js';

import pb = schoolcall.v1;

export class MediaRecovery {
  constructor(
    private readonly membership: Membership,
    private readonly log: Logger,
  ) {}

  /** Listens to a room's media failures. */
  attach(room: Room): void {
    room.events.on('mediaLost', ({ location, media }) => {
      const affected = [...room.peersAt(location)];
      this.log.warn(
        { room: room.id, location, worker: media.workerIndex, peers: affected.length },
        'room media lost; rebuilding',
      );
      void this.reconnect(room, location, affected);
    });
    room.events.on('receiversLost', ({ location, transportIds }) => {
      const lost = new Set(transportIds);
      const affected = [...room.peersAt(location)].filter((p) =>
        [...p.transports.keys()].some((id) => lost.has(id)),
      );
      this.log.warn({ room: room.id, location, peers: affected.length }, 'receive router lost; reconnecting');
      void this.reconnect(room, location, affected);
    });
  }

  /**
   * Closes what is left of these peers' media and sends each a Moved event
   * to the same location, with what there is to consume, so their clients
   * rebuild transports and produce again without leaving the call.
   */
  async reconnect(room: Room, location: RoomLocation, peers: Peer[]): Promise<void> {
    for (const peer of peers) peer.closeMedia();
    let media: RoomMedia;
    try {
      media = await room.ensureMedia(location);
    } catch (err) {
      this.log.error({ room: room.id, location, err }, 'cannot rebuild room media');
      for (const peer of peers) {
        this.membership.remove(room, peer);
        peer.channel.close(pb.CloseReason.CLOSE_REASON_MEDIA_RESTART, 'media server restarted; rejoin');
      }
      return;
    }
    for (const peer of peers) {
      if (room.isPresent(peer) && peer.location === location) {
        peer.channel.send(encodeEvent(movedEvent(room, peer, media, true)));
      }
    }
  }
}
