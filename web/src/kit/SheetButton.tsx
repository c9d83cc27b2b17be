// The one button that opens a part's sheet from a header: an icon alone in
// a chat's header, an icon with its name (on wide screens) in the
// messenger's. Homework, awards and the next school tools use it.
import type { LucideIcon } from 'lucide-preact';

/** A part's action in a chat's header (homework, awards, a lesson): a button on wide screens, a «⋯» item on phones. */
export interface SheetAction {
  id: string;
  label: string;
  icon: LucideIcon;
  open: () => void;
}

export function SheetButton({
  id,
  label,
  icon: Icon,
  place,
  onOpen,
}: {
  id: string;
  label: string;
  icon: LucideIcon;
  /** 'chat': the open chat's header; 'messenger': the messenger's own header. */
  place: 'chat' | 'messenger';
  onOpen: () => void;
}) {
  return (
    <button
      type="button"
      class={place === 'chat' ? 'ghost icon-only hw-button' : 'ghost my-homework-button'}
      id={id}
      aria-label={label}
      title={label}
      onClick={onOpen}
    >
      <Icon aria-hidden="true" />
      {place === 'messenger' && <span class="wide-only">{label}</span>}
    </button>
  );
}
