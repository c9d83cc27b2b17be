// What the transcriber needs to know about a room, and nothing more: its
// microphones, who they belong to, the router they live on, and when the call
// ends. The room service (or a test) implements it; the transcriber only
// listens, so it is not code inside the room service.
import type { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';

export interface Microphone {
  participantId: string;
  displayName: string;
  producer: types.Producer;
}

export interface RoomAudioSourceEvents {
  /** A microphone was added, closed, paused or resumed, or someone was renamed. */
  changed: [];
  /** The router was replaced (its worker died); microphones come back on the new one. */
  routerReplaced: [];
  /** The call ended for everyone. */
  ended: [];
}

export interface RoomAudioSource extends EventEmitter<RoomAudioSourceEvents> {
  readonly roomId: string;
  readonly title: string;
  /** The router the microphones are on, or null while there is none. */
  router(): types.Router | null;
  /** Microphones of the participants in the main room. */
  microphones(): Microphone[];
}
