// The call: header and control bar fixed on screen, the toasts' own row under
// the header, the stage below it, and the open panel beside the stage (over it
// on a phone).
import { t } from '../i18n/index.js';
import { ConfirmHost } from '../kit/Confirm.js';
import { AudioSink } from '../stage/AudioSink.js';
import { Stage } from '../stage/Stage.js';
import { useStore } from '../state/storeContext.js';
import { openPanel } from '../state/viewState.js';
import { ControlBar } from './ControlBar.js';
import { Header } from './Header.js';
import { Notices, Reactions, Toasts } from './Overlays.js';
import { PanelHost } from './PanelHost.js';

export function CallScreen() {
  const store = useStore();
  store.waitingRoom.onOpenPeople = () => {
    openPanel.value = 'people';
  };
  store.chat.looking = () => openPanel.value === 'chat' && document.visibilityState === 'visible';
  return (
    <div class={`call ${openPanel.value ? 'panel-open' : ''}`} id="call">
      <Header />
      <Toasts />
      <div class="call-body">
        <main class="stage-area">
          <Stage />
          <Notices />
          <Reactions />
        </main>
        <PanelHost />
      </div>
      <ControlBar />
      <AudioSink />
      <ConfirmHost />
      {store.phase.value === 'reconnecting' ? (
        <div class="reconnecting" role="alert">
          {t(store.serverRestarting.value ? 'status.serverRestarting' : 'status.reconnecting')}
        </div>
      ) : null}
    </div>
  );
}
