// A pupil's board of awards (or a parent's children's, or a class's pupils'
// in «Награды класса»): the badges with their names, who gave them and when,
// the comment; the giver (or the school's administrator) withdraws one here,
// after saying yes to the question (kit/Confirm.tsx).
import { useEffect, useState } from 'preact/hooks';
import { lang, t } from '../i18n/index.js';
import { confirmAction } from '../kit/Confirm.js';
import { Sheet } from '../kit/Sheet.js';
import { isolated, userText } from '../kit/userText.js';
import type { MessengerStore, cpb } from '../messenger/messengerStore.js';

function when(ms: number | null | undefined): string {
  return new Date(ms ?? 0).toLocaleDateString(lang.value === 'ru' ? 'ru-RU' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
}

export function Boards({
  store,
  boards,
  changed,
  counted = false,
}: {
  store: MessengerStore;
  boards: cpb.IAwardBoard[];
  changed: (b: cpb.IAwardBoard[]) => void;
  /** A class's list: each pupil's count beside the name, smaller badges. */
  counted?: boolean;
}) {
  const withdraw = async (b: cpb.IAwardBoard, a: cpb.IAward) => {
    const asked = t('aw.withdrawConfirm', { kind: a.kind?.name ?? '', pupil: b.pupilName ?? '' });
    if (!(await confirmAction(asked, t('aw.withdraw')))) return;
    const awardId = a.awardId ?? '';
    const r = await store.run(() => store.chat.request({ withdrawAward: { awardId } }));
    const fresh = r?.awardBoards?.boards ?? [];
    if (r) changed(boards.map((b) => fresh.find((f) => f.pupilId === b.pupilId) ?? b));
  };
  return (
    <>
      {boards.map((b) => (
        <section
          class={counted ? 'aw-board counted' : 'aw-board'}
          key={b.pupilId}
          aria-label={t('aw.boardOf', { name: b.pupilName ?? '' })}
        >
          {counted ? (
            <h3>
              <span {...userText()}>{b.pupilName}</span>{' '}
              <small class="aw-count">{t('aw.count', { count: (b.awards ?? []).length })}</small>
            </h3>
          ) : (
            <h3>{t('aw.boardOf', { name: b.pupilName ?? '' })}</h3>
          )}
          {(b.awards ?? []).length === 0 ? (
            !counted && <p class="hw-none">{t('aw.none')}</p>
          ) : (
            <ul class="aw-list">
              {(b.awards ?? []).map((a) => (
                <li key={a.awardId} class="aw-item">
                  <img
                    src={`/static/awards/${a.kind?.badge ?? 'star'}.svg`}
                    alt=""
                    width={counted ? 44 : 64}
                    height={counted ? 44 : 64}
                  />
                  <div>
                    <strong {...userText()}>{a.kind?.name}</strong>
                    <small>
                      {t('aw.by', { teacher: isolated(a.giverName ?? ''), time: when(a.givenAt) })}
                    </small>
                    {a.comment ? <p {...userText()}>{a.comment}</p> : null}
                    {a.mayWithdraw && (
                      <button type="button" class="ghost small" onClick={() => void withdraw(b, a)}>
                        {t('aw.withdraw')}
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </>
  );
}

/** «Награды» from the messenger's header: one's own board, or one's children's. */
export function AwardBoardSheet({ store }: { store: MessengerStore }) {
  const [boards, setBoards] = useState<cpb.IAwardBoard[] | null>(null);
  useEffect(() => {
    void store
      .run(() => store.chat.request({ getAwardBoard: {} }))
      .then((r) => setBoards(r?.awardBoards?.boards ?? []));
  }, [store]);
  return (
    <Sheet
      id="awards"
      title={t('aw.title')}
      backLabel={t('hw.back')}
      onBack={() => {
        store.sheet.value = null;
      }}
    >
      <div class="sheet-body">{boards && <Boards store={store} boards={boards} changed={setBoards} />}</div>
    </Sheet>
  );
}
