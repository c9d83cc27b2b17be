// Stopping a server on SIGTERM without losing lessons, after the drain
// (drain.ts). It stops taking connections. With Redis (other hosts, or this
// one alone as run.sh and the install run it), it saves each running call's
// state, gives up its claim on the rooms, and tells everyone to rejoin
// (CLOSE_REASON_HOST_LEAVING): they come back through another host, or
// through this one once its supervisor has started it again, which takes the
// room over with its state; browsers wait on their own reconnecting screen
// until the server answers. Without Redis nothing would be kept, so it ends
// each call cleanly (CLOSE_REASON_SERVER_SHUTDOWN). main.ts bounds how long
// all this may take.
import type { Logger } from '../common/log.js';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { CallStateKeeper } from './call/callStateKeeper.js';
import type { Membership } from './call/membership.js';
import type { Cluster } from './cluster/cluster.js';
import type { RoomRegistry } from './domain/roomRegistry.js';
import { runningRooms } from './drain.js';
import type { WsServer } from './transport/wsServer.js';

import pb = schoolcall.v1;

export interface ShutdownParts {
  stopListening(): void;
  registry: RoomRegistry;
  membership: Membership;
  callState: CallStateKeeper | null;
  cluster: Cluster;
  ws: WsServer;
  log: Logger;
}

/** Ends or hands over every call and closes every connection; the caller then stops the rest. */
export async function endOrHandOverCalls(p: ShutdownParts): Promise<void> {
  p.stopListening();
  const running = runningRooms(p.registry);
  if (p.cluster.handsOver) {
    await p.callState?.flush(running).catch((err) => p.log.warn({ err }, 'cannot save calls at shutdown'));
    await p.cluster
      .leave(running.map((r) => r.id))
      .catch((err) => p.log.warn({ err }, 'cannot release rooms'));
    const message = 'this server is stopping; the lesson goes on: reconnecting';
    for (const room of running) {
      p.membership.endCall(room, pb.CloseReason.CLOSE_REASON_HOST_LEAVING, message, undefined, true);
    }
    p.ws.closeAll(pb.CloseReason.CLOSE_REASON_HOST_LEAVING, message);
    p.log.info(
      { rooms: running.length },
      'lessons handed over (to other hosts, or to this one after its restart)',
    );
  } else {
    const message = 'the server is stopping for maintenance';
    for (const room of running)
      p.membership.endCall(room, pb.CloseReason.CLOSE_REASON_SERVER_SHUTDOWN, message);
    p.ws.closeAll(pb.CloseReason.CLOSE_REASON_SERVER_SHUTDOWN, message);
    p.log.info({ rooms: running.length }, 'lessons ended for shutdown');
  }
  // Routers kept warm for rooms just emptied go before their workers do.
  for (const room of p.registry.all()) room.closeMedia();
}
