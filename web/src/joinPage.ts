// /j/<code>: a guest types the meeting code (pre-filled from the link), a
// name and the password from the invitation, and gets a guest token.
import { deviceKey } from './deviceKey.js';
const form = document.getElementById('join-form') as HTMLFormElement;
const errorLine = document.getElementById('error') as HTMLElement;
const codeInput = document.getElementById('code') as HTMLInputElement;
codeInput.value = decodeURIComponent(location.pathname.split('/')[2] ?? '');
(codeInput.value ? (document.getElementById('name') as HTMLInputElement) : codeInput).focus();

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  errorLine.textContent = '';
  const code = codeInput.value.trim();
  const displayName = (document.getElementById('name') as HTMLInputElement).value.trim();
  const password = (document.getElementById('password') as HTMLInputElement).value;
  const res = await fetch(`/api/join/${encodeURIComponent(code)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName, password, deviceKey: deviceKey() }),
  });
  const body = (await res.json()) as { joinUrl?: string; error?: string };
  if (!res.ok || !body.joinUrl) {
    errorLine.textContent =
      res.status === 401
        ? 'The code or the password is wrong. Check the invitation and try again.'
        : (body.error ?? `Could not join (${res.status}).`);
    return;
  }
  const url = new URL(body.joinUrl);
  location.assign(`${url.pathname}${url.hash}`);
});
