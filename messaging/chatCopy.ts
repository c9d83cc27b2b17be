// "A new chat based on this one": its members and settings, the caller as
// creator, the admins still admins; only an admin of the original may copy.
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { type ChatService, newChatId } from './chats.js';
import { forbidden } from './errors.js';
import { type Caller, isChatAdmin } from './permissions.js';
import type { ChatStore } from './store/chatStore.js';
import * as check from './validate.js';

import cpb = schoolcall.chat.v1;

export async function copyChat(
  deps: { chats: ChatService; chatStore: ChatStore },
  caller: Caller,
  req: cpb.ICopyChatRequest,
): Promise<cpb.IChat> {
  const { chat, member } = await deps.chats.access(req.chatId ?? '', caller);
  if (chat.kind !== 'group' && chat.kind !== 'channel')
    throw forbidden('only group chats and channels are copied');
  if (!isChatAdmin(member.role)) throw forbidden("only the chat's admins make a chat based on it");
  const title = check.shortText(req.title, 'title', 128, false) || chat.title;
  const members = await deps.chatStore.allMembers(chat.id);
  const users = await deps.chatStore.users([...members.keys()]);
  const id = newChatId();
  await deps.chatStore.create(
    {
      id,
      kind: chat.kind,
      title,
      about: chat.about,
      createdBy: caller.user.id,
      settings: { ...chat.settings, archived: false },
    },
    [
      { user: caller.user, role: 'creator', source: 'creator' },
      ...[...members].flatMap(([uid, m]) => {
        const user = users.get(uid);
        if (!user || uid === caller.user.id) return [];
        const role = isChatAdmin(m.role) ? ('admin' as const) : ('member' as const);
        return [{ user, role, source: 'invited' as const }];
      }),
    ],
  );
  await deps.chats.note(id, caller, 'created', [], title);
  return deps.chats.summaryFor(id, caller.user.id);
}
