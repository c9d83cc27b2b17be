// Notifications on this device: the service worker (/sw.js) is registered,
// the browser subscribes at its push service with the server's key, and the
// subscription is saved on the server over the messenger socket. Whether
// they are on is the browser's own state (its push subscription), so each
// device is turned on and off by itself.
import { effect, signal } from '@preact/signals';
import { lang } from '../i18n/index.js';
import type { MessengerStore } from './messengerStore.js';

export type PushState = 'unsupported' | 'denied' | 'off' | 'on' | 'busy';

export const pushState = signal<PushState>('off');
/** Why the last attempt failed (the browser's words), or ''. */
export const pushError = signal('');

const supported = () =>
  typeof navigator !== 'undefined' &&
  'serviceWorker' in navigator &&
  typeof window !== 'undefined' &&
  'PushManager' in window &&
  'Notification' in window;

async function registration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  return navigator.serviceWorker.ready;
}

/** Reads this device's state (on opening the messenger). */
export async function readPushState(): Promise<void> {
  if (!supported()) {
    pushState.value = 'unsupported';
    return;
  }
  if (Notification.permission === 'denied') {
    pushState.value = 'denied';
    return;
  }
  const reg = await navigator.serviceWorker.getRegistration('/');
  const sub = await reg?.pushManager.getSubscription();
  pushState.value = sub ? 'on' : 'off';
  if (reg) tellLanguage(reg);
}

/** The service worker writes notifications' words in the language chosen here (it cannot read the page's storage). */
function tellLanguage(reg: ServiceWorkerRegistration): void {
  effect(() => {
    const chosen = lang.value;
    (reg.active ?? reg.waiting ?? reg.installing)?.postMessage({ lang: chosen });
  });
}

export async function enablePush(store: MessengerStore): Promise<void> {
  if (!supported()) {
    pushState.value = 'unsupported';
    return;
  }
  pushState.value = 'busy';
  pushError.value = '';
  try {
    if ((await Notification.requestPermission()) !== 'granted') {
      pushState.value = Notification.permission === 'denied' ? 'denied' : 'off';
      return;
    }
    const reg = await registration();
    tellLanguage(reg);
    const key = (await store.chat.request({ getPushKey: {} })).pushKey?.publicKey ?? '';
    const sub =
      (await reg.pushManager.getSubscription()) ??
      (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
    const json = sub.toJSON();
    await store.chat.request({
      savePushSubscription: {
        endpoint: sub.endpoint,
        p256dh: json.keys?.p256dh ?? '',
        auth: json.keys?.auth ?? '',
      },
    });
    pushState.value = 'on';
  } catch (err) {
    pushError.value = err instanceof Error ? err.message : String(err);
    pushState.value = 'off';
  }
}

export async function disablePush(store: MessengerStore): Promise<void> {
  pushState.value = 'busy';
  try {
    const reg = await navigator.serviceWorker.getRegistration('/');
    const sub = await reg?.pushManager.getSubscription();
    if (sub) {
      await store.chat.request({ removePushSubscription: { endpoint: sub.endpoint } }).catch(() => {});
      await sub.unsubscribe();
    }
  } finally {
    pushState.value = 'off';
  }
}
