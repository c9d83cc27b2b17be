// What the live gauges and the host heartbeat report, counted from the
// rooms themselves at the moment they are read, so they cannot drift.
import type { ClusterCounts } from './cluster/cluster.js';
import type { RoomRegistry } from './domain/roomRegistry.js';
import type { LiveCounts } from './metrics.js';

export function liveCounts(registry: RoomRegistry, connections: number, cluster: ClusterCounts): LiveCounts {
  const c: LiveCounts = {
    roomsDefined: registry.size,
    roomsLive: 0,
    participants: 0,
    connections,
    transports: 0,
    producers: { audio: 0, video: 0 },
    consumers: { audio: 0, video: 0 },
    ...cluster,
  };
  for (const room of registry.all()) {
    if (room.peers.size > 0) c.roomsLive++;
    c.participants += room.peers.size;
    for (const peer of room.peers.values()) {
      c.transports += peer.transports.size;
      for (const p of peer.producers.values()) c.producers[p.producer.kind]++;
      for (const consumer of peer.consumers.values()) c.consumers[consumer.kind]++;
    }
  }
  return c;
}
