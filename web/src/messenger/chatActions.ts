// What the shared chat components (web/src/chat/) may do in one of the
// messenger's chats: the thread's actions and the composer's, over the
// messenger's socket. Besides what the call's chat offers, the messenger
// forwards, shows who read, marks important, joins calls started from a
// chat, sends polls and records voice messages. A refusal reads as a
// translated sentence (store.run); an answer's message replaces ours.
import type { ComposerActions, ThreadActions } from '../chat/actions.js';
import { myRights } from '../chat/rights.js';
import { uploadFile } from '../chat/upload.js';
import { t } from '../i18n/index.js';
import { joinCall } from '../lessons/callActions.js';
import type { ChatRequestBody } from '../protocol/chatClient.js';
import { cpb } from '../protocol/wire.js';
import { schedulePost } from './ScheduledPosts.js';
import { copyMessageLink } from './messageLinks.js';
import type { MessengerStore, Msg } from './messengerStore.js';
import { chatTitle } from './rules.js';

/** Sends a request about a message; the message in the answer replaces ours. */
async function act(store: MessengerStore, body: ChatRequestBody): Promise<boolean> {
  const r = await store.run(() => store.chat.request(body));
  const m = r?.message ?? r?.voted?.message;
  if (m) store.upsert([m], true);
  return r !== null;
}

export function threadActions(store: MessengerStore, chatId: string): ThreadActions {
  const chat = store.chats.value.get(chatId);
  return {
    meId: store.me.value?.userId ?? '',
    rights: myRights(chat),
    react: (m, emoji) =>
      void act(store, { react: { chatId, seq: m.seq, emoji, add: !(m.myReactions ?? []).includes(emoji) } }),
    pin: (m, pin) => void act(store, { pinMessage: { chatId, seq: m.seq, pin } }),
    remove: (m) => void act(store, { deleteMessage: { chatId, seq: m.seq } }),
    reply: (m) => {
      store.editing.value = null;
      store.replyTo.value = m;
    },
    edit: (m) => {
      store.replyTo.value = null;
      store.editing.value = m;
    },
    vote: (m, options) => void act(store, { vote: { chatId, seq: m.seq, options } }),
    pressButton: (m, button) => act(store, { pressButton: { chatId, seq: m.seq, button } }),
    fileUrl: async (_m, fileId, preview) => {
      try {
        const r = await store.chat.request({ getFileUrl: { chatId, fileId, preview } });
        return r.fileUrl?.url ?? '';
      } catch {
        return '';
      }
    },
    markImportant: (m, important) => void act(store, { markImportant: { chatId, seq: m.seq, important } }),
    readers: async (m) => {
      const r = await store.run(() => store.chat.request({ getReadBy: { chatId, seq: m.seq } }));
      if (!r?.readBy) return null;
      const names = (list: cpb.IUser[] | null | undefined) => (list ?? []).map((u) => u.displayName ?? '');
      return {
        read: names(r.readBy.read),
        readCount: r.readBy.readCount ?? 0,
        unread: names(r.readBy.unread),
        unreadCount: r.readBy.unreadCount ?? 0,
      };
    },
    reacted: async (m) => {
      const r = await store.run(() => store.chat.request({ getReactions: { chatId, seq: m.seq } }));
      if (!r?.reactions) return null;
      return (r.reactions.reactions ?? []).map((x) => ({
        name: x.user?.displayName ?? '',
        emojis: x.emojis ?? [],
      }));
    },
    closePoll: (m) => void act(store, { closePoll: { chatId, seq: m.seq } }),
    voters: async (m, option) => {
      const r = await store.run(() => store.chat.request({ getPollVoters: { chatId, seq: m.seq, option } }));
      return r?.pollVoters ? (r.pollVoters.voters ?? []).map((u) => u.displayName ?? '') : null;
    },
    forward: {
      targets: () => store.sortedChats().map((c) => ({ chatId: c.chatId ?? '', title: chatTitle(c) })),
      send: (m, toChatIds) =>
        void store.run(() =>
          store.chat.request({
            forwardMessages: {
              fromChatId: chatId,
              seqs: [m.seq ?? 0],
              toChatIds,
              clientMessageId: crypto.randomUUID(),
            },
          }),
        ),
    },
    joinCall: (m: Msg) => void joinCall(store, chatId, m),
    copyLink: (m) => void copyMessageLink(store, chatId, m.seq ?? 0),
    // Read ticks where the server tells how far the other person read: a direct chat.
    delivery:
      chat?.kind === cpb.ChatKind.CHAT_KIND_DIRECT
        ? (m) => ((store.chats.value.get(chatId)?.peerReadSeq ?? 0) >= (m.seq ?? 0) ? 'read' : 'sent')
        : undefined,
  };
}

export function composerActions(store: MessengerStore, chatId: string): ComposerActions {
  const chat = store.chats.value.get(chatId);
  const send = (body: ChatRequestBody['sendMessage']) =>
    act(store, { sendMessage: { chatId, clientMessageId: crypto.randomUUID(), ...body } });
  return {
    send: (text, replyTo, fileIds, options) =>
      send({
        text,
        replyTo: replyTo?.seq ?? 0,
        fileIds,
        mentions: options?.mentions ?? [],
        readConfirmation: options?.readConfirmation ?? false,
      }),
    // An announcement to a group or a channel; a direct chat has its ticks.
    readConfirmation: chat?.kind !== cpb.ChatKind.CHAT_KIND_DIRECT,
    saveEdit: (m, text, mentions) => act(store, { editMessage: { chatId, seq: m.seq, text, mentions } }),
    mentionable: async (query) => {
      // The server lists only the people this person may see (in a channel, its admins).
      const r = await store.run(() => store.chat.request({ listMembers: { chatId, query, limit: 8 } }));
      const me = store.me.value?.userId;
      return (r?.members?.members ?? [])
        .filter((x) => x.user?.userId && x.user.userId !== me)
        .map((x) => ({ userId: x.user?.userId ?? '', name: x.user?.displayName ?? '' }));
    },
    upload: async (file, progress) => {
      const up = await uploadFile(file, file.name, { token: store.token, chatId }, progress);
      if (up.failure) store.say(t(up.failure));
      return up.fileId;
    },
    poll: (poll) => send({ poll }),
    schedule: (text, at) => schedulePost(store, chatId, text, at),
    voice: async (recording, kind) => {
      const name = kind === 'audio' ? 'voice.webm' : 'video.webm';
      const up = await uploadFile(recording, name, { token: store.token, chatId });
      const fileId = up.fileId;
      if (!fileId) {
        store.say(t(up.failure ?? 'chat.uploadFailed'));
        return false;
      }
      const voice = kind === 'audio' ? cpb.VoiceKind.VOICE_KIND_AUDIO : cpb.VoiceKind.VOICE_KIND_ROUND_VIDEO;
      return send({ fileIds: [fileId], voice });
    },
  };
}
