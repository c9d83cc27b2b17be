// Short messages at the bottom of the call screen: what happened, in the
// person's language (translated when shown, so a language switch applies),
// with at most one action; they go away by themselves. A newer toast with
// the same tag replaces the older one ("allowed to speak" replaces "muted").
import { signal } from '@preact/signals';
import type { Key } from '../i18n/index.js';

export interface Toast {
  id: number;
  text: () => string;
  kind: 'info' | 'warn' | 'error';
  tag?: string;
  action?: { label: Key; run: () => void };
}

export type ToastInput = Omit<Toast, 'id'> & { ms?: number | undefined };

const DEFAULT_MS = 6000;
const MAX_SHOWN = 3;

export class Toasts {
  readonly list = signal<Toast[]>([]);
  private nextId = 1;

  show(toast: ToastInput): void {
    const { ms, ...rest } = toast;
    const shown: Toast = { ...rest, id: this.nextId++ };
    const text = shown.text();
    const others = this.list.value.filter((x) => x.text() !== text && (!shown.tag || x.tag !== shown.tag));
    this.list.value = [...others.slice(-(MAX_SHOWN - 1)), shown];
    setTimeout(() => this.dismiss(shown.id), ms ?? DEFAULT_MS);
  }

  dismiss(id: number): void {
    this.list.value = this.list.value.filter((x) => x.id !== id);
  }

  /** Removes toasts whose tag is no longer true (someone stopped waiting). */
  dismissWhere(stale: (tag: string) => boolean): void {
    const next = this.list.value.filter((x) => !x.tag || !stale(x.tag));
    if (next.length !== this.list.value.length) this.list.value = next;
  }
}
