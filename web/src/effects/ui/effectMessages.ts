// The sentence for each thing that can go wrong with an effect, before
// joining (nothing is sent yet) and in the call (where the camera is
// stopped before the room could be shown).
import type { Key } from '../../i18n/index.js';
import type { EffectProblem } from '../localEffects.js';

export function problemText(problem: EffectProblem, inCall: boolean): Key {
  switch (problem) {
    case 'tooSlow':
      return inCall ? 'fx.tooSlow' : 'fx.tooSlowCheck';
    case 'videoFailed':
      return inCall ? 'fx.videoFailed' : 'fx.videoFailedCheck';
    case 'unsupported':
      return 'fx.unsupported';
    case 'audioFailed':
      return 'fx.audioFailed';
    case 'badPicture':
      return 'fx.badPicture';
  }
}
