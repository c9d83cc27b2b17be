// Room events as clients receive them: one listener per room that keeps each
// connection's topics in line with where its peer is, and turns every event
// into one encoded message on the right topic (presence in batches). Lesson
// controls use toRoomExcept/toRoom for messages that are not state, such as
// reactions and "attention".
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { Peer } from '../domain/peer.js';
import { isModerator } from '../domain/roles.js';
import type { Room } from '../domain/room.js';
import type { RoomLocation } from '../domain/roomDefinition.js';
import type { ProducerEvent } from '../domain/roomEvents.js';
import { encodeEvent } from '../wire/frames.js';
import { movedEvent, producerToWire } from '../wire/mediaWire.js';
import {
  breakoutsToWire,
  participantToWire,
  settingsToWire,
  waitingRoomDeltaEvent,
  waitingRoomEvent,
} from '../wire/roomWire.js';
import { PresenceBatcher } from './presence.js';
import { type RoomFanout, mediaTopic, moderatorTopic, roomTopic } from './topics.js';

import pb = schoolcall.v1;

const BREAKOUTS_FLUSH_MS = 150;

export class ClientFanout {
  private readonly presence = new PresenceBatcher((room, bytes) => this.out.publish(room.id, bytes));

  /** Rooms whose breakout rooms' people changed: told once, a moment later. */
  private readonly breakoutsDue = new Map<string, NodeJS.Timeout>();

  constructor(private readonly out: RoomFanout) {}

  /** Listens to a room's events; called for every room the registry holds. */
  attach(room: Room): void {
    const on = room.events.on.bind(room.events);
    on('participantJoined', ({ peer }) => {
      this.joined(room, peer);
      this.breakoutsSoon(room);
    });
    on('participantLeft', ({ peer, location }) => {
      peer.channel.unsubscribe(mediaTopic(room.id, location));
      this.presence.left(room, peer);
      this.breakoutsSoon(room);
    });
    on('participantUpdated', ({ peer }) => {
      peer.channel.send(encodeEvent({ participantUpdated: { participant: participantToWire(peer) } }));
      this.presence.updated(room, peer);
    });
    on('roleChanged', ({ peer }) => {
      this.syncModeratorTopic(room, peer);
      if (isModerator(peer.identity.role)) this.sendWaiting(room, peer);
    });
    on('waitingRoomChanged', ({ added, removed }) =>
      this.out.publishTopic(
        moderatorTopic(room.id),
        encodeEvent(waitingRoomDeltaEvent(room, added, removed)),
      ),
    );
    on('participantMoved', ({ peer, from, to }) => {
      this.moved(room, peer, from, to);
      this.breakoutsSoon(room);
    });
    on('producerAdded', (e) =>
      this.mediaFrom(room, e, { producerAdded: { producer: producerToWire(e.peer, e.producer, e.source) } }),
    );
    on('producerRemoved', (e) =>
      this.mediaFrom(room, e, { producerRemoved: { producerId: e.producer.id, participantId: e.peer.id } }),
    );
    on('producerStateChanged', (e) =>
      this.mediaFrom(room, e, {
        producerStateChanged: { producerId: e.producer.id, paused: e.producer.paused },
      }),
    );
    on('activeSpeakerChanged', ({ location, participantId }) =>
      this.out.publishTopic(
        mediaTopic(room.id, location),
        encodeEvent({ activeSpeakerChanged: { participantId } }),
      ),
    );
    on('speakingChanged', ({ location, participantIds }) =>
      this.out.publishTopic(
        mediaTopic(room.id, location),
        encodeEvent({ speakingChanged: { participantIds } }),
      ),
    );
    on('settingsChanged', ({ settings }) =>
      this.toRoom(room, { roomSettingsChanged: { settings: settingsToWire(settings) } }),
    );
    on('breakoutsChanged', () => this.toRoom(room, { breakoutsChanged: breakoutsToWire(room) }));
  }

  /** An event to everyone in the room. */
  toRoom(room: Room, event: pb.IEvent): void {
    this.out.publish(room.id, encodeEvent(event));
  }

  /** An event caused by `peer` to everyone else in the room. */
  toRoomExcept(room: Room, peer: Peer, event: pb.IEvent): void {
    const bytes = encodeEvent(event);
    if (!peer.channel.publishExceptSelf(roomTopic(room.id), bytes)) this.out.publish(room.id, bytes);
  }

  dispose(): void {
    this.presence.dispose();
    for (const timer of this.breakoutsDue.values()) clearTimeout(timer);
    this.breakoutsDue.clear();
  }

  /** Breakout rooms' counts follow arrivals, departures and moves (a round of moves is one message). */
  private breakoutsSoon(room: Room): void {
    if (room.breakouts.rooms.size === 0 || this.breakoutsDue.has(room.id)) return;
    const timer = setTimeout(() => {
      this.breakoutsDue.delete(room.id);
      if (room.breakouts.rooms.size > 0) this.toRoom(room, { breakoutsChanged: breakoutsToWire(room) });
    }, BREAKOUTS_FLUSH_MS);
    timer.unref();
    this.breakoutsDue.set(room.id, timer);
  }

  /** A newcomer joins the room's topics and learns what is not in its join response. */
  private joined(room: Room, peer: Peer): void {
    peer.channel.subscribe(roomTopic(room.id));
    peer.channel.subscribe(mediaTopic(room.id, peer.location));
    this.syncModeratorTopic(room, peer);
    this.presence.joined(room, peer);
    if (isModerator(peer.identity.role)) this.sendWaiting(room, peer);
    if (room.breakouts.rooms.size > 0)
      peer.channel.send(encodeEvent({ breakoutsChanged: breakoutsToWire(room) }));
    this.sendSpeakers(room, peer);
  }

  private moved(room: Room, peer: Peer, from: RoomLocation, to: RoomLocation): void {
    peer.channel.unsubscribe(mediaTopic(room.id, from));
    peer.channel.subscribe(mediaTopic(room.id, to));
    const media = room.mediaAt(to);
    if (media) peer.channel.send(encodeEvent(movedEvent(room, peer, media, false)));
    this.sendSpeakers(room, peer);
  }

  /** Keeps a peer's moderator-topic subscription in line with its role. */
  private syncModeratorTopic(room: Room, peer: Peer): void {
    if (isModerator(peer.identity.role)) peer.channel.subscribe(moderatorTopic(room.id));
    else peer.channel.unsubscribe(moderatorTopic(room.id));
  }

  /** The whole queue to someone who starts moderating (even empty: theirs may be stale); deltas follow. */
  private sendWaiting(room: Room, peer: Peer): void {
    peer.channel.send(encodeEvent(waitingRoomEvent(room)));
  }

  /** Tells a newcomer to a location who speaks there now; later changes come as events. */
  private sendSpeakers(room: Room, peer: Peer): void {
    const dominant = room.activeSpeakers.get(peer.location);
    if (dominant) peer.channel.send(encodeEvent({ activeSpeakerChanged: { participantId: dominant } }));
    const speaking = room.speaking.get(peer.location);
    if (speaking)
      peer.channel.send(encodeEvent({ speakingChanged: { participantIds: speaking.split(',') } }));
  }

  /** A media event caused by a peer, to everyone else at the location it happened. */
  private mediaFrom(room: Room, e: ProducerEvent, event: pb.IEvent): void {
    const topic = mediaTopic(room.id, e.location);
    const bytes = encodeEvent(event);
    if (!e.peer.channel.publishExceptSelf(topic, bytes)) this.out.publishTopic(topic, bytes);
  }
}
