// /room/<id>#token=<token>: the call page.
import { render } from 'preact';
import { bindEffects } from '../effects/callBinding.js';
import { localEffects } from '../effects/localEffects.js';
import { roleFromToken } from '../effects/preferences.js';
import { lang } from '../i18n/index.js';
import { CallStore } from '../state/callStore.js';
import { openDevices } from '../state/devices.js';
import { App } from '../ui/App.js';

document.documentElement.lang = lang.value;
const roomId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const store = new CallStore(wsUrl, roomId, token);
localEffects.setRole(roleFromToken(token));
bindEffects(store);
// After a dropped connection the page reloads itself with a fresh token; the
// person already chose their devices, so the check is skipped.
const rejoin = CallStore.takeRejoin();
if (!roomId || !token || rejoin) store.phase.value = 'joining';
const root = document.getElementById('app');
if (root) render(<App store={store} />, root);

if (!roomId || !token) void store.start({ stream: null, cameraOn: false, micOn: false });
else if (rejoin)
  void openDevices().then((opened) => {
    localEffects.attach(opened.stream);
    return store.start({ stream: localEffects.stream.peek(), ...rejoin });
  });
