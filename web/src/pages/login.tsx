// /login: signing in, phone first. A phone number and password; or a
// login/e-mail; or a passkey; or the school's single sign-on. "У меня есть
// код" leads through the first sign-in with a code from the class teacher's
// sheet (and the new server's setup code). Nothing of the session is visible
// to this page: the server sets an HttpOnly cookie.
import { startAuthentication } from '@simplewebauthn/browser';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AccountPage } from '../account/AccountPage.js';
import { ActivateCode } from '../account/ActivateCode.js';
import { ApiError, errorKey, get, post } from '../account/api.js';
import { type AccountKey, hasKey, ta } from '../account/text.js';
import { lang } from '../i18n/index.js';

interface SignInInfo {
  providers: { id: string; label: string }[];
  demo: boolean;
  signedIn: boolean;
}

const params = new URLSearchParams(location.search);
const next = params.get('next') ?? '/';

function passkeysWork(): boolean {
  return typeof window.PublicKeyCredential === 'function';
}

function SignIn({ info, onCode }: { info: SignInInfo | null; onCode: () => void }) {
  const [byPhone, setByPhone] = useState(true);
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const initial = params.get('error');
  const [error, setError] = useState<AccountKey | null>(
    initial && hasKey(`error.${initial}`) ? (`error.${initial}` as AccountKey) : null,
  );

  const done = (to: string) => location.assign(to || '/');
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post<{ next: string }>('/api/account/login', { login, password, next });
      done(r.next);
    } catch (err) {
      setError(errorKey(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  const passkey = async () => {
    setError(null);
    try {
      const options = await post<Parameters<typeof startAuthentication>[0]['optionsJSON']>(
        '/api/account/passkey-login/options',
      );
      const response = await startAuthentication({ optionsJSON: options });
      await post('/api/account/passkey-login', { response });
      done(next);
    } catch (err) {
      setError(err instanceof ApiError ? err.key : 'error.passkey_failed');
    }
  };

  return (
    <>
      {/* First: on a phone a newcomer with a code from school sees it without scrolling (the walk of #23). */}
      <section class="card first-time" aria-label={ta('login.haveCode')}>
        <p class="hint">{ta('login.haveCodeText')}</p>
        <button type="button" class="wide" onClick={onCode}>
          {ta('login.haveCode')}
        </button>
      </section>
      <form id="login-form" onSubmit={submit} noValidate>
        {byPhone ? (
          <label>
            {ta('login.phone')}
            <input
              id="login"
              name="username"
              type="tel"
              inputMode="tel"
              autoComplete="username tel"
              placeholder="+7 900 000-00-00"
              required
              value={login}
              onInput={(e) => setLogin((e.target as HTMLInputElement).value)}
            />
            <span class="hint">{ta('login.phoneHint')}</span>
          </label>
        ) : (
          <label>
            {ta('login.login')}
            <input
              id="login"
              name="username"
              autoComplete="username"
              autoCapitalize="off"
              spellcheck={false}
              required
              value={login}
              onInput={(e) => setLogin((e.target as HTMLInputElement).value)}
            />
          </label>
        )}
        <button type="button" class="link-button" onClick={() => setByPhone(!byPhone)}>
          {byPhone ? ta('login.other') : ta('login.otherBack')}
        </button>
        <label>
          {ta('login.password')}
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary wide" disabled={busy || !login || !password}>
          {ta('login.submit')}
        </button>
      </form>
      <p id="error" class="error" role="alert">
        {error ? ta(error) : ''}
      </p>
      <p class="hint">{ta('login.forgot')}</p>
      {(info?.providers.length || passkeysWork()) && <p class="or">{ta('login.or')}</p>}
      <div class="stack">
        {info?.providers.map((p) => (
          <a key={p.id} class="button wide" href={`/auth/sso/${p.id}?next=${encodeURIComponent(next)}`}>
            {ta('login.sso', { label: p.label })}
          </a>
        ))}
        {passkeysWork() && (
          <button type="button" class="wide" onClick={() => void passkey()}>
            {ta('login.passkey')}
          </button>
        )}
      </div>
      <p>
        <a href="/j">{ta('login.lessonCode')}</a>
      </p>
    </>
  );
}

function Login() {
  const [info, setInfo] = useState<SignInInfo | null>(null);
  const [mode, setMode] = useState<'sign-in' | 'code'>(location.hash === '#code' ? 'code' : 'sign-in');
  useEffect(() => {
    get<SignInInfo>('/api/account/sign-in')
      .then(setInfo)
      .catch(() => undefined);
  }, []);
  return (
    <AccountPage title={mode === 'code' ? ta('code.title') : ta('login.title')} demo={info?.demo ?? false}>
      {mode === 'code' ? (
        <ActivateCode onBack={() => setMode('sign-in')} />
      ) : (
        <SignIn info={info} onCode={() => setMode('code')} />
      )}
    </AccountPage>
  );
}

document.documentElement.lang = lang.value;
const root = document.getElementById('app');
if (root) render(<Login />, root);
