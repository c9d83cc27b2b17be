// What a side panel declares about itself (see registry.ts).
import type { LucideIcon } from 'lucide-preact';
import type { FunctionComponent } from 'preact';
import type { Key } from '../i18n/index.js';
import type { CallStore } from '../state/callStore.js';

export interface PanelDef {
  id: string;
  /** The panel's heading. */
  title: Key;
  /** The word under its button in the control bar. */
  short: Key;
  icon: LucideIcon;
  component: FunctionComponent;
  /** Its button sits in the control bar, or in the "more" menu. */
  place: 'bar' | 'more';
  available(store: CallStore): boolean;
  /** A number on its button (people waiting, hands up). */
  badge?(store: CallStore): number;
}
