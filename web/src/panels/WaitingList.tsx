// For teachers: who waits to be let in, with admit, deny and admit all.
import { t } from '../i18n/index.js';
import { Check, DoorOpen, X } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { pb } from '../protocol/wire.js';
import { useStore } from '../state/storeContext.js';

export function WaitingList() {
  const store = useStore();
  const waiting = store.waitingRoom.waiting.value;
  if (waiting.length === 0) return null;
  return (
    <section class="panel-section attention-section" id="waiting-section" aria-labelledby="waiting-heading">
      <h3 id="waiting-heading">
        <DoorOpen aria-hidden="true" /> {t('waitingRoom.title')}{' '}
        <span id="waiting-count">({waiting.length})</span>
      </h3>
      <ul id="waiting-list" class="people">
        {waiting.map((p) => {
          const id = p.participantId ?? '';
          return (
            <li key={id} data-participant={id}>
              <div class="who">
                <span {...userText('person-name')}>{p.displayName}</span>
                {p.role === pb.Role.ROLE_GUEST ? <span class="tags">{t('people.roleGuest')}</span> : null}
              </div>
              <button
                type="button"
                class="small primary"
                data-admit={id}
                onClick={() => void store.waitingRoom.admit([id])}
              >
                <Check aria-hidden="true" /> {t('waitingRoom.admit')}
              </button>
              <button
                type="button"
                class="small icon-only"
                data-deny={id}
                aria-label={`${t('waitingRoom.deny')}: ${p.displayName}`}
                title={t('waitingRoom.deny')}
                onClick={() => void store.waitingRoom.deny([id])}
              >
                <X aria-hidden="true" />
              </button>
            </li>
          );
        })}
      </ul>
      {waiting.length > 1 ? (
        <button
          type="button"
          id="admit-all"
          class="small"
          onClick={() => void store.waitingRoom.admit([], true)}
        >
          {t('waitingRoom.admitAll')}
        </button>
      ) : null}
    </section>
  );
}
