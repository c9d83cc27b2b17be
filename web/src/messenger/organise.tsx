// One's own organisation from the chat list: Saved messages, a new folder,
// one's folders renamed, reordered or deleted, quiet hours, and for teachers
// and admins a new channel.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { ChevronDown, ChevronUp, Trash2 } from '../kit/icons.js';
import { type MessengerStore, cpb } from './messengerStore.js';
import { disablePush, enablePush, pushError, pushState } from './notifications.js';
import { folder, prefs } from './prefsState.js';

type Panel = 'folder' | 'folders' | 'quiet' | 'channel' | 'push' | null;

/** «Папки»: each folder's name, its place (up, down) and deleting it; saved at once (set_folders). */
function EditFolders({ store, done }: { store: MessengerStore; done: () => void }) {
  const [list, setList] = useState(() => (prefs.value.folders ?? []).map((f) => ({ ...f })));
  const move = (i: number, by: number) => {
    const next = [...list];
    const [f] = next.splice(i, 1);
    next.splice(i + by, 0, f!);
    setList(next);
  };
  const save = async () => {
    const folders = list.map((f) => ({ id: f.id, name: (f.name ?? '').trim(), chatIds: f.chatIds ?? [] }));
    const r = await store.run(() => store.chat.request({ setFolders: { folders } }));
    if (!r?.prefs) return;
    prefs.value = r.prefs;
    if (!(r.prefs.folders ?? []).some((f) => f.id === folder.value)) folder.value = '';
    done();
  };
  return (
    <form
      class="organise-form folder-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {list.length === 0 ? <p>{t('folders.none')}</p> : null}
      <ol>
        {list.map((f, i) => (
          <li key={f.id} data-folder-edit={f.id}>
            <input
              value={f.name ?? ''}
              maxLength={64}
              aria-label={t('folders.name', { n: i + 1 })}
              onInput={(e) =>
                setList(
                  list.map((x, j) => (j === i ? { ...x, name: (e.target as HTMLInputElement).value } : x)),
                )
              }
            />
            <button
              type="button"
              class="ghost icon-only"
              aria-label={t('folders.up', { name: f.name ?? '' })}
              disabled={i === 0}
              onClick={() => move(i, -1)}
            >
              <ChevronUp aria-hidden="true" />
            </button>
            <button
              type="button"
              class="ghost icon-only"
              aria-label={t('folders.down', { name: f.name ?? '' })}
              disabled={i === list.length - 1}
              onClick={() => move(i, 1)}
            >
              <ChevronDown aria-hidden="true" />
            </button>
            <button
              type="button"
              class="ghost icon-only"
              aria-label={t('folders.delete', { name: f.name ?? '' })}
              onClick={() => setList(list.filter((_, j) => j !== i))}
            >
              <Trash2 aria-hidden="true" />
            </button>
          </li>
        ))}
      </ol>
      <button type="submit" class="primary" disabled={list.some((f) => !(f.name ?? '').trim())}>
        {t('school.save')}
      </button>
    </form>
  );
}

function NewFolder({ store, done }: { store: MessengerStore; done: () => void }) {
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const save = async () => {
    const folders = [...(prefs.value.folders ?? []), { name: name.trim(), chatIds: chosen }];
    const r = await store.chat.request({ setFolders: { folders } });
    prefs.value = r.prefs ?? prefs.value;
    folder.value = r.prefs?.folders?.at(-1)?.id ?? '';
    done();
  };
  return (
    <form
      class="organise-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) void save();
      }}
    >
      <input
        id="folder-name"
        value={name}
        placeholder={t('school.folderName')}
        aria-label={t('school.folderName')}
        onInput={(e) => setName((e.target as HTMLInputElement).value)}
      />
      <fieldset>
        <legend>{t('school.folderChats')}</legend>
        {store.sortedChats().map((c) => (
          <label key={c.chatId}>
            <input
              type="checkbox"
              data-pick={c.chatId}
              onChange={(e) =>
                setChosen(
                  (e.target as HTMLInputElement).checked
                    ? [...chosen, c.chatId ?? '']
                    : chosen.filter((x) => x !== c.chatId),
                )
              }
            />
            {c.title || c.peer?.displayName}
          </label>
        ))}
      </fieldset>
      <button type="submit" class="primary">
        {t('school.save')}
      </button>
    </form>
  );
}

function QuietHours({ store, done }: { store: MessengerStore; done: () => void }) {
  const q = prefs.value.quietHours;
  const [from, setFrom] = useState(q?.from || '21:00');
  const [to, setTo] = useState(q?.to || '08:00');
  const save = async (on: boolean) => {
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const r = await store.chat.request({ setQuietHours: { quietHours: on ? { from, to, timeZone } : {} } });
    prefs.value = r.prefs ?? prefs.value;
    done();
  };
  return (
    <form
      class="organise-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save(true);
      }}
    >
      <p>{t('school.quietHint')}</p>
      <label>
        {t('school.quietFrom')}
        <input type="time" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        {t('school.quietTo')}
        <input type="time" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" class="primary">
        {t('school.save')}
      </button>
      {q && (
        <button type="button" class="ghost" onClick={() => void save(false)}>
          {t('school.quietOff')}
        </button>
      )}
    </form>
  );
}

