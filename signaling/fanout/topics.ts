// Topics a connection subscribes to, and how room events reach them: each
// event is encoded once and published to a topic, however many members it
// has (uWS topics locally; once per other host in a multi-host deployment).
import type { RoomLocation } from '../domain/roomDefinition.js';

export interface RoomFanout {
  /** Delivers bytes to every member of the room. */
  publish(roomId: string, bytes: Uint8Array): void;
  /** Delivers bytes to every subscriber of a topic. */
  publishTopic(topic: string, bytes: Uint8Array): void;
}

/** Everyone in a room: presence, settings, breakouts, reactions. */
export function roomTopic(roomId: string): string {
  return `room/${roomId}`;
}

/** Media events (producers, active speaker) of one location in a room. */
export function mediaTopic(roomId: string, location: RoomLocation): string {
  return `room/${roomId}/media/${location || 'main'}`;
}

/** Hosts and co-hosts of a room: waiting-room queue and other moderator-only events. */
export function moderatorTopic(roomId: string): string {
  return `room/${roomId}/moderators`;
}

/** Multi-host: publishing to this host's own subscribers only (an edge fanning out what home sent). */
export interface LocalFanout {
  /** Publishes to local subscribers only, skipping one connection if given. */
  publishLocal(topic: string, bytes: Uint8Array, exceptConnectionId?: string): void;
}
