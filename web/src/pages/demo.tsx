// /demo: type a name, get a participant token for the demo room (its owner hosts it from their link).
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { deviceKey } from '../deviceKey.js';
import { type Key, lang, t } from '../i18n/index.js';
import { FormPage } from '../kit/FormPage.js';
import { askToJoin } from '../kit/askToJoin.js';

function Demo() {
  const [name, setName] = useState('');
  const [error, setError] = useState<Key | null>(null);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setError(null);
    if (!name.trim()) return setError('code.noName');
    setError(
      await askToJoin(
        '/api/demo/token',
        { displayName: name.trim(), deviceKey: deviceKey() },
        { 404: 'demo.none', 429: 'error.12', 400: 'code.roleName', 403: 'code.banned' },
      ),
    );
  };
  return (
    <FormPage title={t('demo.title')}>
      <p>{t('demo.text')}</p>
      <form id="demo-form" onSubmit={submit} noValidate>
        <label>
          {t('code.name')}
          <input
            id="name"
            name="name"
            required
            maxLength={128}
            autoComplete="name"
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary wide">
          {t('common.join')}
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
if (root) render(<Demo />, root);
document.getElementById('name')?.focus();
