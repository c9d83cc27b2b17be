// /j/<code>: a guest (a parent) types the meeting code (pre-filled from the
// link), a name and the password from the invitation, and gets a guest token.
import { render } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { deviceKey } from '../deviceKey.js';
import { type Key, lang, t } from '../i18n/index.js';
import { FormPage } from '../kit/FormPage.js';
import { askToJoin } from '../kit/askToJoin.js';

const CODE_DIGITS = 7;

function JoinByCode() {
  const [code, setCode] = useState(decodeURIComponent(location.pathname.split('/')[2] ?? ''));
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Key | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);

  const submit = async (ev: Event) => {
    ev.preventDefault();
    setError(null);
    if (code.replace(/\D/g, '').length !== CODE_DIGITS) return setError('code.badCode');
    if (!name.trim()) return setError('code.noName');
    setBusy(true);
    try {
      setError(
        await askToJoin(
          `/api/join/${encodeURIComponent(code.trim())}`,
          { displayName: name.trim(), password, deviceKey: deviceKey() },
          {
            401: 'code.wrong',
            429: 'code.tooMany',
            400: 'code.roleName',
            409: 'code.nameTaken',
            403: 'code.banned',
          },
        ),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormPage title={t('code.title')}>
      <form id="join-form" onSubmit={submit} noValidate>
        <label>
          {t('code.code')}
          <input
            id="code"
            name="code"
            required
            inputMode="numeric"
            autoComplete="off"
            placeholder="148-118-3"
            aria-describedby="code-hint"
            value={code}
            onInput={(e) => setCode((e.target as HTMLInputElement).value)}
          />
          <span class="hint" id="code-hint">
            {t('code.codeHint')}
          </span>
        </label>
        <label>
          {t('code.name')}
          <input
            ref={nameRef}
            id="name"
            name="name"
            required
            maxLength={128}
            autoComplete="name"
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          {t('code.password')}
          <input
            id="password"
            name="password"
            required
            maxLength={32}
            autoComplete="off"
            autoCapitalize="off"
            spellcheck={false}
            aria-describedby="password-hint"
            class="password"
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
          <span class="hint" id="password-hint">
            {t('code.passwordHint')}
          </span>
        </label>
        <button type="submit" class="primary wide" disabled={busy}>
          {t('code.submit')}
        </button>
      </form>
      <p id="error" class="error" role="alert">
        {error ? t(error) : ''}
      </p>
    </FormPage>
  );
}

document.documentElement.lang = lang.value;
const root = document.getElementById('app');
if (root) render(<JoinByCode />, root);
document.getElementById(root && location.pathname.split('/')[2] ? 'name' : 'code')?.focus();