/** Notifications on this device: on, off, or why they cannot be. */
function DeviceNotifications({ store }: { store: MessengerStore }) {
  const state = pushState.value;
  return (
    <section class="organise-form" aria-label={t('push.title')}>
      <p>{t(`push.state.${state}`)}</p>
      {state === 'off' && (
        <button type="button" class="primary" onClick={() => void enablePush(store)}>
          {t('push.enable')}
        </button>
      )}
      {state === 'on' && (
        <button type="button" class="ghost" onClick={() => void disablePush(store)}>
          {t('push.disable')}
        </button>
      )}
      {pushError.value && (
        <p class="form-error" role="alert">
          {t('push.failed')} ({pushError.value})
        </p>
      )}
      {prefs.value.quietHours && <p>{t('push.quietToo')}</p>}
    </section>
  );
}

function NewChannel({ store, done }: { store: MessengerStore; done: () => void }) {
  const [title, setTitle] = useState('');
  const [listed, setListed] = useState(true);
  const [comments, setComments] = useState(false);
  const create = async () => {
    const r = await store.chat.request({ createChannel: { title: title.trim(), listed, comments } });
    done();
    if (r.chat?.chatId) {
      store.chats.value = new Map(store.chats.value).set(r.chat.chatId, r.chat);
      await store.open(r.chat.chatId);
    }
  };
  return (
    <form
      class="organise-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (title.trim()) void create();
      }}
    >
      <input
        id="channel-title"
        value={title}
        placeholder={t('school.channelTitle')}
        aria-label={t('school.channelTitle')}
        onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
      />
      <label>
        <input
          type="checkbox"
          checked={listed}
          onChange={(e) => setListed((e.target as HTMLInputElement).checked)}
        />
        {t('school.channelListed')}
      </label>
      <label>
        <input
          type="checkbox"
          checked={comments}
          onChange={(e) => setComments((e.target as HTMLInputElement).checked)}
        />
        {t('school.channelComments')}
      </label>
      <button type="submit" class="primary">
        {t('school.create')}
      </button>
    </form>
  );
}

export function Organise({ store }: { store: MessengerStore }) {
  const [panel, setPanel] = useState<Panel>(null);
  const role = store.me.value?.role;
  const staff = role === cpb.UserRole.USER_ROLE_TEACHER || role === cpb.UserRole.USER_ROLE_ADMIN;
  const saved = async () => {
    const r = await store.chat.request({ openSavedMessages: {} });
    const id = r.chat?.chatId ?? '';
    if (!id) return;
    store.chats.value = new Map(store.chats.value).set(id, r.chat!);
    prefs.value = { ...prefs.value, savedChatId: id };
    folder.value = '';
    await store.open(id);
  };
  const toggle = (p: Panel) => setPanel(panel === p ? null : p);
  const done = () => setPanel(null);
  // The server's limit (Prefs.folders_max): no form for a folder it would refuse.
  const max = prefs.value.foldersMax ?? 0;
  const full = max > 0 && (prefs.value.folders ?? []).length >= max;
  return (
    <div class="organise">
      <div class="organise-row">
        <button type="button" class="ghost" onClick={() => void saved()}>
          {t('school.saved')}
        </button>
        <button
          type="button"
          class="ghost"
          disabled={full}
          aria-describedby={full ? 'folders-full' : undefined}
          onClick={() => toggle('folder')}
        >
          {t('school.newFolder')}
        </button>
        {(prefs.value.folders ?? []).length > 0 && (
          <button
            type="button"
            class="ghost"
            aria-expanded={panel === 'folders'}
            onClick={() => toggle('folders')}
          >
            {t('folders.edit')}
          </button>
        )}
        <button type="button" class="ghost" onClick={() => toggle('quiet')}>
          {prefs.value.quietNow ? t('school.quietNow') : t('school.quietHours')}
        </button>
        <button type="button" class="ghost" aria-expanded={panel === 'push'} onClick={() => toggle('push')}>
          {t('push.title')}
        </button>
        {staff && (
          <button type="button" class="ghost" onClick={() => toggle('channel')}>
            {t('school.newChannel')}
          </button>
        )}
      </div>
      {full && (
        <p class="organise-note" id="folders-full">
          {t('folders.full', { count: max })}
        </p>
      )}
      {panel === 'folder' && !full && <NewFolder store={store} done={done} />}
      {panel === 'folders' && <EditFolders store={store} done={done} />}
      {panel === 'quiet' && <QuietHours store={store} done={done} />}
      {panel === 'channel' && <NewChannel store={store} done={done} />}
      {panel === 'push' && <DeviceNotifications store={store} />}
    </div>
  );
}
