// «Документы»: a person's own files and folders, from the messenger's header.
// Upload (resumable, into the folder shown), a new folder, and per entry a
// menu: rename, move, «Отправить в чат» (a chat of theirs gets the same file
// as an attachment), delete (after a confirm). The quota's use is on top.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { fileSize } from '../i18n/units.js';
import { confirmAction } from '../kit/Confirm.js';
import { Menu, MenuItem } from '../kit/Menu.js';
import { Sheet } from '../kit/Sheet.js';
import { SheetButton } from '../kit/SheetButton.js';
import { Ellipsis, FileText, Folder, FolderPlus, Upload } from '../kit/icons.js';
import { type MessengerStore, cpb } from '../messenger/messengerStore.js';
import { chatTitle } from '../messenger/rules.js';
import {
  type DocumentList,
  createFolder,
  deleteEntry,
  documentsFolder,
  downloadEntry,
  listDocuments,
  moveEntry,
  renameEntry,
  shareEntry,
  uploadDocuments,
} from './documentsActions.js';

/** What is open under an entry: renaming it, moving it or choosing a chat to send it to. */
type Editing = { id: string; kind: 'rename' | 'move' | 'share'; value: string } | null;

export function MyDocumentsButton({ store }: { store: MessengerStore }) {
  if (!store.me.value || store.me.value.role === cpb.UserRole.USER_ROLE_GUEST) return null;
  return (
    <SheetButton
      id="my-documents-button"
      label={t('docs.title')}
      icon={Folder}
      place="messenger"
      onOpen={() => {
        documentsFolder.value = '';
        store.selected.value = null;
        store.sheet.value = 'documents';
      }}
    />
  );
}

