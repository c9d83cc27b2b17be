// Short messages at the bottom of the call screen: what happened, in the
// person's language, with at most one action; they go away by themselves.
import { signal } from '@preact/signals';
import type { Key } from '../i18n/index.js';

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'warn' | 'error';
  action?: { label: Key; run: () => void };
}

const DEFAULT_MS = 6000;
const MAX_SHOWN = 3;

export class Toasts {
  readonly list = signal<Toast[]>([]);
  private nextId = 1;

  show(toast: Omit<Toast, 'id'> & { ms?: number | undefined }): void {
    const { ms, ...rest } = toast;
    const shown: Toast = { ...rest, id: this.nextId++ };
    // The same sentence twice in a row is shown once.
    const others = this.list.value.filter((x) => x.text !== shown.text);
    this.list.value = [...others.slice(-(MAX_SHOWN - 1)), shown];
    setTimeout(() => this.dismiss(shown.id), ms ?? DEFAULT_MS);
  }

  dismiss(id: number): void {
    this.list.value = this.list.value.filter((x) => x.id !== id);
  }
}
