// /: where lessons come from, and the two ways in without a link.
import { render } from 'preact';
import { lang, t } from '../i18n/index.js';
import { FormPage } from '../kit/FormPage.js';

function Home() {
  return (
    <FormPage title={t('home.title')}>
      <p>{t('home.text')}</p>
      <p>
        <a class="button wide" href="/j">
          {t('home.code')}
        </a>
      </p>
      <p>
        <a class="button wide ghost" href="/demo">
          {t('home.demo')}
        </a>
      </p>
    </FormPage>
  );
}

document.documentElement.lang = lang.value;
const root = document.getElementById('app');
if (root) render(<Home />, root);
