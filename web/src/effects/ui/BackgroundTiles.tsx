// The background chooser: no effect, two blurs, the shipped pictures, the
// person's own picture and a tile to upload one. The same tiles sit in the
// device check (a radio group) and in the call's "more" menu (menu radio
// items, so a phone reaches any background in two taps).
import type { JSX } from 'preact';
import { t } from '../../i18n/index.js';
import { Ban, ImagePlus, Sparkles } from '../../kit/icons.js';
import { localEffects } from '../localEffects.js';
import { pickImage } from '../pickImage.js';
import { PICTURES, thumbUrl } from '../pictures.js';
import type { BackgroundChoice } from '../preferences.js';

interface Tile {
  choice: BackgroundChoice | 'upload';
  label: string;
  face: JSX.Element;
}

function tiles(): Tile[] {
  const list: Tile[] = [
    { choice: 'off', label: t('fx.off'), face: <Ban aria-hidden="true" /> },
    { choice: 'blur-light', label: t('fx.blurLight'), face: <Sparkles aria-hidden="true" /> },
    {
      choice: 'blur-strong',
      label: t('fx.blurStrong'),
      face: <Sparkles aria-hidden="true" class="fx-strong" />,
    },
    ...PICTURES.map(
      (p): Tile => ({
        choice: `picture:${p.id}`,
        label: t(p.label),
        face: <img src={thumbUrl(p.id)} alt="" />,
      }),
    ),
  ];
  const own = localEffects.ownPicture.value;
  if (own) list.push({ choice: 'own', label: t('fx.own'), face: <img src={own} alt="" /> });
  list.push({ choice: 'upload', label: t('fx.upload'), face: <ImagePlus aria-hidden="true" /> });
  return list;
}

/** Short text under the icon tiles (the full name is the tile's label); pictures show only their image. */
function caption(tile: Tile): string | null {
  if (tile.choice === 'off') return t('fx.offShort');
  if (tile.choice === 'blur-light') return t('fx.blurLight');
  if (tile.choice === 'blur-strong') return t('fx.blurStrongShort');
  if (tile.choice === 'upload') return t('fx.uploadShort');
  return null;
}

export async function chooseBackground(choice: BackgroundChoice | 'upload'): Promise<void> {
  if (choice !== 'upload') return localEffects.setBackground(choice);
  const file = await pickImage();
  if (file) await localEffects.setOwnPicture(file);
}

export function BackgroundTiles({ inMenu, onChosen }: { inMenu?: boolean; onChosen?: () => void }) {
  const current = localEffects.background.value;
  const disabled = !localEffects.videoSupported;
  return (
    <div
      class="fx-tiles"
      id={inMenu ? 'fx-menu-tiles' : 'fx-tiles'}
      role={inMenu ? 'group' : 'radiogroup'}
      aria-label={t('fx.background')}
    >
      {tiles().map((tile) => {
        const chosen = tile.choice === current;
        const text = caption(tile);
        return (
          <button
            key={tile.choice}
            type="button"
            role={
              tile.choice === 'upload'
                ? inMenu
                  ? 'menuitem'
                  : undefined
                : inMenu
                  ? 'menuitemradio'
                  : 'radio'
            }
            aria-checked={tile.choice === 'upload' ? undefined : chosen}
            aria-label={tile.label}
            title={tile.label}
            class={`fx-tile ${chosen ? 'chosen' : ''} ${text ? 'fx-text' : ''}`}
            data-background={tile.choice}
            disabled={disabled && tile.choice !== 'off'}
            onClick={() => {
              onChosen?.();
              void chooseBackground(tile.choice);
            }}
          >
            {tile.face}
            {text ? <span>{text}</span> : null}
          </button>
        );
      })}
    </div>
  );
}
