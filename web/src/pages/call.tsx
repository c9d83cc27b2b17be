// /room/<id>#token=<token>: the call page, from a link another system minted.
// /room/<id>#chat=<chat>&seq=<n>: the call announced in one of the signed-in
// person's chats; the token comes from the session and stays in memory.
import { render } from 'preact';
import { callSource, sessionCallToken } from '../account/sessionTokens.js';
import { lang } from '../i18n/index.js';
import { CallStore } from '../state/callStore.js';
import { openDevices } from '../state/devices.js';
import { App } from '../ui/App.js';

document.documentElement.lang = lang.value;
const roomId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const source = callSource();
const token =
  new URLSearchParams(location.hash.slice(1)).get('token') ??
  (source ? await sessionCallToken(source).catch(() => '') : '');
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const store = new CallStore(wsUrl, roomId, token, { tokenInUrl: !source });
// After a dropped connection the page reloads itself with a fresh token; the
// person already chose their devices, so the check is skipped.
const rejoin = CallStore.takeRejoin();
if (!roomId || !token || rejoin) store.phase.value = 'joining';
const root = document.getElementById('app');
if (root) render(<App store={store} />, root);

if (!roomId || !token) void store.start({ stream: null, cameraOn: false, micOn: false });
else if (rejoin) void openDevices().then((opened) => store.start({ stream: opened.stream, ...rejoin }));
