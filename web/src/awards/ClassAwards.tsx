// «Награды класса» from a group chat's header (teachers, the school's admin):
// the boards of the chat's pupils the server lets this person see (the one
// rule in awards/service.ts), counted per pupil and per kind, with
// «Отозвать награду» on those one gave; «Наградить» opens the form, and a
// teacher the school has not confirmed is told so instead.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Sheet } from '../kit/Sheet.js';
import { Star } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import type { MessengerStore, cpb } from '../messenger/messengerStore.js';
import { Boards } from './AwardBoard.js';
import { GiveAward } from './GiveAward.js';

/** How many of each kind the class has, most given first. */
function Summary({ boards }: { boards: cpb.IAwardBoard[] }) {
  const byKind = new Map<string, { kind: cpb.IAwardKind; count: number }>();
  for (const a of boards.flatMap((b) => b.awards ?? [])) {
    const id = a.kind?.kindId ?? '';
    const seen = byKind.get(id);
    if (seen) seen.count += 1;
    else byKind.set(id, { kind: a.kind ?? {}, count: 1 });
  }
  const total = [...byKind.values()].reduce((n, k) => n + k.count, 0);
  const kinds = [...byKind.values()].sort((a, b) => b.count - a.count);
  return (
    <div class="aw-summary">
      <p>
        <strong id="aw-class-total">{t('aw.inClass', { count: total })}</strong>
      </p>
      {kinds.length > 0 && (
        <ul class="aw-chips">
          {kinds.map(({ kind, count }) => (
            <li key={kind.kindId}>
              <img src={`/static/awards/${kind.badge ?? 'star'}.svg`} alt="" width={24} height={24} />
              <span {...userText()}>{kind.name}</span> <b>{count}</b>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ClassAwards({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const [screen, setScreen] = useState<'list' | 'give'>('list');
  const [kinds, setKinds] = useState<cpb.IAwardKindList | null>(null);
  const [boards, setBoards] = useState<cpb.IAwardBoard[] | null>(null);
  const [given, setGiven] = useState('');
  const load = () =>
    void store
      .run(() => store.chat.request({ getClassAwards: { chatId: chat.chatId } }))
      .then((r) => setBoards(r?.awardBoards?.boards ?? []));
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once per chat; giving reloads it.
  useEffect(() => {
    void store
      .run(() => store.chat.request({ listAwardKinds: {} }))
      .then((r) => setKinds(r?.awardKinds ?? null));
    load();
  }, [store, chat.chatId]);
  const back = () => {
    if (screen === 'give') setScreen('list');
    else store.sheet.value = null;
  };
  return (
    <Sheet
      id="class-awards"
      title={screen === 'give' ? t('aw.give') : t('aw.class')}
      backLabel={t('hw.back')}
      onBack={back}
    >
      {screen === 'give' ? (
        <GiveAward
          store={store}
          chat={chat}
          kinds={kinds?.kinds ?? []}
          done={(b) => {
            setGiven(t('aw.given', { names: b.map((x) => x.pupilName).join(', ') }));
            setScreen('list');
            load();
          }}
        />
      ) : (
        <div class="sheet-body">
          {kinds?.mayGive ? (
            <button
              type="button"
              class="primary"
              id="aw-give-open"
              onClick={() => {
                setGiven('');
                setScreen('give');
              }}
            >
              <Star aria-hidden="true" /> {t('aw.give')}
            </button>
          ) : (
            kinds && (
              <p class="hw-note" id="award-not-verified">
                {t('chatError.37')}
              </p>
            )
          )}
          {given && <output class="aw-done">{given}</output>}
          {boards &&
            (boards.length === 0 ? (
              <p class="hw-none">{t('aw.classNone')}</p>
            ) : (
              <>
                <Summary boards={boards} />
                <Boards store={store} boards={boards} changed={setBoards} counted />
              </>
            ))}
        </div>
      )}
    </Sheet>
  );
}
