// The shape every translation table has: Russian's keys, each a string or,
// where Russian needs plural forms, the same set of forms.
import type { ru } from './ru.js';

export interface PluralForms {
  one: string;
  few: string;
  many: string;
  other: string;
}

export type Key = keyof typeof ru;

export type Table = { [K in Key]: (typeof ru)[K] extends string ? string : PluralForms };

/** Keys whose entry has plural forms; t() needs a count for them. */
export type PluralKey = { [K in Key]: (typeof ru)[K] extends string ? never : K }[Key];
