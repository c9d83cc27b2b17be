// What the recorder needs to know about a room, and nothing more: who is in
// the main room, which producers they have there, who speaks, and where the
// producers live. The room service (or a test) implements it; the recorder
// only listens, so it is not code inside the room service.
import type { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';

export type RecordedSourceName = 'microphone' | 'camera' | 'screen' | 'screen-audio';

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

export interface RoomSourceEvents {
  /** Someone joined, left, moved, or a producer was added, closed, paused or resumed. */
  changed: [];
  /** The loudest sustained speaker changed. */
  activeSpeaker: [participantId: string];
  /** Everyone audible right now, loudest first. */
  speaking: [participantIds: string[]];
  /** The main room's router was replaced (its worker died); producers come back on the new one. */
  routerReplaced: [];
  /** The call ended for everyone. */
  ended: [];
}

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
