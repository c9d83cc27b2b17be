// Homework collections over the messenger's socket (requests 110-117) and
// its tus uploads: what the sheets call; refusals become the messenger's
// notice (store.run). Files go up through chat/upload.ts like attachments,
// for the collection's chat, then are handed in by their ids.
import { signal } from '@preact/signals';
import { uploadFile } from '../chat/upload.js';
import { t } from '../i18n/index.js';
import { chatErrorText } from '../messenger/chatErrors.js';
import { type MessengerStore, cpb } from '../messenger/messengerStore.js';
import { ChatRequestError } from '../protocol/chatClient.js';

export type View = cpb.ICollectionView;

/** What the «Сбор файлов» sheet shows; outside the component, so a re-render of the page keeps it. */
export type Screen = { kind: 'list' } | { kind: 'create' } | { kind: 'open'; id: string };
export const homeworkScreen = signal<Screen>({ kind: 'list' });

/** Teachers and the school's administrators collect files (the server checks it again). */
export function mayCollect(store: MessengerStore): boolean {
  const role = store.me.value?.role;
  return role === cpb.UserRole.USER_ROLE_TEACHER || role === cpb.UserRole.USER_ROLE_ADMIN;
}

export async function listCollections(
  store: MessengerStore,
  chatId: string | null,
): Promise<cpb.ICollection[]> {
  const r = await store.run(() => store.chat.request({ listCollections: { chatId: chatId ?? '' } }));
  return r?.collections?.collections ?? [];
}

export async function getCollection(store: MessengerStore, collectionId: string): Promise<View | null> {
  const r = await store.run(() => store.chat.request({ getCollection: { collectionId } }));
  return r?.collection ?? null;
}

export async function createCollection(
  store: MessengerStore,
  req: cpb.ICreateCollectionRequest,
): Promise<View | null> {
  const r = await store.run(() => store.chat.request({ createCollection: req }));
  return r?.collection ?? null;
}

/** The extension a collection checks (lower case, no dot). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Whether the collection takes this file (the server checks it again). */
export function takes(c: cpb.ICollection, file: File): boolean {
  const types = c.allowedTypes ?? [];
  return file.size <= (c.maxBytes ?? 0) && (types.length === 0 || types.includes(extensionOf(file.name)));
}

/** Uploads the files (resumable) and hands them in, replacing what was there. */
export async function handIn(
  store: MessengerStore,
  c: cpb.ICollection,
  files: File[],
  progress: (percent: number) => void,
): Promise<View | null> {
  const ids: string[] = [];
  for (const [i, file] of files.entries()) {
    const up = await uploadFile(file, file.name, { token: store.token, chatId: c.chatId ?? '' }, (p) =>
      progress(Math.floor((i * 100 + p) / files.length)),
    );
    if (up.fileId === null) {
      store.say(t(up.failure));
      return null;
    }
    ids.push(up.fileId);
  }
  const r = await store.run(() =>
    store.chat.request({ submitFiles: { collectionId: c.collectionId, fileIds: ids } }),
  );
  return r?.collection ?? null;
}

/** Reminds the pupils who have not handed in; the server allows it once per collection in 10 minutes. */
export async function remindMissing(store: MessengerStore, collectionId: string): Promise<number | null> {
  try {
    const r = await store.chat.request({ remindMissing: { collectionId } });
    return r.reminded ? (r.reminded.count ?? 0) : null;
  } catch (err) {
    const tooSoon = err instanceof ChatRequestError && err.code === cpb.ChatErrorCode.CHAT_ERROR_RATE_LIMITED;
    store.say(tooSoon ? t('hw.remindTooSoon') : chatErrorText(err));
    return null;
  }
}

export async function review(
  store: MessengerStore,
  collectionId: string,
  pupilId: string,
  comment: string,
  returned: boolean,
): Promise<View | null> {
  const r = await store.run(() =>
    store.chat.request({ reviewSubmission: { collectionId, pupilId, comment, returned } }),
  );
  return r?.collection ?? null;
}

/** Opens a handed-in file in a new tab (a signed link, good for a few minutes). */
export async function openFile(
  store: MessengerStore,
  collectionId: string,
  pupilId: string,
  fileId: string,
): Promise<void> {
  const r = await store.run(() =>
    store.chat.request({ getSubmissionFileUrl: { collectionId, pupilId, fileId } }),
  );
  if (r?.fileUrl?.url) window.open(r.fileUrl.url, '_blank', 'noopener');
}

/** Downloads the collection's ZIP through a signed link. */
export async function downloadZip(store: MessengerStore, collectionId: string): Promise<void> {
  const r = await store.run(() => store.chat.request({ getCollectionZipUrl: { collectionId } }));
  if (!r?.fileUrl?.url) return;
  const a = document.createElement('a');
  a.href = r.fileUrl.url;
  a.download = '';
  document.body.append(a);
  a.click();
  a.remove();
}
