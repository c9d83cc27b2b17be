// What the transcriber needs to know about a room, and nothing more: its
// microphones, who they belong to, the router they live on, and when the call
// ends. The room service (or a test) implements it; the transcriber only
// listens, so it is not code inside the room service.
import type { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { MainRoomTapEvents } from '../signaling/domain/mainRoomTap.js';

export interface Microphone {
  participantId: string;
  displayName: string;
  producer: types.Producer;
}

/**
 * The main room tap's events (signaling/domain/mainRoomTap.ts): `changed`
 * (microphones and people), `routerReplaced` (drop what was consumed; the
 * microphones come back on the new router), `ended`. Speakers are not used here.
 */
export type RoomAudioSourceEvents = MainRoomTapEvents;

export interface RoomAudioSource extends EventEmitter<RoomAudioSourceEvents> {
  readonly roomId: string;
  readonly title: string;
  /** The router the microphones are on, or null while there is none. */
  router(): types.Router | null;
  /** Microphones of the participants in the main room. */
  microphones(): Microphone[];
}
