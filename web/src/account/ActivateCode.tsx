// The first sign-in with a code from the school's sheet: the code (any
// case, Cyrillic look-alikes welcome), "Это вы?", then a phone number (or a
// login) and a password, or a passkey of this device. The setup code of a
// new server leads instead to creating the school and its administrator.
import { startRegistration } from '@simplewebauthn/browser';
import { useState } from 'preact/hooks';
import { userText } from '../kit/userText.js';
import { errorKey, post } from './api.js';
import { type AccountKey, ta } from './text.js';

interface Owner {
  kind: 'person' | 'setup';
  login: string | null;
  person: {
    name: string;
    role: 'admin' | 'teacher' | 'student' | 'parent';
    schoolName: string;
    classes: string[];
    children: { name: string; className: string }[];
  } | null;
}

function Field(props: {
  label: string;
  id: string;
  value: string;
  set: (v: string) => void;
  type?: string;
  hint?: string;
  autoComplete?: string;
  inputMode?: 'tel' | 'text';
  required?: boolean;
}) {
  return (
    <label>
      {props.label}
      <input
        id={props.id}
        type={props.type ?? 'text'}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? 'off'}
        required={props.required ?? true}
        value={props.value}
        onInput={(e) => props.set((e.target as HTMLInputElement).value)}
      />
      {props.hint && <span class="hint">{props.hint}</span>}
    </label>
  );
}

export function ActivateCode({ onBack }: { onBack: () => void }) {
  const [code, setCode] = useState('');
  const [owner, setOwner] = useState<Owner | null>(null);
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [school, setSchool] = useState('');
  const [last, setLast] = useState('');
  const [first, setFirst] = useState('');
  const [middle, setMiddle] = useState('');
  const [error, setError] = useState<AccountKey | 'code.mismatch' | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorKey(err));
    } finally {
      setBusy(false);
    }
  };
  const check = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const o = await post<Owner>('/api/account/code', { code });
      setOwner(o);
      if (o.login) setLogin(o.login);
    });
  };
  const save = (e: Event) => {
    e.preventDefault();
    if (password !== repeat) {
      setError('code.mismatch');
      return;
    }
    void run(async () => {
      if (owner?.kind === 'setup') {
        const r = await post<{ next: string }>('/api/account/setup', {
          code,
          schoolName: school,
          lastName: last,
          firstName: first,
          middleName: middle,
          login,
          password,
        });
        location.assign(r.next);
        return;
      }
      await post('/api/account/activate', { code, login, password });
      location.assign('/');
    });
  };
  /** A passkey instead of a password: signed in by the code, then the key is made on this device. */
  const withPasskey = () =>
    void run(async () => {
      // A long random password nobody knows: the passkey is the way in, a new code the way back.
      const secret = Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16)).join('');
      await post('/api/account/activate', { code, login, password: secret });
      const options = await post<Parameters<typeof startRegistration>[0]['optionsJSON']>(
        '/api/account/passkeys/options',
      );
      const response = await startRegistration({ optionsJSON: options });
      await post('/api/account/passkeys', { response });
      location.assign('/');
    });

  if (!owner) {
    return (
      <>
        <form id="code-form" onSubmit={check} noValidate>
          <label>
            {ta('code.code')}
            <input
              id="activation-code"
              class="password"
              autoComplete="one-time-code"
              autoCapitalize="characters"
              spellcheck={false}
              required
              value={code}
              onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            />
            <span class="hint">{ta('code.codeHint')}</span>
          </label>
          <button type="submit" class="primary wide" disabled={busy || !code.trim()}>
            {ta('code.next')}
          </button>
        </form>
        <p id="error" class="error" role="alert">
          {error ? ta(error) : ''}
        </p>
        <button type="button" class="link-button" onClick={onBack}>
          {ta('code.back')}
        </button>
      </>
    );
  }

  const p = owner.person;
  return (
    <>
      {owner.kind === 'setup' ? (
        <p>{ta('setup.text')}</p>
      ) : (
        p && (
          <section class="card who" aria-labelledby="who">
            <h2 id="who">{ta('code.isThisYou')}</h2>
            <p {...userText('who-name')}>{p.name}</p>
            <p class="hint">
              {[ta(`role.${p.role}`), p.schoolName, p.classes.join(', ')].filter(Boolean).join(' · ')}
            </p>
            {p.children.length > 0 && (
              <p class="hint">
                {ta('code.parentOf', {
                  children: p.children.map((c) => `${c.name} (${c.className})`).join(', '),
                })}
              </p>
            )}
            {owner.login && <p>{ta('code.reset')}</p>}
          </section>
        )
      )}
      <form id="choose-form" onSubmit={save} noValidate>
        {owner.kind === 'setup' && (
          <>
            <Field label={ta('setup.school')} id="school-name" value={school} set={setSchool} />
            <Field label={ta('setup.lastName')} id="last-name" value={last} set={setLast} />
            <Field label={ta('setup.firstName')} id="first-name" value={first} set={setFirst} />
            <Field
              label={ta('setup.middleName')}
              id="middle-name"
              value={middle}
              set={setMiddle}
              required={false}
            />
          </>
        )}
        <h2>{ta('code.choose')}</h2>
        <Field
          label={ta('code.phoneOrLogin')}
          id="new-login"
          value={login}
          set={setLogin}
          inputMode="tel"
          autoComplete="username"
          hint={ta('code.phoneOrLoginHint')}
        />
        <Field
          label={ta('code.newPassword')}
          id="new-password"
          type="password"
          value={password}
          set={setPassword}
          autoComplete="new-password"
          hint={ta('code.passwordHint')}
        />
        <Field
          label={ta('code.repeat')}
          id="repeat-password"
          type="password"
          value={repeat}
          set={setRepeat}
          autoComplete="new-password"
        />
        <button type="submit" class="primary wide" disabled={busy}>
          {owner.kind === 'setup' ? ta('setup.submit') : ta('code.save')}
        </button>
      </form>
      {owner.kind === 'person' && typeof window.PublicKeyCredential === 'function' && (
        <button type="button" class="wide" disabled={busy || !login} onClick={withPasskey}>
          {ta('code.withPasskey')}
        </button>
      )}
      <p id="error" class="error" role="alert">
        {error === 'code.mismatch' ? ta('code.mismatch') : error ? ta(error) : ''}
      </p>
    </>
  );
}
