// A modal window over the page (the browser's top layer: nothing around it
// clips it, on a phone it takes the screen's width): a title, a close
// button, and what it holds. Escape or the close button close it; focus
// stays inside while it is open and returns where it was afterwards.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { X } from './icons.js';

export function Dialog({
  title,
  onClose,
  children,
  id,
  wide = false,
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  id?: string;
  /** Room for a form or a long list (a poll editor, the pins). */
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    const before = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      before?.focus?.();
    };
  }, []);
  const titleId = `${id ?? 'dialog'}-title`;
  return (
    <dialog
      ref={ref}
      id={id}
      class={`sheet-dialog${wide ? ' wide' : ''}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header class="sheet-dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="ghost icon-only" aria-label={t('common.close')} onClick={onClose}>
          <X aria-hidden="true" />
        </button>
      </header>
      <div class="sheet-dialog-body">{children}</div>
    </dialog>
  );
}
