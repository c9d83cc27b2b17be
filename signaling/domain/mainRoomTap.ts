// The main room as a feature that takes media out of it sees it (the
// recorder's program, the transcriber's microphones): who is there, their
// producers, who speaks, the router they live on, and change events, all from
// the room's own events. Breakout rooms are not tapped: a peer who moves away
// drops out, and comes back on return.
//
// The router's life, told the same way to every tap:
// - the main room's first router (no router before): `changed`, nothing to drop;
// - its router lost with its worker (`mediaLost`): `routerReplaced` at once, so
//   a tap drops its transport and consumers now rather than when (if ever) a
//   new router comes;
// - a router other than the one known (`mediaReady` after the room's media was
//   closed and made again, no loss seen): `routerReplaced`, then `changed`.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { RoomMedia } from '../../sfu/roomMedia.js';
import type { MediaSourceName } from './roles.js';
import type { Room } from './room.js';
import { MAIN } from './roomDefinition.js';

/** Joins and leaves of a big class arrive in bursts: tell the taps once per burst. */
const CHANGE_COALESCE_MS = 20;

export interface TappedParticipant {
  id: string;
  displayName: string;
  /** Hosts are shown when nobody speaks. */
  isHost: boolean;
}

export interface TappedProducer {
  producer: types.Producer;
  participantId: string;
  source: MediaSourceName;
}

export interface TappedMicrophone {
  participantId: string;
  displayName: string;
  producer: types.Producer;
}

export interface MainRoomTapEvents {
  /** Someone joined, left, moved or changed role, or a producer was added, closed, paused or resumed. */
  changed: [];
  /** The loudest sustained speaker changed. */
  activeSpeaker: [participantId: string];
  /** Everyone audible right now, loudest first. */
  speaking: [participantIds: string[]];
  /** The router is gone or another took its place: drop what was consumed from it. */
  routerReplaced: [];
  /** The call ended for everyone. */
  ended: [];
}

export class MainRoomTap extends EventEmitter<MainRoomTapEvents> {
  private readonly unsubscribe: (() => void)[] = [];
  /** The router the taps were last told about (null: none, or lost and already told). */
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
      on('mediaLost', ({ location, media }) => {
        if (location !== MAIN || this.media !== media) return;
        this.media = null;
        this.emit('routerReplaced');
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

  /** The router the main room's producers are on, or null while there is none. */
  router(): types.Router | null {
    return this.room.mediaAt(MAIN)?.router ?? null;
  }

  /**
   * Those a program can show: whoever has a producer in the main room, and
   * the hosts (shown when nobody speaks). Not all 2000 of a big class.
   */
  participants(): TappedParticipant[] {
    const out: TappedParticipant[] = [];
    for (const peer of this.room.peersAt(MAIN)) {
      const isHost = peer.identity.role === 'host';
      if (!isHost && peer.producers.size === 0) continue;
      out.push({ id: peer.id, displayName: peer.identity.displayName, isHost });
    }
    return out;
  }

  /** Open producers of the participants in the main room. */
  producers(): TappedProducer[] {
    const out: TappedProducer[] = [];
    for (const { producer, peer, source } of this.room.producers(MAIN)) {
      if (!producer.closed) out.push({ producer, participantId: peer.id, source });
    }
    return out;
  }

  /** Open microphones of the participants in the main room. */
  microphones(): TappedMicrophone[] {
    const mics: TappedMicrophone[] = [];
    for (const { peer, producer, source } of this.room.producers(MAIN)) {
      if (source === 'microphone' && !producer.closed) {
        mics.push({ participantId: peer.id, displayName: peer.identity.displayName, producer });
      }
    }
    return mics;
  }

  /** The active speaker now, if anyone: a tap started mid-call begins from it. */
  currentSpeaker(): string | null {
    return this.room.activeSpeakers.get(MAIN) || null;
  }

  /** Stops listening to the room. */
  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
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
