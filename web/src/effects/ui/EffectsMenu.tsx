// The effects in the call's "more" menu: the background tiles and the noise
// switch, each one tap away once the menu is open.
import { t } from '../../i18n/index.js';
import { AudioLines, AudioLinesOff } from '../../kit/icons.js';
import { localEffects } from '../localEffects.js';
import { BackgroundTiles } from './BackgroundTiles.js';

export function EffectsMenu({
  close,
  camera,
  microphone,
}: { close: () => void; camera: boolean; microphone: boolean }) {
  const noise = localEffects.noise.value;
  return (
    <div class="fx-menu">
      {camera ? (
        <>
          <p class="menu-heading" aria-hidden="true">
            {t('fx.background')}
          </p>
          <BackgroundTiles inMenu onChosen={close} />
        </>
      ) : null}
      {microphone ? (
        <button
          type="button"
          role="menuitemcheckbox"
          aria-checked={noise}
          id="noise-toggle"
          class="menu-item"
          onClick={() => {
            close();
            localEffects.setNoise(!noise);
          }}
        >
          {noise ? <AudioLines aria-hidden="true" /> : <AudioLinesOff aria-hidden="true" />}{' '}
          {noise ? t('fx.noiseOn') : t('fx.noiseOff')}
        </button>
      ) : null}
    </div>
  );
}
