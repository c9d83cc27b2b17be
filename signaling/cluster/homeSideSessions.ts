// Runs on a room's home host: signaling for participants connected to other
// hosts. A Session per remote connection, exactly like a local one, whose
// socket sends over the host bus. Topic publishes reach each edge host that has
// subscribers once; the edge fans them out locally.
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { LocalFanout } from '../fanout/topics.js';
import type { ServedConnection, SessionSocket } from '../transport/connection.js';
import type { HostBus } from './hostBus.js';

import pb = schoolcall.v1;

interface RemoteClient {
  host: string;
  session: ServedConnection;
  topics: Set<string>;
}

export class HomeSideSessions {
  private readonly clients = new Map<string, RemoteClient>();
  /** topic -> host -> how many of its connections are subscribed. */
  private readonly topicHosts = new Map<string, Map<string, number>>();

  constructor(
    private readonly bus: HostBus,
    private readonly fanout: LocalFanout,
    private readonly makeSession: (connectionId: string, socket: SessionSocket) => ServedConnection,
  ) {}

  get count(): number {
    return this.clients.size;
  }

  /** Sends a topic event to every other host with subscribers, once per host. */
  forward(topic: string, bytes: Uint8Array, except?: { host: string; connectionId: string }): void {
    const hosts = this.topicHosts.get(topic);
    if (!hosts) return;
    for (const host of hosts.keys()) {
      const exceptConnectionId = except && except.host === host ? except.connectionId : '';
      this.bus.send(host, { topicPublish: { topic, frame: bytes, exceptConnectionId } });
    }
  }

  /** Handles what an edge sends about its connections; false if the message is not for us. */
  onMessage(env: pb.HostEnvelope): boolean {
    switch (env.body) {
      case 'clientFrame': {
        const f = env.clientFrame;
        if (!f?.connectionId) return true;
        const client = this.clients.get(f.connectionId) ?? this.open(env.fromHost, f);
        if (client.host === env.fromHost) void client.session.onFrame(f.frame ?? new Uint8Array(), true);
        return true;
      }
      case 'clientGone':
        this.drop(env.clientGone?.connectionId ?? '');
        return true;
      case 'clientResync':
        this.clients.get(env.clientResync?.connectionId ?? '')?.session.resync();
        return true;
      default:
        return false;
    }
  }

  /** An edge host went away: its participants leave their rooms. */
  hostGone(host: string): void {
    for (const [id, client] of [...this.clients]) if (client.host === host) this.drop(id);
  }

  hosts(): Set<string> {
    return new Set([...this.clients.values()].map((c) => c.host));
  }

  private open(host: string, f: pb.IClientFrame): RemoteClient {
    const connectionId = f.connectionId ?? '';
    const topics = new Set<string>();
    const closed = () => !this.clients.has(connectionId);
    const socket: SessionSocket = {
      remoteAddress: f.remoteAddress ?? '',
      edgeHost: host,
      send: (frame) => {
        if (!closed()) this.bus.send(host, { toClient: { connectionId, frame } });
      },
      close: (reason, message) => {
        if (closed()) return;
        this.bus.send(host, { closeClient: { connectionId, reason, message } });
        this.drop(connectionId);
      },
      subscribe: (topic) => {
        if (closed() || topics.has(topic)) return;
        topics.add(topic);
        this.adjust(topic, host, +1);
        this.bus.send(host, { topicMembership: { connectionId, topic, subscribed: true } });
      },
      unsubscribe: (topic) => {
        if (closed() || !topics.delete(topic)) return;
        this.adjust(topic, host, -1);
        this.bus.send(host, { topicMembership: { connectionId, topic, subscribed: false } });
      },
      publishExceptSelf: (topic, bytes) => {
        if (closed() || !topics.has(topic)) return false;
        this.fanout.publishLocal(topic, bytes);
        this.forward(topic, bytes, { host, connectionId });
        return true;
      },
    };
    const client: RemoteClient = { host, session: this.makeSession(connectionId, socket), topics };
    this.clients.set(connectionId, client);
    return client;
  }

  private drop(connectionId: string): void {
    const client = this.clients.get(connectionId);
    if (!client) return;
    this.clients.delete(connectionId);
    for (const topic of client.topics) this.adjust(topic, client.host, -1);
    client.topics.clear();
    client.session.onClose();
  }

  private adjust(topic: string, host: string, delta: number): void {
    let hosts = this.topicHosts.get(topic);
    if (!hosts) {
      hosts = new Map();
      this.topicHosts.set(topic, hosts);
    }
    const n = (hosts.get(host) ?? 0) + delta;
    if (n > 0) hosts.set(host, n);
    else hosts.delete(host);
    if (hosts.size === 0) this.topicHosts.delete(topic);
  }
}
