// What the recorder needs to know about a room, and nothing more: who is in
// the main room, which producers they have there, who speaks, and where the
// producers live. The room service (or a test) implements it; the recorder
// only listens, so it is not code inside the room service.
import type { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { MainRoomTapEvents } from '../signaling/domain/mainRoomTap.js';

/**
 * `whiteboard`: the board its host's client sends as video while it is open;
 * `document`: the page of a document a host presents, sent the same way.
 */
export type RecordedSourceName =
  | 'microphone'
  | 'camera'
  | 'screen'
  | 'screen-audio'
  | 'whiteboard'
  | 'document';

export interface RecordedParticipant {
  id: string;
  displayName: string;
  /** Hosts are shown when nobody speaks. */
  isHost: boolean;
}

export interface RecordedProducer {
  producer: types.Producer;
  participantId: string;
  source: RecordedSourceName;
}

/** The main room tap's events (signaling/domain/mainRoomTap.ts). */
export type RoomSourceEvents = MainRoomTapEvents;

export interface RoomSource extends EventEmitter<RoomSourceEvents> {
  readonly roomId: string;
  readonly title: string;
  /** The router the main room's producers are on, or null while there is none. */
  router(): types.Router | null;
  participants(): RecordedParticipant[];
  /** Producers of the participants in the main room (not in breakout rooms). */
  producers(): RecordedProducer[];
  /** Who is the active speaker now, if anyone: a recorder started mid-call begins from it. */
  currentSpeaker(): string | null;
}
