// Runs on an edge host: signaling for rooms homed elsewhere: a participant's
// connection stays here, its (already validated) frames go to the room's home
// host, and what home sends back (replies, events, topic membership, closing)
// is carried out on the local connection. Room events arrive once per host
// and fan out here through the local uWS topics.
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { LocalFanout } from '../fanout/topics.js';
import type { Forwarder, SessionSocket } from '../transport/connection.js';
import type { HostBus } from './hostBus.js';

import pb = schoolcall.v1;

interface EdgeClient {
  socket: SessionSocket;
  home: string;
}

export class EdgeSideConnections {
  private readonly clients = new Map<string, EdgeClient>();

  constructor(
    private readonly bus: HostBus,
    private readonly fanout: LocalFanout,
  ) {}

  get count(): number {
    return this.clients.size;
  }

  open(connectionId: string, socket: SessionSocket, home: string): Forwarder {
    this.clients.set(connectionId, { socket, home });
    const bus = this.bus;
    return {
      home,
      frame: (frame) =>
        bus.send(home, { clientFrame: { connectionId, frame, remoteAddress: socket.remoteAddress } }),
      resync: () => bus.send(home, { clientResync: { connectionId } }),
      gone: () => {
        if (this.clients.delete(connectionId)) bus.send(home, { clientGone: { connectionId } });
      },
    };
  }

  /** Handles what a home host sends for our connections; false if the message is not for us. */
  onMessage(env: pb.HostEnvelope): boolean {
    switch (env.body) {
      case 'toClient':
        this.clients
          .get(env.toClient?.connectionId ?? '')
          ?.socket.send(env.toClient?.frame ?? new Uint8Array());
        return true;
      case 'closeClient': {
        const c = env.closeClient;
        this.clients
          .get(c?.connectionId ?? '')
          ?.socket.close(c?.reason ?? pb.CloseReason.CLOSE_REASON_UNSPECIFIED, c?.message ?? '');
        return true;
      }
      case 'topicMembership': {
        const m = env.topicMembership;
        const client = this.clients.get(m?.connectionId ?? '');
        if (client && m?.topic) {
          if (m.subscribed) client.socket.subscribe(m.topic);
          else client.socket.unsubscribe(m.topic);
        }
        return true;
      }
      case 'topicPublish': {
        const p = env.topicPublish;
        if (p?.topic)
          this.fanout.publishLocal(p.topic, p.frame ?? new Uint8Array(), p.exceptConnectionId || undefined);
        return true;
      }
      default:
        return false;
    }
  }

  /** The home host of some connections went away: close them so their clients rejoin. */
  hostGone(host: string): void {
    for (const [id, client] of [...this.clients]) {
      if (client.home !== host) continue;
      this.clients.delete(id);
      client.socket.close(
        pb.CloseReason.CLOSE_REASON_MEDIA_RESTART,
        'the host running this lesson went away; rejoin',
      );
    }
  }

  homes(): Set<string> {
    return new Set([...this.clients.values()].map((c) => c.home));
  }
}
