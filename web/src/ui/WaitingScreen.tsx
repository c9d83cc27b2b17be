// In the waiting room: the person sees themselves, knows what happens next,
// and can stop waiting.
import { t } from '../i18n/index.js';
import { Initials } from '../kit/Initials.js';
import { LanguageSwitch } from '../kit/LanguageSwitch.js';
import { Hourglass } from '../kit/icons.js';
import { LocalVideo } from '../stage/LocalVideo.js';
import { useStore } from '../state/storeContext.js';

export function WaitingScreen() {
  const store = useStore();
  const stream = store.local.localStream.value;
  const name = store.roster.self.value?.displayName ?? '';
  return (
    <main class="page waiting" id="waiting" aria-labelledby="waiting-title">
      <div class="page-top">
        <p class="room-name">{store.roster.roomTitle.value}</p>
        <LanguageSwitch />
      </div>
      <div class="preview">
        {stream?.getVideoTracks().length ? (
          <LocalVideo stream={stream} mirror />
        ) : (
          <Initials name={name} size="large" />
        )}
      </div>
      <h1 id="waiting-title">
        <Hourglass aria-hidden="true" class="pulse" /> {t('waiting.title')}
      </h1>
      <p>{t('waiting.text')}</p>
      <button type="button" id="waiting-cancel" class="wide" onClick={() => void store.cancelWaiting()}>
        {t('waiting.cancel')}
      </button>
    </main>
  );
}
