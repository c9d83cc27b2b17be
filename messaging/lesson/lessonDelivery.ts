// Live changes of a lesson's chat reach the people in the call through the
// call's own room topics: the host running the room (its home) encodes each
// change once as a call event and publishes it to the room, and other hosts
// pass it on to their participants as they do every room event. A viewer's
// comment waiting for approval goes to the hosts and co-hosts only. One's own
// flags (reactions, votes, important) go to that participant alone. A change
// not everyone may see as it is (an edit of an earlier lesson's message, a
// reply to one: guests read their own lesson only) goes to each participant
// as they may see it (permissions.ts readerView). Messages retention removed
// go to everyone as one range.
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import type { Room } from '../../signaling/domain/room.js';
import type { RoomRegistry } from '../../signaling/domain/roomRegistry.js';
import { type RoomFanout, moderatorTopic } from '../../signaling/fanout/topics.js';
import { encodeEvent } from '../../signaling/wire/frames.js';
import { expiredToWire } from '../bus.js';
import { sharedChatToWire } from '../chats.js';
import type { FeedEvent } from '../feed.js';
import type { Messenger } from '../messenger.js';
import { readerView } from '../permissions.js';
import { type StoredMessage, list, messageToWire } from '../records.js';
import { type LessonChats, roomOfChat } from './lessonChats.js';

import pb = schoolcall.v1;
import cpb = schoolcall.chat.v1;

export function deliverLessonChats(
  messenger: Messenger,
  lessons: LessonChats,
  registry: RoomRegistry,
  out: RoomFanout,
): void {
  /** The room, if this host runs it now (someone is in its call here). */
  const live = (roomId: string) => {
    const room = registry.get(roomId);
    return room && room.peers.size + room.waiting.size > 0 ? room : null;
  };
  /** Once to the room when everyone sees it as it is, else to each as they see it. */
  const toReaders = (room: Room, chatId: string, r: StoredMessage, message: cpb.IChatMessage) => {
    const views = [...room.peers.values()].map(
      (peer) => [peer, readerView(lessons.readerOf(room.id, peer.identity.userId), r)] as const,
    );
    if (views.every(([, view]) => view === r)) {
      out.publish(room.id, encodeEvent({ chatMessage: message }));
      return;
    }
    for (const [peer, view] of views) {
      if (view) peer.channel.send(encodeEvent({ chatMessage: messageToWire(chatId, view) }));
    }
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
          toReaders(room, e.c, e.r, message);
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
      case 'ex':
        // The lesson chat drops them live (the broadcast's comments are not told: CommentsStore keeps its page).
        if (!of.comments) out.publish(room.id, encodeEvent({ chatMessagesExpired: expiredToWire(e) }));
        return;
      default:
        return;
    }
  });
}
