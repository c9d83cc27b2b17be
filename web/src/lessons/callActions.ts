// Calls from the messenger (#24): start one in a chat (video or audio only)
// and go to the call page with one's own join link.
import type { MessengerStore } from '../messenger/messengerStore.js';
import { cpb } from '../messenger/messengerStore.js';

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

export async function joinCall(store: MessengerStore, chatId: string, seq: number): Promise<void> {
  const r = await store.run(() => store.chat.request({ joinCall: { chatId, seq } }));
  goToCall(r?.call?.joinUrl);
}

/** Teachers and the school's administrators schedule lessons (the server checks it again). */
export function maySchedule(store: MessengerStore): boolean {
  const role = store.me.value?.role;
  return role === cpb.UserRole.USER_ROLE_TEACHER || role === cpb.UserRole.USER_ROLE_ADMIN;
}
