// Small marks on the control bar's camera and microphone buttons, so the
// effects' state shows even on a phone, where the buttons have no text.
import { t } from '../../i18n/index.js';
import { AudioLines, Sparkles } from '../../kit/icons.js';
import { localEffects } from '../localEffects.js';
import { PICTURES } from '../pictures.js';
import type { BackgroundChoice } from '../preferences.js';

export function backgroundName(choice: BackgroundChoice): string {
  if (choice === 'off') return t('fx.off');
  if (choice === 'blur-light') return t('fx.blurLight');
  if (choice === 'blur-strong') return t('fx.blurStrong');
  if (choice === 'own') return t('fx.own');
  const picture = PICTURES.find((p) => `picture:${p.id}` === choice);
  return picture ? t(picture.label) : '';
}

/** What the mark says, for the button's accessible name ('' when the effect is off). */
export function effectLabel(source: 'camera' | 'microphone'): string {
  if (source === 'camera') {
    const choice = localEffects.background.value;
    return choice === 'off' ? '' : t('fx.backgroundIs', { name: backgroundName(choice) });
  }
  return localEffects.audioState.value === 'on' ? t('fx.noiseOn') : '';
}

export function EffectMark({ source }: { source: 'camera' | 'microphone' }) {
  if (source === 'camera') {
    if (localEffects.background.value === 'off') return null;
    return <Sparkles aria-hidden="true" class="fx-mark" data-effect-mark="background" />;
  }
  if (localEffects.audioState.value !== 'on') return null;
  return <AudioLines aria-hidden="true" class="fx-mark" data-effect-mark="noise" />;
}
