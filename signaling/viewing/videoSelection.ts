// Last-N applied to a room: after every change that can move the selection
// (a new dominant speaker, a camera started or stopped, someone came, left,
// moved, changed role, or the room's N changed), it recomputes which cameras
// are not forwarded at that location, holds or releases every consumer of
// those cameras through the gate, and tells the location's receivers which
// participants to show as avatars (VideoSuppressed, only when the set changes).
import type { MediaConsumer } from '../../sfu/mediaTransport.js';
import { isModerator } from '../domain/roles.js';
import type { Room } from '../domain/room.js';
import type { RoomLocation } from '../domain/roomDefinition.js';
import { type RoomFanout, mediaTopic } from '../fanout/topics.js';
import { encodeEvent } from '../wire/frames.js';
import type { ConsumerGate } from './consumerGate.js';
import { type Camera, SpeakerHistory, suppressedCameras } from './lastN.js';

interface LocationState {
  speakers: SpeakerHistory;
  /** Participants whose cameras are held, as last told to clients. */
  suppressed: Set<string>;
  n: number;
}

export class VideoSelection {
  /** Producer ids of cameras held by last-N, in every room here. */
  private readonly suppressedProducers = new Set<string>();
  private gate: ConsumerGate | null = null;

  constructor(
    private readonly out: RoomFanout,
    private readonly defaultN: number,
    private readonly onError: (err: unknown, room: Room) => void,
  ) {}

  /** The gate asks this for consumers created after the last selection. */
  isSuppressed = (c: MediaConsumer): boolean => this.suppressedProducers.has(c.producerId);

  useGate(gate: ConsumerGate): void {
    this.gate = gate;
  }

  attach(room: Room): void {
    const locations = new Map<RoomLocation, LocationState>();
    const at = (location: RoomLocation): LocationState => {
      let s = locations.get(location);
      if (!s) {
        s = { speakers: new SpeakerHistory(), suppressed: new Set(), n: 0 };
        locations.set(location, s);
      }
      return s;
    };
    const update = (location: RoomLocation) => this.update(room, location, at(location));
    const on = room.events.on.bind(room.events);
    on('activeSpeakerChanged', ({ location, participantId }) => {
      if (at(location).speakers.spoke(participantId)) update(location);
    });
    on('producerAdded', ({ source, location }) => source === 'camera' && update(location));
    on('producerRemoved', ({ producer, source, location }) => {
      this.suppressedProducers.delete(producer.id);
      if (source === 'camera') update(location);
    });
    on('participantJoined', ({ peer }) => {
      // Told on its media topic if the set changed, else directly.
      if (!update(peer.location)) peer.channel.send(suppressedEvent(at(peer.location)));
    });
    on('participantLeft', ({ peer, location }) => {
      at(location).speakers.forget(peer.id);
      update(location);
    });
    on('participantMoved', ({ peer, from, to }) => {
      at(from).speakers.forget(peer.id);
      update(from);
      if (!update(to)) peer.channel.send(suppressedEvent(at(to)));
    });
    on('roleChanged', ({ peer }) => update(peer.location));
    on('settingsChanged', () => {
      for (const location of locations.keys()) update(location);
    });
    on('callEnded', () => {
      for (const s of locations.values()) s.suppressed.clear();
      locations.clear();
    });
  }

  /** Applies the selection; true if the location's receivers were told a new one. */
  private update(room: Room, location: RoomLocation, s: LocationState): boolean {
    const n = room.settings.lastN || this.defaultN;
    const cameras: Camera[] = [];
    const cameraOwner = new Map<string, string>();
    for (const entry of room.producers(location)) {
      if (entry.source !== 'camera') continue;
      cameraOwner.set(entry.producer.id, entry.peer.id);
      cameras.push({ participantId: entry.peer.id, alwaysForwarded: isModerator(entry.peer.identity.role) });
    }
    const suppressed = new Set(suppressedCameras(cameras, s.speakers.recent, n));
    for (const [producerId, owner] of cameraOwner) {
      if (suppressed.has(owner)) this.suppressedProducers.add(producerId);
      else this.suppressedProducers.delete(producerId);
    }
    // Hold or release every consumer of a camera at this location.
    for (const peer of room.peers.values()) {
      if (peer.location !== location) continue;
      for (const c of peer.consumers.values()) {
        const owner = cameraOwner.get(c.producerId);
        if (owner === undefined) continue;
        this.gate?.setSuppressed(c, suppressed.has(owner)).catch((err) => this.onError(err, room));
      }
    }
    if (n === s.n && sameSet(suppressed, s.suppressed)) return false;
    s.n = n;
    s.suppressed = suppressed;
    this.out.publishTopic(mediaTopic(room.id, location), suppressedEvent(s));
    return true;
  }
}

function suppressedEvent(s: LocationState): Uint8Array {
  return encodeEvent({ videoSuppressed: { participantIds: [...s.suppressed], lastN: s.n } });
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
