// Live changes of a lesson's chat reach the people in the call through the
// call's own room topics: the host running the room (its home) encodes each
// change once as a call event and publishes it to the room, and other hosts
// pass it on to their participants as they do every room event. A viewer's
// comment waiting for approval goes to the hosts and co-hosts only. One's own
// flags (reactions, votes, important) go to that participant alone.
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { RoomRegistry } from '../../signaling/domain/roomRegistry.js';
import { type RoomFanout, moderatorTopic } from '../../signaling/fanout/topics.js';
import { encodeEvent } from '../../signaling/wire/frames.js';
import { sharedChatToWire } from '../chats.js';
import type { FeedEvent } from '../feed.js';
import type { Messenger } from '../messenger.js';
import { list, messageToWire } from '../records.js';
import { roomOfChat } from './lessonChats.js';

import pb = schoolcall.v1;

export function deliverLessonChats(messenger: Messenger, registry: RoomRegistry, out: RoomFanout): void {
  /** The room, if this host runs it now (someone is in its call here). */
  const live = (roomId: string) => {
    const room = registry.get(roomId);
    return room && room.peers.size + room.waiting.size > 0 ? room : null;
  };
  messenger.feed.listen((e: FeedEvent) => {
    const of = roomOfChat(e.c);
    if (!of) return;
    const room = live(of.roomId);
    if (!room) return;
    switch (e.t) {
      case 'm': {
        const message = messageToWire(e.c, e.r);
        if (of.comments) {
          const event: pb.IEvent = e.r.pending ? { commentPending: message } : { chatMessage: message };
          out.publishTopic(moderatorTopic(room.id), encodeEvent(event));
        } else {
          out.publish(room.id, encodeEvent({ chatMessage: message }));
        }
        return;
      }
      case 'my': {
        if (of.comments) return;
        const bytes = encodeEvent({
          chatMyFlags: {
            chatId: e.c,
            seq: e.s,
            myReactions: list(e.f.rx as string[]),
            myVotes: list(e.f.v as number[]),
            important: e.f.imp,
          },
        });
        for (const peer of room.peers.values()) if (peer.identity.userId === e.u) peer.channel.send(bytes);
        return;
      }
      case 'cc':
        // The lesson chat's settings and pins to everyone; the comments' mode to the hosts.
        void Promise.all([messenger.chatStore.chat(e.c), messenger.chatStore.pins(e.c)])
          .then(([chat, pins]) => {
            if (!chat) return;
            const bytes = encodeEvent({ chatChanged: sharedChatToWire(chat, pins) });
            if (of.comments) out.publishTopic(moderatorTopic(room.id), bytes);
            else out.publish(room.id, bytes);
          })
          .catch((err: unknown) =>
            messenger.log.warn({ err, chat: e.c }, 'cannot announce a lesson chat change'),
          );
        return;
      default:
        return;
    }
  });
}
