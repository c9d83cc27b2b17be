// What every store of the call page is given: the call (its requests and
// events), and the way to tell the person something. A feature's store
// takes this (and the other stores it reads), subscribes to its events with
// `call.on` and reaches the server with `call.request`; the page's
// components only ever talk to stores.
import type { CallLink } from '../call/callClient.js';
import type { Key, Params } from '../i18n/index.js';
import type { Toasts } from './toasts.js';

export interface CallContext {
  readonly call: CallLink;
  readonly toasts: Toasts;
  /** Runs `fn` once this person is in the call (admitted, media set up): a feature's first load. */
  inCall(fn: () => void): void;
  /** Runs a request; a refusal or failure becomes a translated toast. False when it failed. */
  run(action: () => Promise<unknown>): Promise<boolean>;
  /** Says why something failed (a refusal's translated reason). */
  fail(err: unknown): void;
  /** A translated toast (a newer one with the same tag replaces it). */
  toast(key: Key, params?: Params, kind?: 'info' | 'warn', ms?: number, tag?: string): void;
}
