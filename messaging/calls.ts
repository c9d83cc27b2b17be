// Starting a call from a chat: a room for the chat's members, announced by a
// message in the chat. Each member asks for their own join link (members and
// only members get one; the starter and the chat's admins lead the call).
import { randomBytes } from 'node:crypto';
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { ChatError, ChatErrorCode } from './errors.js';
import type { Messenger } from './messenger.js';
import { type Caller, isChatAdmin, requireWrite } from './permissions.js';
import type { StoredUser } from './records.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

/** The call server's side: rooms and personal join links. */
export interface CallRooms {
  /** A new room for a call started in `chatId` by `starter`. */
  createRoom(title: string, chatId: string, starter: StoredUser): Promise<string>;
  joinUrl(roomId: string, user: StoredUser, role: 'host' | 'participant'): Promise<string>;
}

export class CallStarter {
  constructor(
    private readonly messenger: Messenger,
    private readonly rooms: CallRooms,
  ) {}

  async start(caller: Caller, req: cpb.IStartCallRequest): Promise<cpb.ICallLink> {
    const { chat, member } = await this.messenger.chats.access(req.chatId ?? '', caller);
    requireWrite(chat, member, caller);
    if (caller.guest) throw new ChatError(ChatErrorCode.CHAT_ERROR_FORBIDDEN, 'guests do not start calls');
    const title = check.shortText(req.title, 'title', 128, false) || chat.title || caller.user.name;
    const roomId = await this.rooms.createRoom(title, chat.id, caller.user);
    await this.messenger.messageStore.append(
      chat.id,
      caller.user.id,
      `call-${randomBytes(9).toString('base64url')}`,
      {
        kind: 'call',
        from: caller.user.id,
        name: caller.user.name,
        text: '',
        call: { room: roomId, title, ...(req.audioOnly ? { audio: true } : {}) },
      },
    );
    const joinUrl = await this.rooms.joinUrl(roomId, caller.user, 'host');
    const audioOnly = Boolean(req.audioOnly);
    return { roomId, title, audioOnly, joinUrl: audioOnly ? withAudioOnly(joinUrl) : joinUrl };
  }

  async join(caller: Caller, req: cpb.IJoinCallRequest): Promise<cpb.ICallLink> {
    const t = await this.ticket(caller, req);
    const joinUrl = await this.rooms.joinUrl(t.roomId, caller.user, t.role);
    return {
      roomId: t.roomId,
      title: t.title,
      audioOnly: t.audioOnly,
      joinUrl: t.audioOnly ? withAudioOnly(joinUrl) : joinUrl,
    };
  }

  /**
   * Whether the caller may join the call announced in a chat message, and
   * as whom: its starter and the chat's admins lead it, other members take
   * part. The join link above and the signed-in web client's call token
   * (accounts/) both come from this.
   */
  async ticket(
    caller: Caller,
    req: cpb.IJoinCallRequest,
  ): Promise<{ roomId: string; title: string; role: 'host' | 'participant'; audioOnly: boolean }> {
    const { chat, member } = await this.messenger.chats.access(req.chatId ?? '', caller);
    const m = await this.messenger.messages.visible(chat.id, check.seq(req.seq), member);
    if (m.deleted || !m.call)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_MESSAGE_NOT_FOUND, 'no call in that message');
    const role = m.from === caller.user.id || isChatAdmin(member.role) ? 'host' : 'participant';
    return { roomId: m.call.room, title: m.call.title ?? '', role, audioOnly: m.call.audio ?? false };
  }
}

/** The call page opens with the camera off (`#…&audio=1`; the page reads it, the server does not). */
function withAudioOnly(joinUrl: string): string {
  return `${joinUrl}&audio=1`;
}
