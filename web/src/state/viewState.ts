// How this person arranges their own screen: which panel is open, which tile
// is pinned, gallery or speaker. Nothing here goes to the server.
import { signal } from '@preact/signals';

export type Layout = 'auto' | 'gallery' | 'speaker';

export const openPanel = signal<string | null>(null);
export const pinned = signal<string | null>(null);
export const layout = signal<Layout>('auto');

export function togglePanel(id: string): void {
  openPanel.value = openPanel.value === id ? null : id;
}
