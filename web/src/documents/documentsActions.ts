// «Документы» over the messenger's socket (requests 140-148) and its one tus
// upload client (chat/upload.ts, place "documents"): what the sheet calls;
// refusals become the messenger's notice (store.run).
import { signal } from '@preact/signals';
import { uploadFile } from '../chat/upload.js';
import { t } from '../i18n/index.js';
import { saveFile } from '../kit/saveFile.js';
import type { MessengerStore, cpb } from '../messenger/messengerStore.js';

export type DocumentList = cpb.IDocumentList;

/** The folder the sheet shows (empty: the top); outside the component, so a re-render keeps it. */
export const documentsFolder = signal('');

async function ask(
  store: MessengerStore,
  req: Partial<cpb.IChatClientMessage>,
): Promise<DocumentList | null> {
  const r = await store.run(() => store.chat.request(req));
  return r?.documents ?? null;
}

export const listDocuments = (store: MessengerStore, folderId: string) =>
  ask(store, { listDocuments: { folderId } });

export const createFolder = (store: MessengerStore, parentId: string, name: string) =>
  ask(store, { createDocumentFolder: { parentId, name } });

export const renameEntry = (store: MessengerStore, entryId: string, name: string) =>
  ask(store, { renameDocument: { entryId, name } });

export const moveEntry = (store: MessengerStore, entryId: string, folderId: string) =>
  ask(store, { moveDocument: { entryId, folderId } });

export const deleteEntry = (store: MessengerStore, entryId: string) =>
  ask(store, { deleteDocument: { entryId } });

/** Uploads the files (resumable, the quota checked before they go up) and files them in the folder. */
export async function uploadDocuments(
  store: MessengerStore,
  folderId: string,
  files: File[],
  progress: (percent: number) => void,
): Promise<DocumentList | null> {
  const ids: string[] = [];
  for (const [i, file] of files.entries()) {
    const up = await uploadFile(file, file.name, { token: store.token, place: 'documents' }, (p) =>
      progress(Math.floor((i * 100 + p) / files.length)),
    );
    if (up.fileId === null) {
      store.say(t(up.failure));
      return null;
    }
    ids.push(up.fileId);
  }
  return ask(store, { addDocuments: { folderId, fileIds: ids } });
}

/** Sends the document into a chat as an attachment (the same file). */
export async function shareEntry(store: MessengerStore, entryId: string, chatId: string): Promise<boolean> {
  const r = await store.run(() => store.chat.request({ shareDocument: { entryId, chatId } }));
  return !!r?.message;
}

/** Saves one's own document: the download route knows its owner by the user token. */
export async function downloadEntry(store: MessengerStore, e: cpb.IDocumentEntry): Promise<void> {
  const res = await fetch(`/api/chat/files/${e.fileId}`, {
    headers: { authorization: `Bearer ${store.token}` },
  });
  if (!res.ok) {
    store.say(t('docs.downloadFailed'));
    return;
  }
  saveFile(e.name ?? 'file', await res.blob(), e.type || 'application/octet-stream');
}
