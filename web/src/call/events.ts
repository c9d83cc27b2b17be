// The call's events as the browser's features receive them: `on(type, fn)`
// over the protocol's Event union (signaling/proto). Every event type has a
// lane in LANES, a table the compiler checks against the union: an event
// added to the .proto does not build until it is given one.
//
// - `direct`: delivered the moment it arrives (admission, closing, the
//   board, subtitles, the chat): nothing about it waits for media.
// - `media`: delivered in arrival order, each once the media set-up of the
//   events before it (and of joining) is done: a producer announced
//   mid-join is consumed after the transports exist, a roster change lands
//   after the consumers of the one before it. On this lane an event's
//   listeners run one after another, each awaited, in the order they
//   subscribed; the media engine subscribes first, so the others see its
//   work for the same event done.
//
// A listener that needs no media may ask for an event of the media lane at
// once (`on('resync', fn, 'direct')`: the board and the chat catch up
// without waiting for consumers).
import { schoolcall } from '../../../common/protocol/generated/protocol.js';

import pb = schoolcall.v1;

export type EventType = NonNullable<pb.Event['event']>;
/** The payload of one event type (a member of the Event oneof). */
export type EventOf<K extends EventType> = NonNullable<pb.Event[K]>;
/** A listener gets the payload, and the whole event for those that pass it on. */
export type EventListener<K extends EventType> = (payload: EventOf<K>, event: pb.Event) => unknown;

export type Lane = 'direct' | 'media';

export const LANES: { readonly [K in EventType]: Lane } = {
  // Admission and closing must not wait behind the set-up they unblock.
  admitted: 'direct',
  sessionClosed: 'direct',
  waitingRoomChanged: 'direct',
  waitingRoomDelta: 'direct',
  // The board, captions and the chat need no media.
  whiteboardState: 'direct',
  whiteboardUpdate: 'direct',
  whiteboardPointer: 'direct',
  presentedDocument: 'direct',
  subtitleLine: 'direct',
  subtitlesChanged: 'direct',
  subtitlesRestarted: 'direct',
  chatMessage: 'direct',
  chatChanged: 'direct',
  chatMyFlags: 'direct',
  chatMessagesExpired: 'direct',
  commentPending: 'direct',
  videoSuppressed: 'direct',
  // The room's media and the roster, in order with each other.
  presenceChanged: 'media',
  resync: 'media',
  participantUpdated: 'media',
  producerAdded: 'media',
  producerRemoved: 'media',
  producerStateChanged: 'media',
  consumerClosed: 'media',
  consumerStateChanged: 'media',
  moved: 'media',
  mutedByHost: 'media',
  allowedByHost: 'media',
  roomSettingsChanged: 'media',
  breakoutsChanged: 'media',
  breakoutMessage: 'media',
  reactionSent: 'media',
  attentionRequested: 'media',
  activeSpeakerChanged: 'media',
  speakingChanged: 'media',
  recordingState: 'media',
  serverStopping: 'direct',
};

/** Subscribing to the call's events: what a feature's store is given. */
export interface CallEventSource {
  /** Calls `fn` for every event of this type, on its lane (or `lane`); returns the way to stop. */
  on<K extends EventType>(type: K, fn: EventListener<K>, lane?: Lane): () => void;
}

interface Listening {
  fn: EventListener<EventType>;
  lane: Lane;
}

/** Routes each arriving event to its listeners, on its lane. */
export class CallEvents implements CallEventSource {
  private readonly listeners = new Map<EventType, Listening[]>();
  private mediaLane: Promise<void>;
  private openMediaLane: () => void = () => {};

  constructor() {
    // Closed until joining has set media up.
    this.mediaLane = new Promise((resolve) => {
      this.openMediaLane = resolve;
    });
  }

  on<K extends EventType>(type: K, fn: EventListener<K>, lane: Lane = LANES[type]): () => void {
    const list = this.listeners.get(type) ?? [];
    const entry: Listening = { fn: fn as EventListener<EventType>, lane };
    list.push(entry);
    this.listeners.set(type, list);
    return () => {
      const at = list.indexOf(entry);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /** Joining set the media up: events on the media lane flow from now on. */
  mediaReady(): void {
    this.openMediaLane();
  }

  /** An event from the server. */
  deliver(event: pb.Event): void {
    const type = event.event;
    // An event this client is too old to know: nothing to do.
    if (!type || !(type in LANES)) return;
    const payload = event[type];
    if (!payload) return;
    // A copy, so a listener that unsubscribes does not make its neighbour miss this event.
    const listening = [...(this.listeners.get(type) ?? [])];
    for (const { fn, lane } of listening) {
      if (lane === 'direct') void this.guard(type, () => fn(payload, event));
    }
    const queued = listening.filter((l) => l.lane === 'media');
    if (!queued.length) return;
    this.mediaLane = this.mediaLane.then(async () => {
      for (const { fn } of queued) await this.guard(type, () => fn(payload, event));
    });
  }

  /** A listener that fails is logged; the others and the next events go on. */
  private async guard(type: EventType, run: () => unknown): Promise<void> {
    try {
      await run();
    } catch (err) {
      console.warn('event handling failed', type, err);
    }
  }
}
