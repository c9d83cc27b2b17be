// Translation: t('key', { name }) in the current language, Russian unless the
// person chose English (remembered in this browser). Components that call t()
// while rendering re-render when the language changes, because they read the
// `lang` signal.
import { signal } from '@preact/signals';
import { en } from './en.js';
import { ru } from './ru.js';
import type { Key, PluralForms, Table } from './table.js';

export type { Key } from './table.js';

export type Lang = 'ru' | 'en';

const TABLES: Record<Lang, Table> = { ru, en };
const STORAGE_KEY = 'school-call-lang';

function storedLang(): Lang {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'ru';
  } catch {
    return 'ru';
  }
}

export const lang = signal<Lang>(storedLang());

export function setLang(next: Lang): void {
  lang.value = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

const pluralRules = new Map<Lang, Intl.PluralRules>();

/** The plural form for `count` in `language` (Intl.PluralRules: one, few, many, other). */
export function pluralForm(language: Lang, count: number): keyof PluralForms {
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(language);
    pluralRules.set(language, rules);
  }
  const form = rules.select(count);
  // English has no "few"/"many": its "other" is in every form of our tables.
  return form === 'one' || form === 'few' || form === 'many' ? form : 'other';
}

export type Params = Record<string, string | number>;

/** The text for `key` in `language` with {placeholders} filled; plural keys need `count`. */
export function translate(language: Lang, key: Key, params: Params = {}): string {
  return fill(language, TABLES[language][key] as string | PluralForms, params);
}

function fill(language: Lang, entry: string | PluralForms, params: Params): string {
  const text = typeof entry === 'string' ? entry : entry[pluralForm(language, Number(params.count ?? 0))];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

/**
 * A t() for a part's own table (Russian first, English the same keys), so a
 * part with many screens keeps its words beside them; same language switch,
 * same plural rules.
 */
export function translator<T extends Record<string, string | PluralForms>>(tables: {
  ru: T;
  en: { [K in keyof T]: T[K] extends string ? string : PluralForms };
}): (key: keyof T & string, params?: Params) => string {
  return (key, params = {}) => fill(lang.value, tables[lang.value][key] as string | PluralForms, params);
}

export function t(key: Key, params?: Params): string {
  return translate(lang.value, key, params);
}

/** m:ss, or h:mm:ss past an hour. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
