// For teachers: raised hands in the order they went up, numbered, with
// "give the floor" (lets a blocked pupil speak and lowers the hand) and "lower".
import { t } from '../i18n/index.js';
import { Hand, Mic, X } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { useStore } from '../state/storeContext.js';
import { useRosterPage } from './roster.js';

export function HandsQueue() {
  const store = useStore();
  const page = useRosterPage({ raisedHandsOnly: true, limit: 50 });
  const hands = page?.participants ?? [];
  if (hands.length === 0) return null;
  return (
    <section class="panel-section attention-section" id="hands-section" aria-labelledby="hands-heading">
      <h3 id="hands-heading">
        <Hand aria-hidden="true" /> {t('hands.title')} ({page?.total ?? hands.length})
      </h3>
      <ol id="hands-list" class="people hands">
        {hands.map((p, i) => {
          const id = p.participantId ?? '';
          return (
            <li key={id} data-participant={id}>
              <span class="position">{t('hands.position', { n: i + 1 })}</span>
              <div class="who">
                <span {...userText('person-name')}>{p.displayName}</span>
              </div>
              <button
                type="button"
                class="small primary"
                data-give-floor={id}
                onClick={() => void store.moderation.giveFloor(p)}
              >
                <Mic aria-hidden="true" /> {t('hands.allow')}
              </button>
              <button
                type="button"
                class="small icon-only"
                data-lower={id}
                aria-label={`${t('hands.lower')}: ${p.displayName}`}
                title={t('hands.lower')}
                onClick={() => void store.moderation.lowerHands([id])}
              >
                <X aria-hidden="true" />
              </button>
            </li>
          );
        })}
      </ol>
      {hands.length > 1 ? (
        <button
          type="button"
          id="lower-all"
          class="small"
          onClick={() => void store.moderation.lowerHands([], true)}
        >
          {t('hands.lowerAll')}
        </button>
      ) : null}
    </section>
  );
}
