// A button that opens a menu: placed where it fits on screen, reachable by
// keyboard (arrows, Escape returns focus), closed by a click elsewhere.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

interface MenuProps {
  label: string;
  /** Shown in the button; the label is its accessible name. */
  button: ComponentChildren;
  class?: string;
  id?: string;
  /** Extra attributes for the button (tests and styling hooks). */
  data?: Record<string, string>;
  children: (close: () => void) => ComponentChildren;
}

/** Items a person can reach now: enabled and not hidden by the layout (phone-only items on a laptop). */
function visibleItems(list: HTMLElement | null): HTMLElement[] {
  return [...(list?.querySelectorAll<HTMLElement>('[role=menuitem]:not([disabled]), select') ?? [])].filter(
    (el) => el.offsetParent !== null,
  );
}

export function Menu({ label, button, class: className, id, data, children }: MenuProps) {
  const [open, setOpen] = useState(false);
  const [style, setStyle] = useState<JSX.CSSProperties>({});
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  useLayoutEffect(() => {
    if (!open || !buttonRef.current) return;
    const rect = buttonRef.current.getBoundingClientRect();
    const below = window.innerHeight - rect.bottom;
    const placeAbove = rect.top > below;
    const right = Math.max(8, window.innerWidth - rect.right);
    setStyle({
      right: `${right}px`,
      maxWidth: `${window.innerWidth - right - 8}px`,
      ...(placeAbove
        ? { bottom: `${window.innerHeight - rect.top + 6}px`, maxHeight: `${rect.top - 14}px` }
        : { top: `${rect.bottom + 6}px`, maxHeight: `${below - 14}px` }),
    });
  }, [open]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the menu opens; close() only sets state.
  useEffect(() => {
    if (!open) return;
    visibleItems(listRef.current)[0]?.focus();
    const outside = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!listRef.current?.contains(target) && !buttonRef.current?.contains(target)) close(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const onKeyDown = (e: KeyboardEvent) => {
    const items = visibleItems(listRef.current);
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if ((document.activeElement as HTMLElement)?.tagName === 'SELECT') return;
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else if (e.key === 'Tab') {
      close(false);
    }
  };

  return (
    <div class="menu-anchor">
      <button
        ref={buttonRef}
        id={id}
        type="button"
        class={className}
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        {...data}
      >
        {button}
      </button>
      {open ? (
        <div ref={listRef} class="menu" role="menu" aria-label={label} style={style} onKeyDown={onKeyDown}>
          {children(() => close())}
        </div>
      ) : null}
    </div>
  );
}

export function MenuItem({
  onSelect,
  close,
  children,
  danger,
  data,
  disabled,
}: {
  onSelect: () => void;
  close: () => void;
  children: ComponentChildren;
  danger?: boolean;
  data?: Record<string, string>;
  disabled?: boolean;
}) {
  return (
    <button
      type="button"
      role="menuitem"
      class={`menu-item ${danger ? 'danger' : ''}`}
      disabled={disabled}
      onClick={() => {
        close();
        onSelect();
      }}
      {...data}
    >
      {children}
    </button>
  );
}
