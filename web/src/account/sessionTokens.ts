// Where the messenger and the call get their tokens. A link from another
// system (#token=...) keeps working as it always did, for integrations. The
// signed-in web client instead asks its session for short-lived tokens and
// keeps them only in this page's memory: never in a URL, never in
// sessionStorage or localStorage. A call's page knows which call by the
// chat message that announced it (#chat=...&seq=..., not secrets).
import { post } from './api.js';

const LINK_TOKEN_KEY = 'chat-token';

/** A token given in this page's link (#token=), or null. */
export function linkToken(): string | null {
  return new URLSearchParams(location.hash.slice(1)).get('token');
}

/** The messenger's token from a link, remembered for this tab as before (integrations). */
export function messengerLinkToken(): string | null {
  const fromLink = linkToken();
  if (fromLink) sessionStorage.setItem(LINK_TOKEN_KEY, fromLink);
  return fromLink ?? sessionStorage.getItem(LINK_TOKEN_KEY);
}

let chatToken = '';

/** A fresh messenger token from the session (each connection asks again). */
export async function sessionChatToken(): Promise<string> {
  chatToken = (await post<{ token: string }>('/api/account/tokens/chat')).token;
  return chatToken;
}

/** The messenger token in use now (uploads send it): the link's, or the session's latest. */
export function currentChatToken(): string {
  return chatToken || (sessionStorage.getItem(LINK_TOKEN_KEY) ?? '');
}

/** Whether this page runs on the session (no token in its link). */
export function onSession(): boolean {
  return !linkToken() && !sessionStorage.getItem(LINK_TOKEN_KEY);
}

/** The call page's address for the call announced in a chat message: no token in it. */
export function callHref(roomId: string, chatId: string, seq: number): string {
  return `/room/${encodeURIComponent(roomId)}#chat=${encodeURIComponent(chatId)}&seq=${seq}`;
}

/** Which chat message this call page was opened from, if it was. */
export function callSource(): { chatId: string; seq: number } | null {
  const h = new URLSearchParams(location.hash.slice(1));
  const chatId = h.get('chat');
  const seq = Number(h.get('seq'));
  return chatId && Number.isSafeInteger(seq) && seq > 0 ? { chatId, seq } : null;
}

/** A call token from the session for the call announced at `source`. */
export async function sessionCallToken(source: { chatId: string; seq: number }): Promise<string> {
  return (await post<{ token: string }>('/api/account/tokens/call', source)).token;
}
