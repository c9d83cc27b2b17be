// A room as the transcriber sees it (RoomAudioSource), built from the room's
// events: the main room's microphones, its router, the call's end.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Room } from '../signaling/domain/room.js';
import { MAIN } from '../signaling/domain/roomDefinition.js';
import type { ProducerEvent } from '../signaling/domain/roomEvents.js';
import type { Microphone, RoomAudioSource, RoomAudioSourceEvents } from './roomAudioSource.js';

export class RoomAudioOfRoom extends EventEmitter<RoomAudioSourceEvents> implements RoomAudioSource {
  private readonly unlisten: (() => void)[] = [];

  constructor(private readonly room: Room) {
    super();
    const microphoneChanged = (e: ProducerEvent): void => {
      if (e.location === MAIN && e.source === 'microphone') this.emit('changed');
    };
    const on = room.events.on.bind(room.events);
    this.unlisten.push(
      on('producerAdded', microphoneChanged),
      on('producerRemoved', microphoneChanged),
      on('producerStateChanged', microphoneChanged),
      on('mediaReady', ({ location }) => {
        if (location === MAIN) this.emit('routerReplaced');
      }),
      on('callEnded', () => this.emit('ended')),
    );
  }

  get roomId(): string {
    return this.room.id;
  }

  get title(): string {
    return this.room.definition.title;
  }

  router(): types.Router | null {
    return this.room.mediaAt(MAIN)?.router ?? null;
  }

  microphones(): Microphone[] {
    const mics: Microphone[] = [];
    for (const { peer, producer, source } of this.room.producers(MAIN)) {
      if (source === 'microphone' && !producer.closed) {
        mics.push({ participantId: peer.id, displayName: peer.identity.displayName, producer });
      }
    }
    return mics;
  }

  dispose(): void {
    for (const off of this.unlisten.splice(0)) off();
    this.removeAllListeners();
  }
}
