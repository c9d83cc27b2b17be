// «Наградить», opened from «Награды класса»: a badge from the catalogue, one
// or several pupils of the chat, a comment, and whether to announce it in the
// chat. Only shown to those the catalogue says may give (ClassAwards).
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { PeopleChecks } from '../kit/PeopleChecks.js';
import { userText } from '../kit/userText.js';
import { type MessengerStore, cpb } from '../messenger/messengerStore.js';

export function GiveAward({
  store,
  chat,
  kinds,
  done,
}: {
  store: MessengerStore;
  chat: cpb.IChat;
  kinds: cpb.IAwardKind[];
  /** The boards of the pupils just awarded. */
  done: (given: cpb.IAwardBoard[]) => void;
}) {
  const [pupils, setPupils] = useState<cpb.IMember[]>([]);
  const [kind, setKind] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [comment, setComment] = useState('');
  const [announce, setAnnounce] = useState(true);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void store
      .run(() => store.chat.request({ listMembers: { chatId: chat.chatId, limit: 200 } }))
      .then((r) =>
        setPupils((r?.members?.members ?? []).filter((m) => m.user?.role === cpb.UserRole.USER_ROLE_STUDENT)),
      );
  }, [store, chat.chatId]);
  const submit = async () => {
    setBusy(true);
    const r = await store.run(() =>
      store.chat.request({
        giveAward: {
          kindId: kind,
          pupilIds: [...chosen],
          comment: comment.trim(),
          announceChatId: announce ? chat.chatId : '',
        },
      }),
    );
    setBusy(false);
    if (r?.awardBoards) done(r.awardBoards.boards ?? []);
  };
  return (
    <form
      class="sheet-body hw-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (kind && chosen.size && !busy) void submit();
      }}
    >
      <fieldset class="aw-kinds">
        <legend>{t('aw.choose')}</legend>
        {kinds.map((k) => (
          <label key={k.kindId} class={`aw-kind${kind === k.kindId ? ' active' : ''}`}>
            <input
              type="radio"
              name="award-kind"
              class="visually-hidden"
              checked={kind === k.kindId}
              onChange={() => setKind(k.kindId ?? '')}
            />
            <img src={`/static/awards/${k.badge}.svg`} alt="" width={56} height={56} />
            <span {...userText()}>{k.name}</span>
          </label>
        ))}
      </fieldset>
      <fieldset class="hw-who">
        <legend>{t('aw.pupils')}</legend>
        {
          <PeopleChecks
            people={pupils.map((p) => ({ id: p.user?.userId ?? '', name: p.user?.displayName ?? '' }))}
            chosen={chosen}
            onChange={setChosen}
          />
        }
      </fieldset>
      <label class="field">
        {t('aw.comment')}
        <textarea
          rows={2}
          value={comment}
          maxLength={500}
          onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={announce}
          onChange={(e) => setAnnounce((e.target as HTMLInputElement).checked)}
        />
        {t('aw.announce')}
      </label>
      <button type="submit" class="primary wide" disabled={!kind || chosen.size === 0 || busy}>
        {t('aw.submit', { count: chosen.size })}
      </button>
    </form>
  );
}
