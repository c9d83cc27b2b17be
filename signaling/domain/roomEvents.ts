// What happens in a room, as typed events. A room tells its listeners after
// its state has changed, synchronously and in order, so a listener reads the
// new state and its own sends keep their place among the room's messages.
// Fan-out to clients is one listener; recording, subtitles and chat are
// others. A listener that throws is logged and does not stop the rest (nor
// the request that caused the event).
import type { types } from 'mediasoup';
import type { RoomMedia } from '../../sfu/roomMedia.js';
import type { Peer } from './peer.js';
import type { MediaSourceName, RoleName } from './roles.js';
import type { RoomLocation, RoomSettings } from './roomDefinition.js';

export interface ProducerEvent {
  peer: Peer;
  producer: types.Producer;
  source: MediaSourceName;
  /** Where it was produced (a peer that moves on leaves its producers behind, closed). */
  location: RoomLocation;
}

/** A final subtitle line: who said what, when (wall-clock ms since the epoch). */
export interface SubtitleFinal {
  participantId: string;
  speaker: string;
  text: string;
  startMs: number;
  endMs: number;
  /** What Whisper reported the line is in ('ru', 'en', ...). */
  language: string;
}

export interface RoomEventMap {
  /** Someone entered the waiting room. */
  participantWaiting: { peer: Peer };
  /** The waiting queue changed: who came, and who left it (admitted, denied or gone). */
  waitingRoomChanged: { added: Peer[]; removed: string[] };
  /** Someone entered the room proper: straight away, or admitted from the waiting room. */
  participantJoined: { peer: Peer; admitted: boolean };
  /** Someone present left (or was removed); their media is already closed. */
  participantLeft: { peer: Peer; location: RoomLocation };
  /** Hand, blocks, ask-to-speak, role or location changed; the peer holds the new state. */
  participantUpdated: { peer: Peer };
  roleChanged: { peer: Peer; from: RoleName };
  /** A peer went to a breakout room or back; its old media is closed. */
  participantMoved: { peer: Peer; from: RoomLocation; to: RoomLocation };
  producerAdded: ProducerEvent;
  producerRemoved: ProducerEvent;
  /** Paused or resumed, by its owner or by a host; `producer.paused` is the new state. */
  producerStateChanged: ProducerEvent;
  /** The loudest sustained speaker of a location (empty when it left). */
  activeSpeakerChanged: { location: RoomLocation; participantId: string };
  /** Everyone audible at a location, loudest first; empty on silence. */
  speakingChanged: { location: RoomLocation; participantIds: string[] };
  settingsChanged: { settings: RoomSettings; by: Peer | null };
  breakoutsChanged: Record<string, never>;
  /** A location has a (new) router: first use, or rebuilt after its worker died. */
  mediaReady: { location: RoomLocation; media: RoomMedia };
  /** A location's router died with its worker; everything on it is gone. */
  mediaLost: { location: RoomLocation; media: RoomMedia };
  /** A worker serving only receivers died; these receive transports are gone. */
  receiversLost: { location: RoomLocation; transportIds: string[] };
  /** A host banned this user for the rest of the call. */
  userBanned: { userId: string };
  /**
   * Nobody came back within the grace after the last person left: the room's
   * media is closed (call/emptyRooms.ts); what runs on for the room (a
   * recording, a broadcast) stops.
   */
  leftEmpty: Record<string, never>;
  /**
   * The call is over here (ended by a host, deleted, or `handedOver` to
   * another host that carries it on); the room stays.
   */
  callEnded: { handedOver: boolean };
  /**
   * Subtitles were turned on or off (emitted by the subtitles feature, whose
   * state this is). `language`: what the lines come in ('ru', 'en', 'auto').
   */
  subtitlesChanged: { enabled: boolean; language: string };
  /** The subtitles feature transcribed a final line (not partials, not dropped audio). */
  subtitleFinal: SubtitleFinal;
  /** Someone present wrote in the lesson's chat from the call (the messaging feature emits it). */
  chatMessageSent: { peer: Peer; seq: number };
  /** Someone present answered a poll in the lesson's chat (the messaging feature emits it). */
  pollAnswered: { peer: Peer; seq: number };
  /** This host took the room over and put back the call's saved state (bans, hands, breakouts…). */
  callStateRestored: Record<string, never>;
}

export type RoomEventType = keyof RoomEventMap;
export type RoomEventListener<K extends RoomEventType> = (event: RoomEventMap[K]) => void;

/** Reports a listener that threw; the room carries on. */
export type ListenerErrorSink = (type: RoomEventType, err: unknown) => void;

export class RoomEvents {
  private readonly listeners: { [K in RoomEventType]?: RoomEventListener<K>[] } = {};

  constructor(private readonly onListenerError: ListenerErrorSink) {}

  on<K extends RoomEventType>(type: K, listener: RoomEventListener<K>): () => void {
    let list = this.listeners[type] as RoomEventListener<K>[] | undefined;
    if (!list) {
      list = [];
      (this.listeners as Record<K, RoomEventListener<K>[]>)[type] = list;
    }
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<K extends RoomEventType>(type: K, event: RoomEventMap[K]): void {
    const list = this.listeners[type] as RoomEventListener<K>[] | undefined;
    if (!list) return;
    // A copy: a listener may remove itself while we go.
    for (const listener of [...list]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(type, err);
      }
    }
  }
}
