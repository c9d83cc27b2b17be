// The person's own organisation of the messenger as the server last answered
// it (folders, pinned and muted chats, quiet hours, saved chat), and the
// folder shown: read by the chat list, the folder editor and the chat's
// controls, set from every answer carrying `prefs`.
import { signal } from '@preact/signals';
import type { cpb } from './messengerStore.js';

/** The person's folders, pins, muted chats, quiet hours and saved chat. */
export const prefs = signal<cpb.IPrefs>({});
/** The folder shown ('' for all chats). */
export const folder = signal('');