export function DocumentsSheet({ store }: { store: MessengerStore }) {
  const folderId = documentsFolder.value;
  const [list, setList] = useState<DocumentList | null>(null);
  const [percent, setPercent] = useState<number | null>(null);
  const [newFolder, setNewFolder] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  useEffect(() => {
    void listDocuments(store, folderId).then((l) => l && setList(l));
  }, [store, folderId]);
  const shown = (l: DocumentList | null) => {
    if (!l) return;
    setList(l);
    setEditing(null);
    documentsFolder.value = l.folderId ?? '';
  };
  const path = list?.path ?? [];
  const open = (id: string) => {
    documentsFolder.value = id;
  };
  const back = () => {
    if (!folderId) store.sheet.value = null;
    else documentsFolder.value = path.length > 1 ? (path[path.length - 2]?.entryId ?? '') : '';
  };
  const upload = async (files: FileList | null) => {
    const picked = [...(files ?? [])];
    if (!picked.length) return;
    setPercent(0);
    const l = await uploadDocuments(store, folderId, picked, setPercent);
    setPercent(null);
    if (l) shown(l);
  };
  const folders = (list?.entries ?? []).filter((e) => e.folder);
  return (
    <Sheet
      id="documents"
      title={path.length ? (path[path.length - 1]?.name ?? '') : t('docs.title')}
      backLabel={t('hw.back')}
      onBack={back}
    >
      <div class="sheet-body">
        {list && (
          <p class="docs-quota" id="docs-quota">
            {list.usedBytes
              ? t('docs.used', { used: fileSize(list.usedBytes), total: fileSize(list.quotaBytes) })
              : t('docs.usedNone', { total: fileSize(list.quotaBytes) })}
          </p>
        )}
        {path.length > 0 && (
          <nav class="docs-path" aria-label={t('docs.path')}>
            <button type="button" class="link" onClick={() => open('')}>
              {t('docs.title')}
            </button>
            {path.map((f) => (
              <span key={f.entryId}>
                {' / '}
                <button type="button" class="link" onClick={() => open(f.entryId ?? '')}>
                  {f.name}
                </button>
              </span>
            ))}
          </nav>
        )}
        <div class="docs-actions">
          <label class={`button primary${percent !== null ? ' disabled' : ''}`} id="docs-upload">
            <Upload aria-hidden="true" /> {t('docs.upload')}
            <input
              type="file"
              multiple
              class="visually-hidden"
              disabled={percent !== null}
              onChange={(e) => {
                const input = e.target as HTMLInputElement;
                void upload(input.files).then(() => {
                  input.value = '';
                });
              }}
            />
          </label>
          <button type="button" id="docs-new-folder" onClick={() => setNewFolder('')}>
            <FolderPlus aria-hidden="true" /> {t('docs.newFolder')}
          </button>
        </div>
        {percent !== null && (
          <progress class="docs-progress" max={100} value={percent} aria-label={t('docs.uploading')} />
        )}
        {newFolder !== null && (
          <form
            class="docs-inline"
            onSubmit={(e) => {
              e.preventDefault();
              void createFolder(store, folderId, newFolder).then((l) => {
                if (l) setNewFolder(null);
                shown(l);
              });
            }}
          >
            <input
              aria-label={t('docs.folderName')}
              placeholder={t('docs.folderName')}
              value={newFolder}
              maxLength={255}
              onInput={(e) => setNewFolder((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="primary" disabled={!newFolder.trim()}>
              {t('docs.create')}
            </button>
            <button type="button" class="ghost" onClick={() => setNewFolder(null)}>
              {t('docs.cancel')}
            </button>
          </form>
        )}
        {list && (list.entries ?? []).length === 0 && <p class="docs-none">{t('docs.none')}</p>}
        <ul class="docs-list">
          {(list?.entries ?? []).map((e) => (
            <li key={e.entryId} class="docs-entry" data-name={e.name}>
              <div class="docs-row">
                {e.folder ? (
                  <button type="button" class="link docs-name" onClick={() => open(e.entryId ?? '')}>
                    <Folder aria-hidden="true" /> <span class="user-text">{e.name}</span>
                  </button>
                ) : (
                  <button type="button" class="link docs-name" onClick={() => void downloadEntry(store, e)}>
                    <FileText aria-hidden="true" /> <span class="user-text">{e.name}</span>
                  </button>
                )}
                {!e.folder && <span class="docs-size">{fileSize(e.size)}</span>}
                <Menu
                  label={t('docs.actions', { name: e.name ?? '' })}
                  class="ghost icon-only"
                  button={<Ellipsis aria-hidden="true" />}
                >
                  {(close) => [
                    !e.folder && (
                      <MenuItem
                        key="share"
                        close={close}
                        onSelect={() => setEditing({ id: e.entryId ?? '', kind: 'share', value: '' })}
                      >
                        {t('docs.share')}
                      </MenuItem>
                    ),
                    <MenuItem
                      key="rename"
                      close={close}
                      onSelect={() =>
                        setEditing({ id: e.entryId ?? '', kind: 'rename', value: e.name ?? '' })
                      }
                    >
                      {t('docs.rename')}
                    </MenuItem>,
                    <MenuItem
                      key="move"
                      close={close}
                      onSelect={() => setEditing({ id: e.entryId ?? '', kind: 'move', value: '' })}
                    >
                      {t('docs.move')}
                    </MenuItem>,
                    <MenuItem
                      key="delete"
                      danger
                      close={close}
                      onSelect={() =>
                        void confirmAction(
                          t(e.folder ? 'docs.deleteFolderAsk' : 'docs.deleteAsk', { name: e.name ?? '' }),
                          t('docs.delete'),
                        ).then(async (yes) => {
                          if (yes) shown(await deleteEntry(store, e.entryId ?? ''));
                        })
                      }
                    >
                      {t('docs.delete')}
                    </MenuItem>,
                  ]}
                </Menu>
              </div>
              {editing && editing.id === e.entryId && (
                <EntryForm
                  store={store}
                  entry={e}
                  editing={editing}
                  folders={folders.filter((f) => f.entryId !== e.entryId)}
                  parentOfShown={path.length > 1 ? (path[path.length - 2] ?? null) : null}
                  atTop={!folderId}
                  change={setEditing}
                  done={shown}
                />
              )}
            </li>
          ))}
        </ul>
      </div>
    </Sheet>
  );
}

function EntryForm({
  store,
  entry,
  editing,
  folders,
  parentOfShown,
  atTop,
  change,
  done,
}: {
  store: MessengerStore;
  entry: cpb.IDocumentEntry;
  editing: NonNullable<Editing>;
  folders: cpb.IDocumentEntry[];
  parentOfShown: cpb.IDocumentEntry | null;
  atTop: boolean;
  change: (e: Editing) => void;
  done: (l: DocumentList | null) => void;
}) {
  const id = entry.entryId ?? '';
  const set = (value: string) => change({ ...editing, value });
  const chats = [...store.chats.value.values()].filter(
    (c) => c.kind !== cpb.ChatKind.CHAT_KIND_COMMENTS && c.kind !== cpb.ChatKind.CHAT_KIND_LESSON,
  );
  const submit = async () => {
    if (editing.kind === 'rename') done(await renameEntry(store, id, editing.value));
    else if (editing.kind === 'move')
      done(await moveEntry(store, id, editing.value === '-' ? '' : editing.value));
    else if (await shareEntry(store, id, editing.value)) {
      const chat = store.chats.value.get(editing.value);
      store.say(t('docs.shared', { chat: chat ? chatTitle(chat) : '' }), 'done');
      change(null);
    }
  };
  return (
    <form
      class="docs-inline"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {editing.kind === 'rename' && (
        <input
          aria-label={t('docs.newName')}
          value={editing.value}
          maxLength={255}
          onInput={(e) => set((e.target as HTMLInputElement).value)}
        />
      )}
      {editing.kind === 'move' && (
        <select
          aria-label={t('docs.moveTo')}
          value={editing.value}
          onChange={(e) => set((e.target as HTMLSelectElement).value)}
        >
          <option value="">{t('docs.moveTo')}</option>
          {!atTop && <option value="-">{t('docs.top')}</option>}
          {parentOfShown && <option value={parentOfShown.entryId ?? ''}>{parentOfShown.name}</option>}
          {folders.map((f) => (
            <option key={f.entryId} value={f.entryId ?? ''}>
              {f.name}
            </option>
          ))}
        </select>
      )}
      {editing.kind === 'share' && (
        <select
          aria-label={t('docs.chooseChat')}
          value={editing.value}
          onChange={(e) => set((e.target as HTMLSelectElement).value)}
        >
          <option value="">{t('docs.chooseChat')}</option>
          {chats.map((c) => (
            <option key={c.chatId} value={c.chatId ?? ''}>
              {chatTitle(c)}
            </option>
          ))}
        </select>
      )}
      <button type="submit" class="primary" disabled={!editing.value.trim()}>
        {editing.kind === 'share'
          ? t('docs.send')
          : editing.kind === 'move'
            ? t('docs.moveHere')
            : t('docs.save')}
      </button>
      <button type="button" class="ghost" onClick={() => change(null)}>
        {t('docs.cancel')}
      </button>
    </form>
  );
}
