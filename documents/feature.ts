// A person's «Документы» (#27): a part above the messenger. It registers its
// requests on the messenger's socket (registerChatHandlers, as homework/
// does), keeps its tables in PostgreSQL (schema `documents`), and is the
// messenger's upload place "documents": files arrive through the one tus
// upload path (with the same picture handling as attachments) and are read
// through the messenger's download route by their owner, or by the members
// of a chat they were shared into.
import type { Postgres } from '../common/postgres/connect.js';
import { invalid } from '../messaging/errors.js';
import { type ChatHandler, registerChatHandlers } from '../messaging/handlers.js';
import type { Messenger } from '../messaging/messenger.js';
import { DocumentsService } from './service.js';
import { DocumentsStore } from './store.js';

export interface DocumentsDeps {
  messenger: Messenger;
  db: Postgres;
  /** Bytes a person keeps until their school sets its own quota. */
  defaultQuotaBytes: number;
}

/** Each server's documents, found from the messenger a request came through. */
const byMessenger = new WeakMap<Messenger, DocumentsService>();

export function startDocuments(deps: DocumentsDeps): DocumentsService {
  const service = new DocumentsService(new DocumentsStore(deps.db), deps.messenger, deps.defaultQuotaBytes);
  byMessenger.set(deps.messenger, service);
  deps.messenger.files.addPlace(service);
  registerChatHandlers(HANDLERS);
  return service;
}

function of(messenger: Messenger): DocumentsService {
  const d = byMessenger.get(messenger);
  if (!d) throw invalid('documents are not set up on this server');
  return d;
}

type DocumentsRequest =
  | 'listDocuments'
  | 'createDocumentFolder'
  | 'addDocuments'
  | 'renameDocument'
  | 'moveDocument'
  | 'deleteDocument'
  | 'shareDocument'
  | 'getDocumentsQuota'
  | 'setDocumentsQuota';

const HANDLERS: Record<DocumentsRequest, ChatHandler> = {
  listDocuments: async ({ caller, messenger }, m) => ({
    documents: await of(messenger).list(caller, m.listDocuments?.folderId),
  }),
  createDocumentFolder: async ({ caller, messenger }, m) => ({
    documents: await of(messenger).createFolder(caller, m.createDocumentFolder!),
  }),
  addDocuments: async ({ caller, messenger }, m) => ({
    documents: await of(messenger).add(caller, m.addDocuments!),
  }),
  renameDocument: async ({ caller, messenger }, m) => ({
    documents: await of(messenger).rename(caller, m.renameDocument!),
  }),
  moveDocument: async ({ caller, messenger }, m) => ({
    documents: await of(messenger).move(caller, m.moveDocument!),
  }),
  deleteDocument: async ({ caller, messenger }, m) => ({
    documents: await of(messenger).remove(caller, m.deleteDocument!),
  }),
  shareDocument: async ({ caller, messenger }, m) => ({
    message: await of(messenger).share(caller, m.shareDocument!),
  }),
  getDocumentsQuota: async ({ caller, messenger }) => ({
    documentsQuota: await of(messenger).getQuota(caller),
  }),
  setDocumentsQuota: async ({ caller, messenger }, m) => ({
    documentsQuota: await of(messenger).setQuota(caller, m.setDocumentsQuota!),
  }),
};
