// The device check's part for effects: the background tiles and the noise
// switch, with a line that says what went wrong, if anything did.
import { t } from '../../i18n/index.js';
import { localEffects } from '../localEffects.js';
import { BackgroundTiles } from './BackgroundTiles.js';
import { problemText } from './effectMessages.js';

export function EffectsCheck({ hasVideo, hasAudio }: { hasVideo: boolean; hasAudio: boolean }) {
  const problem = localEffects.problem.value;
  const starting = localEffects.videoState.value === 'starting';
  return (
    <fieldset class="fx-check" id="effects-check">
      <legend>{t('fx.background')}</legend>
      {hasVideo ? <BackgroundTiles /> : null}
      <p class="hint" id="fx-status" aria-live="polite">
        {starting ? t('fx.starting') : localEffects.background.value === 'own' ? t('fx.ownHint') : ''}
      </p>
      <label class="check">
        <input
          type="checkbox"
          id="noise-on"
          checked={localEffects.noise.value}
          disabled={!hasAudio}
          aria-describedby="noise-hint"
          onChange={(e) => localEffects.setNoise((e.target as HTMLInputElement).checked)}
        />
        {t('fx.noise')}
      </label>
      <p class="hint" id="noise-hint">
        {t('fx.noiseHint')}
      </p>
      {problem ? (
        <p class="error" role="alert" id="fx-problem">
          {t(problemText(problem.kind, false))}
        </p>
      ) : null}
    </fieldset>
  );
}
