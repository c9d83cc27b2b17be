// The call page from start to end: device check, joining, waiting room, the
// call, and the end screen.
import { t } from '../i18n/index.js';
import { pb } from '../protocol/wire.js';
import { RecapLink } from '../recap/RecapLink.js';
import type { CallStore } from '../state/callStore.js';
import { StoreContext } from '../state/storeContext.js';
import { CallScreen } from './CallScreen.js';
import { DeviceCheck } from './DeviceCheck.js';
import { EndScreen } from './EndScreen.js';
import { LessonChatAfter } from './LessonChatAfter.js';
import { WaitingScreen } from './WaitingScreen.js';

function Phase({ store }: { store: CallStore }) {
  switch (store.phase.value) {
    case 'check':
      return (
        <DeviceCheck title={store.roster.roomTitle.value} onJoin={(choice) => void store.start(choice)} />
      );
    case 'joining':
      return (
        <main class="page" aria-busy="true">
          <output class="connecting">{t('join.connecting')}</output>
        </main>
      );
    case 'waiting':
      return <WaitingScreen />;
    case 'call':
    case 'reconnecting':
      return <CallScreen />;
    case 'ended':
      return (
        <EndScreen
          kind={store.endKind.value ?? 'error'}
          detail={store.endDetail.value}
          roomTitle={store.roster.roomTitle.value}
          boardsUrl={store.boardsUrl()}
          guest={store.roster.self.value?.role === pb.Role.ROLE_GUEST}
          onAction={() => store.rejoin()}
        >
          {store.roster.isModerator ? <RecapLink roomId={store.roomId} /> : null}
          <LessonChatAfter store={store} />
        </EndScreen>
      );
  }
}

export function App({ store }: { store: CallStore }) {
  return (
    <StoreContext.Provider value={store}>
      <Phase store={store} />
    </StoreContext.Provider>
  );
}
