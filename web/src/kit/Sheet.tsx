import type { ComponentChildren } from 'preact';
// The one frame of a sheet that covers the messenger's chat pane (about a
// chat, a new chat, important messages, lessons, homework, awards): a back
// arrow, the sheet's heading, and what the part places below.
import { ArrowLeft } from './icons.js';

export function Sheet({
  id,
  title,
  backLabel,
  onBack,
  children,
}: {
  /** The section's id; the heading's is `${id}-title`. */
  id: string;
  title: ComponentChildren;
  backLabel: string;
  onBack: () => void;
  children: ComponentChildren;
}) {
  return (
    <section class="chat-view sheet" id={id} aria-labelledby={`${id}-title`}>
      <header class="chat-head">
        <button type="button" class="ghost icon-only back-always" aria-label={backLabel} onClick={onBack}>
          <ArrowLeft aria-hidden="true" />
        </button>
        <h2 id={`${id}-title`}>{title}</h2>
      </header>
      {children}
    </section>
  );
}
