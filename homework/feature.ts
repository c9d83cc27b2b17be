// Homework collections, «Сбор файлов» (#27): a part above the messenger. It
// registers its requests on the messenger's socket (registerChatHandlers, as
// notifications/ does), keeps its tables in PostgreSQL (schema `homework`),
// takes pupils' files through the messenger's tus uploads and serves them
// through its signed links, and adds one HTTP route, the teacher's ZIP.
import type { Logger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import { invalid } from '../messaging/errors.js';
import { type ChatHandler, registerChatHandlers } from '../messaging/handlers.js';
import type { Messenger } from '../messaging/messenger.js';
import type { Feature } from '../signaling/requests/features.js';
import { type ChildrenOf, HomeworkService } from './service.js';
import { HomeworkStore } from './store.js';
import { ZipLinks, registerZipRoute } from './zip.js';

export interface HomeworkDeps {
  messenger: Messenger;
  db: Postgres;
  tokenSecret: string;
  /** A parent's children, from the school's directory. */
  childrenOf: ChildrenOf;
  log: Logger;
}

interface Homework {
  service: HomeworkService;
  zipLinks: ZipLinks;
}

/** Each server's homework, found from the messenger a request came through. */
const byMessenger = new WeakMap<Messenger, Homework>();

const ZIP_LINK_SECONDS = 600;

export function createHomeworkFeature(deps: HomeworkDeps): Feature<never> {
  const log = deps.log.child({ part: 'homework' });
  const service = new HomeworkService(new HomeworkStore(deps.db), deps.messenger, deps.childrenOf);
  const zipLinks = new ZipLinks(deps.tokenSecret, ZIP_LINK_SECONDS);
  byMessenger.set(deps.messenger, { service, zipLinks });
  // Handed-in files are in no message: the download route asks homework's read rule.
  deps.messenger.files.addReader((fileId, userId) => service.maySeeHandedInFile(fileId, userId));
  registerChatHandlers(HANDLERS);
  return {
    name: 'homework',
    handlers: {},
    routes(router) {
      registerZipRoute(router.app, {
        links: zipLinks,
        service: () => service,
        messenger: deps.messenger,
        log,
      });
    },
  };
}

function of(messenger: Messenger): Homework {
  const h = byMessenger.get(messenger);
  if (!h) throw invalid('homework collections are not set up on this server');
  return h;
}

type HomeworkRequest =
  | 'createCollection'
  | 'listCollections'
  | 'getCollection'
  | 'submitFiles'
  | 'reviewSubmission'
  | 'remindMissing'
  | 'getSubmissionFileUrl'
  | 'getCollectionZipUrl';

const HANDLERS: Record<HomeworkRequest, ChatHandler> = {
  createCollection: async ({ caller, messenger }, m) => ({
    collection: await of(messenger).service.create(caller, m.createCollection!),
  }),
  listCollections: async ({ caller, messenger }, m) => ({
    collections: await of(messenger).service.list(caller, m.listCollections!),
  }),
  getCollection: async ({ caller, messenger }, m) => ({
    collection: await of(messenger).service.view(caller, m.getCollection?.collectionId),
  }),
  submitFiles: async ({ caller, messenger }, m) => ({
    collection: await of(messenger).service.submit(caller, m.submitFiles!),
  }),
  reviewSubmission: async ({ caller, messenger }, m) => ({
    collection: await of(messenger).service.review(caller, m.reviewSubmission!),
  }),
  remindMissing: async ({ caller, messenger }, m) => ({
    reminded: await of(messenger).service.remind(caller, m.remindMissing!),
  }),
  getSubmissionFileUrl: async ({ caller, messenger, fileLinks }, m) => ({
    fileUrl: await of(messenger).service.fileUrl(caller, m.getSubmissionFileUrl!, fileLinks),
  }),
  getCollectionZipUrl: async ({ caller, messenger }, m) => {
    const h = of(messenger);
    const c = await h.service.teachersOwn(caller, m.getCollectionZipUrl?.collectionId);
    return { fileUrl: h.zipLinks.signed(c.id, caller.user.id) };
  },
};
