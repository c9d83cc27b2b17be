// Russian by default; English for whoever prefers it, remembered in this browser.
import { lang, setLang, t } from '../i18n/index.js';
import { Languages } from './icons.js';

export function LanguageSwitch({ asMenuItem }: { asMenuItem?: boolean }) {
  const next = lang.value === 'ru' ? 'en' : 'ru';
  return (
    <button
      type="button"
      class={asMenuItem ? 'menu-item' : 'lang-switch ghost'}
      role={asMenuItem ? 'menuitem' : undefined}
      lang={next}
      aria-label={`${t('lang.switch')}: ${t('lang.switchTo')}`}
      data-lang-switch=""
      onClick={() => setLang(next)}
    >
      <Languages aria-hidden="true" />
      <span>{t('lang.switchTo')}</span>
    </button>
  );
}
