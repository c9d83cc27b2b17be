// The background pictures shipped with the client. scripts/background-pictures.mjs
// draws them at build time (no photographs, nothing downloaded) into
// /static/effects/backgrounds/<id>.jpg and <id>-thumb.jpg; a unit test
// checks that both lists name the same pictures.
import type { Key } from '../i18n/index.js';

export type PictureId = 'library' | 'classroom' | 'window' | 'calm';

export interface Picture {
  id: PictureId;
  /** Its name, for the tile's label. */
  label: Key;
}

export const PICTURES: readonly Picture[] = [
  { id: 'library', label: 'fx.picture.library' },
  { id: 'classroom', label: 'fx.picture.classroom' },
  { id: 'window', label: 'fx.picture.window' },
  { id: 'calm', label: 'fx.picture.calm' },
];

export function pictureUrl(id: PictureId): string {
  return `/static/effects/backgrounds/${id}.jpg`;
}

export function thumbUrl(id: PictureId): string {
  return `/static/effects/backgrounds/${id}-thumb.jpg`;
}
