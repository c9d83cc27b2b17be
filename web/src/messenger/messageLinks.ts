// Links to a message: `/messenger#chat=<id>&msg=<seq>`. The link carries no
// token or text: who opens it sees the message only if the server lets them
// read the chat (their own list, and history from their first visible seq).
import { showMessage } from '../chat/PinnedBar.js';
import { t } from '../i18n/index.js';
import type { MessengerStore } from './messengerStore.js';

export function messageLink(chatId: string, seq: number): string {
  return `${location.origin}/messenger#chat=${encodeURIComponent(chatId)}&msg=${seq}`;
}

/** The chat (and message) a fragment asks for. */
export function linkTarget(hash: string): { chatId: string; seq: number } | null {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const chatId = p.get('chat');
  if (!chatId) return null;
  const seq = Number(p.get('msg') ?? 0);
  return { chatId, seq: Number.isInteger(seq) && seq > 0 ? seq : 0 };
}

/** Copies a message's link; where the clipboard is refused, shows the link to copy by hand. */
export async function copyMessageLink(store: MessengerStore, chatId: string, seq: number): Promise<void> {
  const link = messageLink(chatId, seq);
  try {
    await navigator.clipboard.writeText(link);
    store.say(t('chat.link.copied'), 'done');
  } catch {
    store.say(link, 'done');
  }
}

/** Opens what a link asks for: the chat, scrolled to the message; or says it cannot be shown. */
export async function followLink(
  store: MessengerStore,
  target: { chatId: string; seq: number },
): Promise<void> {
  if (!store.chats.value.has(target.chatId)) {
    store.say(t('chat.link.unavailable'));
    return;
  }
  await store.open(target.chatId);
  if (!target.seq) return;
  await store.reveal(target.chatId, target.seq);
  const m = store.messages.value.get(target.chatId)?.get(target.seq);
  if (!m || m.deleted) {
    store.say(t('chat.link.unavailable'));
    return;
  }
  // Shown once the chat's view has drawn it.
  for (let i = 0; i < 20 && !showMessage(target.seq); i++) await new Promise((r) => setTimeout(r, 50));
}
