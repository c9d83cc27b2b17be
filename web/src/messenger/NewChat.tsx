// A new chat: a group (title, people, its rules) or a direct chat with one
// person. Refusals come back as translated sentences.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Sheet } from '../kit/Sheet.js';
import { MessageSquarePlus, Users } from '../kit/icons.js';
import { ChatSettingsFields } from './ChatSettingsFields.js';
import { PeoplePicker } from './PeoplePicker.js';
import { type MessengerStore, cpb } from './messengerStore.js';

const P = cpb.Permission;

/** The server's defaults for a new group, shown so the creator sees what they choose. */
const GROUP_DEFAULTS: cpb.IChatSettings = {
  whoMayWrite: P.PERMISSION_EVERYONE,
  whoMayInvite: P.PERMISSION_ADMINS,
  whoMayPin: P.PERMISSION_ADMINS,
  whoMayEditInfo: P.PERMISSION_ADMINS,
  whoMayAppointAdmins: P.PERMISSION_CREATOR,
  newMembersSeeHistory: true,
};

export function NewChat({ store }: { store: MessengerStore }) {
  const [kind, setKind] = useState<'group' | 'direct'>('group');
  const [title, setTitle] = useState('');
  const [people, setPeople] = useState<cpb.IUser[]>([]);
  const [settings, setSettings] = useState<cpb.IChatSettings>(GROUP_DEFAULTS);
  const [busy, setBusy] = useState(false);
  const done = async (chat: cpb.IChat | null | undefined) => {
    setBusy(false);
    if (!chat?.chatId) return;
    store.putChat(chat);
    store.sheet.value = null;
    await store.open(chat.chatId);
  };
  const create = async () => {
    setBusy(true);
    if (kind === 'direct') {
      const r = await store.run(() =>
        store.chat.request({ openDirectChat: { userId: people[0]?.userId ?? '' } }),
      );
      return done(r?.chat);
    }
    const r = await store.run(() =>
      store.chat.request({
        createChat: { title: title.trim(), members: people.map((p) => p.userId ?? ''), settings },
      }),
    );
    return done(r?.chat);
  };
  const ready = kind === 'direct' ? people.length === 1 : title.trim().length > 0;
  return (
    <Sheet
      id="new-chat"
      title={t('msgr.newChat')}
      backLabel={t('chat.back')}
      onBack={() => {
        store.sheet.value = null;
      }}
    >
      <form
        class="sheet-body"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !busy) void create();
        }}
      >
        <fieldset class="segmented" aria-label={t('msgr.kind')}>
          <button
            type="button"
            id="kind-group"
            aria-pressed={kind === 'group'}
            class={kind === 'group' ? 'active' : ''}
            onClick={() => setKind('group')}
          >
            <Users aria-hidden="true" /> {t('msgr.group')}
          </button>
          <button
            type="button"
            id="kind-direct"
            aria-pressed={kind === 'direct'}
            class={kind === 'direct' ? 'active' : ''}
            onClick={() => {
              setKind('direct');
              setPeople(people.slice(0, 1));
            }}
          >
            <MessageSquarePlus aria-hidden="true" /> {t('msgr.direct')}
          </button>
        </fieldset>
        {kind === 'group' ? (
          <label class="field">
            {t('msgr.title')}
            <input
              id="new-chat-title-input"
              value={title}
              maxLength={128}
              placeholder={t('msgr.titleHint')}
              onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
            />
          </label>
        ) : null}
        <h3>{kind === 'group' ? t('msgr.addPeople') : t('msgr.writeTo')}</h3>
        <PeoplePicker store={store} chosen={people} onChange={setPeople} single={kind === 'direct'} />
        {kind === 'group' ? (
          <ChatSettingsFields
            value={settings}
            creator
            onChange={(change) => setSettings({ ...settings, ...change })}
          />
        ) : null}
        <button type="submit" class="primary wide" id="new-chat-create" disabled={!ready || busy}>
          {kind === 'group' ? t('msgr.create') : t('msgr.write')}
        </button>
      </form>
    </Sheet>
  );
}
