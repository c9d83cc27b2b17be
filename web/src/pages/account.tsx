// /account, "Мои устройства": every session of the person (this one
// marked), each signed out with one tap, or all at once; passkeys added and
// removed; and for teachers, applying for the verified mark with the
// school's invitation.
import { startRegistration } from '@simplewebauthn/browser';
import { useEffect, useState } from 'preact/hooks';
import { deviceLabel } from '../../../common/deviceLabel.js';
import { AccountPage } from '../account/AccountPage.js';
import { type Person, errorKey, get, post } from '../account/api.js';
import { renderSignedIn } from '../account/signedIn.js';
import { type AccountKey, hasKey, ta } from '../account/text.js';
import { lang } from '../i18n/index.js';

interface Devices {
  sessions: {
    id: string;
    current: boolean;
    method: string;
    createdAt: string;
    seenAt: string;
    agent: string;
    ip: string;
  }[];
  passkeys: { id: string; label: string; createdAt: string }[];
}

function stamp(iso: string): string {
  return new Date(iso).toLocaleString(lang.value === 'ru' ? 'ru-RU' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  });
}

function browserOf(agent: string): string {
  return deviceLabel(agent) || agent.slice(0, 40) || '—';
}

function methodText(method: string): string {
  const key = `devices.method.${method.startsWith('sso:') ? 'sso' : method}`;
  return hasKey(key) ? ta(key) : method;
}

function DevicesPage({ person }: { person: Person }) {
  const [devices, setDevices] = useState<Devices | null>(null);
  const [note, setNote] = useState<AccountKey | null>(null);
  const [error, setError] = useState<AccountKey | null>(null);
  const [invitation, setInvitation] = useState('');
  const load = () =>
    get<Devices>('/api/account/sessions')
      .then(setDevices)
      .catch((err: unknown) => setError(errorKey(err)));
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once; actions reload it themselves.
  useEffect(() => void load(), []);
  const act = async (action: () => Promise<unknown>, done: AccountKey | null) => {
    setError(null);
    setNote(null);
    try {
      await action();
      setNote(done);
      await load();
    } catch (err) {
      setError(errorKey(err));
    }
  };
  const end = (id: string, current: boolean) =>
    void act(async () => {
      await post(`/api/account/sessions/${encodeURIComponent(id)}/end`);
      if (current) location.assign('/login');
    }, 'devices.ended');
  const endAll = (keepThis: boolean) =>
    void act(async () => {
      await post('/api/account/sessions/end-all', { keepThis });
      if (!keepThis) location.assign('/login');
    }, 'devices.ended');
  const addPasskey = () =>
    void act(async () => {
      const options = await post<Parameters<typeof startRegistration>[0]['optionsJSON']>(
        '/api/account/passkeys/options',
      );
      const response = await startRegistration({ optionsJSON: options });
      await post('/api/account/passkeys', { response });
    }, 'devices.passkeyAdded');
  const apply = (e: Event) => {
    e.preventDefault();
    void act(() => post('/api/account/verification', { invitation }), 'devices.applied');
  };
  const teacher = person.role === 'teacher' || person.role === 'admin';
  return (
    <AccountPage
      title={ta('devices.title')}
      demo={person.demo}
      top={
        <a class="button ghost small" href="/">
          {ta('devices.home')}
        </a>
      }
    >
      <p class="muted">{ta('devices.text')}</p>
      <output class="note">{note ? ta(note) : ''}</output>
      <p id="error" class="error" role="alert">
        {error ? ta(error) : ''}
      </p>
      <ul class="rows devices">
        {devices?.sessions.map((s) => (
          <li key={s.id} class="row device" data-current={s.current ? 'yes' : 'no'}>
            <div class="row-main">
              <strong>
                {browserOf(s.agent)}
                {s.current && <span class="badge">{ta('devices.this')}</span>}
              </strong>
              <span class="hint">
                {ta('devices.signedIn', { when: stamp(s.createdAt) })} {methodText(s.method)} ·{' '}
                {ta('devices.seen', { when: stamp(s.seenAt) })}
              </span>
            </div>
            <button type="button" class="small" onClick={() => end(s.id, s.current)}>
              {s.current ? ta('devices.end') : ta('devices.endThat')}
            </button>
          </li>
        ))}
      </ul>
      <div class="stack">
        <button type="button" class="wide" onClick={() => endAll(true)}>
          {ta('devices.endOthers')}
        </button>
        <button type="button" class="danger wide" onClick={() => endAll(false)}>
          {ta('devices.endAll')}
        </button>
      </div>
      <section class="card" aria-labelledby="passkeys-title">
        <h2 id="passkeys-title">{ta('devices.passkeys')}</h2>
        {devices && devices.passkeys.length === 0 && <p class="muted">{ta('devices.noPasskeys')}</p>}
        <ul class="rows">
          {devices?.passkeys.map((k) => (
            <li key={k.id} class="row">
              <span class="row-main">
                {k.label} <span class="hint">{stamp(k.createdAt)}</span>
              </span>
              <button
                type="button"
                class="small"
                onClick={() =>
                  void act(() => post(`/api/account/passkeys/${encodeURIComponent(k.id)}/remove`), null)
                }
              >
                {ta('devices.removePasskey')}
              </button>
            </li>
          ))}
        </ul>
        {typeof window.PublicKeyCredential === 'function' ? (
          <button type="button" class="wide" onClick={addPasskey}>
            {ta('devices.addPasskey')}
          </button>
        ) : (
          // Browsers offer passkeys only to secure pages: a server opened as http://<address> has none.
          <p class="hint">
            {ta(window.isSecureContext ? 'devices.noPasskeySupport' : 'devices.passkeyNeedsHttps')}
          </p>
        )}
      </section>
      {teacher && (
        <section class="card" aria-labelledby="verify-title">
          <h2 id="verify-title">{ta('devices.verify')}</h2>
          {person.verified ? (
            <p class="verified">✓ {ta('devices.verified')}</p>
          ) : (
            <form onSubmit={apply}>
              <p class="hint">{ta('devices.verifyText')}</p>
              <label>
                {ta('devices.invitation')}
                <input
                  id="invitation"
                  class="password"
                  autoComplete="off"
                  value={invitation}
                  onInput={(e) => setInvitation((e.target as HTMLInputElement).value)}
                />
              </label>
              <button type="submit" class="primary wide" disabled={!invitation.trim()}>
                {ta('devices.apply')}
              </button>
            </form>
          )}
        </section>
      )}
    </AccountPage>
  );
}

renderSignedIn(DevicesPage);
