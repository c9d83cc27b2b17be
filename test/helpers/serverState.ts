// A snapshot of everything a request could change, to prove a refused
// request changed nothing.
import type { RunningServer } from '../../app/server.js';

export function snapshot(server: RunningServer) {
  const rooms = [...server.registry.all()];
  const peers = rooms.flatMap((r) => [...r.peers.values()]);
  return {
    rooms: rooms.map((r) => r.id).sort(),
    settings: Object.fromEntries(rooms.map((r) => [r.id, { ...r.settings }])),
    waiting: rooms.flatMap((r) => [...r.waiting.values()].map((p) => p.identity.userId)).sort(),
    banned: rooms.flatMap((r) => [...r.bannedUserIds]).sort(),
    participants: peers
      .map(
        (p) =>
          `${p.identity.userId}@${p.identity.role} hand=${p.handRaisedAt > 0} ` +
          `blocked=${p.blocked.microphone}/${p.blocked.camera} asks=${p.asksToSpeak}`,
      )
      .sort(),
    transports: peers.reduce((n, p) => n + p.transports.size, 0),
    connectedTransports: peers.reduce(
      (n, p) => n + [...p.transports.values()].filter((t) => t.connected).length,
      0,
    ),
    producers: peers
      .flatMap((p) => [...p.producers.values()].map((x) => `${x.source}:${x.producer.paused}`))
      .sort(),
    consumers: peers.reduce((n, p) => n + p.consumers.size, 0),
  };
}

export async function rejectedCount(server: RunningServer, reason: string): Promise<number> {
  const metric = await server.metrics.rejected.get();
  return metric.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}
