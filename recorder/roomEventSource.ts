// The recorder's view of a real room: its main room's people, producers,
// speakers and router, from the room's events (signaling/domain). Breakout
// rooms are not recorded: a peer who moves away leaves the program, and
// comes back into it on return. A new router for the main room (first use,
// or after its worker died) is announced as routerReplaced, so the feed
// drops its transport and consumes again on the new router as producers
// come back.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { RoomMedia } from '../sfu/roomMedia.js';
import type { Room } from '../signaling/domain/room.js';
import { MAIN } from '../signaling/domain/roomDefinition.js';
import type { RecordedParticipant, RecordedProducer, RoomSource, RoomSourceEvents } from './roomSource.js';

/** Joins and leaves of a big class arrive in bursts: tell the feed once per burst. */
const CHANGE_COALESCE_MS = 20;

export class RoomEventSource extends EventEmitter<RoomSourceEvents> implements RoomSource {
  private readonly unsubscribe: (() => void)[] = [];
  private media: RoomMedia | null;
  private changeTimer: NodeJS.Timeout | null = null;

  constructor(private readonly room: Room) {
    super();
    this.media = room.mediaAt(MAIN);
    const on = room.events.on.bind(room.events);
    const changed = () => this.changed();
    const atMain = (e: { location: string }) => e.location === MAIN && this.changed();
    this.unsubscribe.push(
      on('participantJoined', changed),
      on('participantLeft', changed),
      on('participantMoved', changed),
      on('roleChanged', changed),
      on('producerAdded', atMain),
      on('producerRemoved', atMain),
      on('producerStateChanged', atMain),
      on('activeSpeakerChanged', ({ location, participantId }) => {
        if (location === MAIN) this.emit('activeSpeaker', participantId);
      }),
      on('speakingChanged', ({ location, participantIds }) => {
        if (location === MAIN) this.emit('speaking', participantIds);
      }),
      on('mediaReady', ({ location, media }) => {
        if (location !== MAIN) return;
        const replaced = this.media !== null && this.media !== media;
        this.media = media;
        if (replaced) this.emit('routerReplaced');
        this.changed();
      }),
      on('mediaLost', ({ location }) => {
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

  /**
   * Those the director can show: whoever has a producer in the main room,
   * and the hosts (shown when nobody speaks). Not all 2000 of a big class.
   */
  participants(): RecordedParticipant[] {
    const out: RecordedParticipant[] = [];
    for (const peer of this.room.peersAt(MAIN)) {
      const isHost = peer.identity.role === 'host';
      if (!isHost && peer.producers.size === 0) continue;
      out.push({ id: peer.id, displayName: peer.identity.displayName, isHost });
    }
    return out;
  }

  producers(): RecordedProducer[] {
    const out: RecordedProducer[] = [];
    for (const { producer, peer, source } of this.room.producers(MAIN)) {
      if (!producer.closed) out.push({ producer, participantId: peer.id, source });
    }
    return out;
  }

  currentSpeaker(): string | null {
    return this.room.activeSpeakers.get(MAIN) || null;
  }

  /** Stops listening to the room. */
  close(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe.length = 0;
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = null;
    this.removeAllListeners();
  }

  private changed(): void {
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      this.emit('changed');
    }, CHANGE_COALESCE_MS);
  }
}
