// «Создать сбор»: a teacher collects files from the pupils of this chat:
// title, what to hand in, the deadline, who (everyone, or some pupils),
// the allowed file types and the largest size.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { PeopleChecks } from '../kit/PeopleChecks.js';
import { type MessengerStore, cpb } from '../messenger/messengerStore.js';
import { type View, createCollection } from './homeworkActions.js';

const MB = 1024 * 1024;

/** A week from now at 18:00, as a datetime-local input holds it. */
function nextWeek(): string {
  const d = new Date(Date.now() + 7 * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T18:00`;
}

export function CollectionForm({
  store,
  chat,
  done,
}: { store: MessengerStore; chat: cpb.IChat; done: (v: View) => void }) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [deadline, setDeadline] = useState(nextWeek());
  const [types, setTypes] = useState('');
  const [maxMb, setMaxMb] = useState(20);
  const [everyone, setEveryone] = useState(true);
  const [pupils, setPupils] = useState<cpb.IMember[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
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
    const v = await createCollection(store, {
      chatId: chat.chatId,
      title: title.trim(),
      description: description.trim(),
      deadline: new Date(deadline).getTime(),
      pupilIds: everyone ? [] : [...chosen],
      allowedTypes: types
        .split(/[\s,;]+/)
        .map((x) => x.trim().replace(/^\./, '').toLowerCase())
        .filter(Boolean),
      maxBytes: Math.round(maxMb * MB),
    });
    setBusy(false);
    if (v) done(v);
  };
  return (
    <form
      class="sheet-body hw-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (title.trim() && !busy) void submit();
      }}
    >
      <label class="field">
        {t('hw.name')}
        <input
          id="hw-title"
          value={title}
          maxLength={200}
          required
          placeholder={t('hw.nameHint')}
          onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
        />
      </label>
      <label class="field">
        {t('hw.description')}
        <textarea
          id="hw-description"
          rows={3}
          value={description}
          maxLength={4000}
          onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      <label class="field">
        {t('hw.deadline')}
        <input
          id="hw-deadline"
          type="datetime-local"
          value={deadline}
          required
          onInput={(e) => setDeadline((e.target as HTMLInputElement).value)}
        />
      </label>
      <fieldset class="hw-who">
        <legend>{t('hw.who')}</legend>
        <label class="check">
          <input
            type="checkbox"
            id="hw-everyone"
            checked={everyone}
            onChange={(e) => setEveryone((e.target as HTMLInputElement).checked)}
          />
          {t('hw.everyone', { count: pupils.length })}
        </label>
        {!everyone && (
          <PeopleChecks
            people={pupils.map((p) => ({ id: p.user?.userId ?? '', name: p.user?.displayName ?? '' }))}
            chosen={chosen}
            onChange={setChosen}
          />
        )}
      </fieldset>
      <label class="field">
        {t('hw.types')}
        <input
          id="hw-types"
          value={types}
          placeholder={t('hw.typesHint')}
          onInput={(e) => setTypes((e.target as HTMLInputElement).value)}
        />
      </label>
      <label class="field">
        {t('hw.maxSize')}
        <input
          id="hw-max"
          type="number"
          min={1}
          max={4096}
          value={maxMb}
          onInput={(e) => setMaxMb(Math.max(1, Number((e.target as HTMLInputElement).value) || 1))}
        />
      </label>
      <button
        type="submit"
        class="primary wide"
        id="hw-create-submit"
        disabled={!title.trim() || busy || (!everyone && chosen.size === 0)}
      >
        {t('hw.createSubmit')}
      </button>
    </form>
  );
}
