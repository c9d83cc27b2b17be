// Calls from the messenger (#24): start one in a chat (video or audio only)
// and go to the call page with one's own join link.
import { callHref, onSession } from '../account/sessionTokens.js';
import { type MessengerStore, type Msg, cpb } from '../messenger/messengerStore.js';

/** Opens the call page at a join link (same site: its path and fragment). */
export function goToCall(joinUrl: string | null | undefined): void {
  if (!joinUrl) return;
  const url = new URL(joinUrl);
  location.assign(url.pathname + url.hash);
}

export async function startCall(store: MessengerStore, chatId: string, audioOnly: boolean): Promise<void> {
  const r = await store.run(() => store.chat.request({ startCall: { chatId, audioOnly } }));
  goToCall(r?.call?.joinUrl);
}

/** Joins the call a chat message announces (an audio call opens with the camera off). */
export async function joinCall(store: MessengerStore, chatId: string, m: Msg): Promise<void> {
  // Signed in, the call page asks the session for its token: none goes into the address.
  if (onSession()) {
    location.assign(
      `${callHref(m.call?.roomId ?? '', chatId, m.seq ?? 0)}${m.call?.audioOnly ? '&audio=1' : ''}`,
    );
    return;
  }
  const r = await store.run(() => store.chat.request({ joinCall: { chatId, seq: m.seq } }));
  goToCall(r?.call?.joinUrl);
}

/** Teachers and the school's administrators schedule lessons (the server checks it again). */
export function maySchedule(store: MessengerStore): boolean {
  const role = store.me.value?.role;
  return role === cpb.UserRole.USER_ROLE_TEACHER || role === cpb.UserRole.USER_ROLE_ADMIN;
}
