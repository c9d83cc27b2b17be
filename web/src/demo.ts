// Demo page: asks for a name, gets a participant token for the demo room.
import { deviceKey } from './deviceKey.js';
const form = document.getElementById('demo-form') as HTMLFormElement;
const errorLine = document.getElementById('error') as HTMLElement;

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  errorLine.textContent = '';
  const displayName = (document.getElementById('name') as HTMLInputElement).value.trim();
  const res = await fetch('/api/demo/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName, deviceKey: deviceKey() }),
  });
  const body = (await res.json()) as { joinUrl?: string; error?: string };
  if (!res.ok || !body.joinUrl) {
    errorLine.textContent = body.error ?? `could not join (${res.status})`;
    return;
  }
  // Same origin as this page, whatever address the server announced.
  const url = new URL(body.joinUrl);
  location.assign(`${url.pathname}${url.hash}`);
});
